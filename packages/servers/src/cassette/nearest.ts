// What a strict replay says about a request the cassette has no answer for: the recorded
// requests nearest to it (same method and path first, then the fewest differences in the body)
// and, for each, the JSON paths whose values differ, the way a reviewer reads a diff.
import { canonicalJSON, matchValue, sortKeys } from "./canonical.js";
import type { Interaction, RecordedBody } from "./format.js";

/** A request as the replayer compares it. */
export interface ComparedRequest {
  method: string;
  /** Path and query. */
  path: string;
  body: RecordedBody | null;
}

/** One value that differs between a recorded body and a live one. */
export interface BodyDifference {
  /** Where: a JSON path such as `messages[0].content`, a form field, or `(body)` for plain text. */
  path: string;
  /** The recorded value as compact JSON, `(absent)` when the recording lacks it. */
  recorded: string;
  /** The sent value as compact JSON, `(absent)` when the request lacks it. */
  sent: string;
}

/** A recorded request near a live one. */
export interface NearestRecording {
  /** Its position in the cassette, from 1. */
  interaction: number;
  method: string;
  path: string;
  /** Whether method and path are the live request's. */
  samePath: boolean;
  differences: BodyDifference[];
}

const ABSENT = Symbol("absent");

/**
 * The recorded requests nearest to `live`, best first: same method and path before any other,
 * then fewer body differences, then cassette order. Identical recordings count once.
 */
export function nearestRecordings(
  live: ComparedRequest,
  interactions: readonly Interaction[],
  ignored: readonly string[],
  limit = 3,
): NearestRecording[] {
  const seen = new Set<string>();
  const candidates: NearestRecording[] = [];
  const liveValue = comparable(live.body, ignored);
  for (const [index, { request }] of interactions.entries()) {
    const value = comparable(request.body, ignored);
    const identity = `${request.method} ${request.path} ${canonicalJSON(value === ABSENT ? null : value)}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    candidates.push({
      interaction: index + 1,
      method: request.method.toUpperCase(),
      path: request.path,
      samePath: request.method.toUpperCase() === live.method.toUpperCase() && request.path === live.path,
      differences: differences(value, liveValue, ""),
    });
  }
  candidates.sort(
    (a, b) =>
      Number(b.samePath) - Number(a.samePath) ||
      a.differences.length - b.differences.length ||
      a.interaction - b.interaction,
  );
  return candidates.slice(0, limit);
}

/** The lines that describe a miss: the nearest recordings and how the sent body differs from each. */
export function describeNearest(nearest: readonly NearestRecording[]): string[] {
  if (nearest.length === 0) return ["The cassette holds no recordings."];
  const lines = ["Nearest recordings:"];
  for (const candidate of nearest) {
    const where = `#${candidate.interaction} ${candidate.method} ${candidate.path}`;
    const count = candidate.differences.length;
    const what =
      count === 0
        ? "same body"
        : `${count} difference${count === 1 ? "" : "s"} in the body (recorded → sent)`;
    lines.push(`  ${where}${candidate.samePath ? "" : " (another method or path)"}: ${what}`);
    for (const difference of candidate.differences.slice(0, MAX_SHOWN))
      lines.push(`      ${difference.path}: ${difference.recorded} → ${difference.sent}`);
    if (count > MAX_SHOWN) lines.push(`      … and ${count - MAX_SHOWN} more`);
  }
  return lines;
}

const MAX_SHOWN = 6;
const SECRET_FIELD = /(^|\.)(client_secret|client_id|access_token|refresh_token|id_token|password|api_key)$/i;
const MAX_VALUE = 72;

// A body as the match sees it (canonical.ts's rules), with no body as absent.
function comparable(body: RecordedBody | null, ignored: readonly string[]): unknown {
  return body === null ? ABSENT : matchValue(body, ignored);
}

// Every leaf path where the two values differ; objects by key (sorted), arrays by index.
function differences(recorded: unknown, sent: unknown, path: string): BodyDifference[] {
  if (isPlainObject(recorded) && isPlainObject(sent)) {
    const keys = [...new Set([...Object.keys(recorded), ...Object.keys(sent)])].sort();
    return keys.flatMap((key) =>
      differences(
        key in recorded ? recorded[key] : ABSENT,
        key in sent ? sent[key] : ABSENT,
        path === "" ? key : `${path}.${key}`,
      ),
    );
  }
  if (Array.isArray(recorded) && Array.isArray(sent)) {
    const length = Math.max(recorded.length, sent.length);
    const out: BodyDifference[] = [];
    for (let i = 0; i < length; i++)
      out.push(
        ...differences(
          i < recorded.length ? recorded[i] : ABSENT,
          i < sent.length ? sent[i] : ABSENT,
          `${path}[${i}]`,
        ),
      );
    return out;
  }
  if (render(recorded) === render(sent)) return [];
  // A credential sent in a JSON body is never echoed in a message or a log.
  if (SECRET_FIELD.test(path)) return [{ path, recorded: "(not shown)", sent: "(not shown)" }];
  const [a, b] = shown(render(recorded), render(sent));
  return [{ path: path === "" ? "(body)" : path, recorded: a, sent: b }];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function render(value: unknown): string {
  return value === ABSENT ? "(absent)" : JSON.stringify(sortKeys(value));
}

// Two long values are cut around where they start to differ, so the difference stays in view.
function shown(a: string, b: string): [string, string] {
  if (a.length <= MAX_VALUE && b.length <= MAX_VALUE) return [a, b];
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  const from = start > 24 ? start - 16 : 0;
  const cut = (text: string) => {
    const head = from > 0 ? `…${text.slice(from)}` : text;
    return head.length > MAX_VALUE ? `${head.slice(0, MAX_VALUE - 1)}…` : head;
  };
  return [cut(a), cut(b)];
}
