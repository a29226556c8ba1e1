// A cassette as an HTTP Archive (HAR 1.2, http://www.softwareishard.com/blog/har-12-spec/), the
// format browsers and Playwright's `routeFromHAR` read, so browser tests replay the same
// recordings. An event stream's content is its frames joined, exactly as sent (HAR keeps no
// per-frame timing; `timings.receive` is the time from the headers to the end).
import { createRequire } from "node:module";
import { hopByHopNames } from "../proxy/hop-by-hop.js";
import { recordedBodyBytes } from "./canonical.js";
import type { Cassette, Interaction, RecordedBody } from "./format.js";

/** The platform's base URL, where recorded paths are put by default. */
export const PLATFORM_BASE_URL = "https://platform.ai.gloo.com";

/** Options of {@link cassetteToHAR}. */
export interface HarOptions {
  /** Prefixed to every recorded path to make the entries' URLs. @default "https://platform.ai.gloo.com" */
  baseURL?: string | undefined;
}

/** A name/value pair: a header, a query parameter, a form field. */
export interface HarNameValue {
  name: string;
  value: string;
}

/** One HAR entry (the fields this export writes). */
export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: HarNameValue[];
    headers: HarNameValue[];
    queryString: HarNameValue[];
    postData?: { mimeType: string; text: string; params?: HarNameValue[] };
    headersSize: number;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: HarNameValue[];
    headers: HarNameValue[];
    content: { size: number; mimeType: string; text: string; encoding?: "base64" };
    redirectURL: string;
    headersSize: number;
    bodySize: number;
    comment?: string;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
  comment?: string;
}

/** A HAR 1.2 file. */
export interface Har {
  log: {
    version: "1.2";
    creator: { name: string; version: string };
    entries: HarEntry[];
    comment?: string;
  };
}

// Fields that describe the recorded connection, not the message: the body is kept decoded, and
// a replay (Playwright's included) frames it itself.
const CONNECTION_HEADERS = hopByHopNames(["content-length", "content-encoding"]);
// This package's version, the HAR's creator version; read on first use, not at import.
let version: string | undefined;
const packageVersion = () =>
  (version ??= (createRequire(import.meta.url)("../../package.json") as { version: string }).version);

/**
 * Converts a cassette to HAR 1.2, one entry per interaction in recorded order. A body cut short
 * keeps what arrived, with a comment saying so (HAR has no way to replay the break itself).
 * @example
 * const har = cassetteToHAR(parseCassette(text));
 * await writeFile("chat.har", JSON.stringify(har, null, 2));
 * // Playwright: await page.routeFromHAR("chat.har", { url: "https://platform.ai.gloo.com/**" });
 */
export function cassetteToHAR(cassette: Cassette, options: HarOptions = {}): Har {
  const base = (options.baseURL ?? PLATFORM_BASE_URL).replace(/\/+$/, "");
  return {
    log: {
      version: "1.2",
      creator: { name: "gloo-toolkit", version: packageVersion() },
      entries: cassette.interactions.map((interaction) => entryOf(interaction, base)),
      comment: `Exported from a gloo cassette recorded by ${cassette.recordedBy}.`,
    },
  };
}

function entryOf(interaction: Interaction, base: string): HarEntry {
  const { request, response } = interaction;
  const url = new URL(base + request.path);
  const requestBytes = recordedBodyBytes(request.body);
  const content = contentOf(interaction);
  const lastFrame = response.frames?.at(-1)?.atMs ?? 0;
  const receive = Math.max(response.end.afterMs, lastFrame, 0);
  const wait = Math.max(response.headersAfterMs, 0);
  const entry: HarEntry = {
    startedDateTime: interaction.startedAt,
    time: wait + receive,
    request: {
      method: request.method.toUpperCase(),
      url: url.href,
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: pairs(request.headers, new Set()),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      headersSize: -1,
      bodySize: requestBytes.byteLength,
    },
    response: {
      status: response.status,
      statusText: response.statusText,
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: pairs(response.headers, CONNECTION_HEADERS),
      content,
      redirectURL: response.headers.location ?? "",
      headersSize: -1,
      bodySize: content.size,
    },
    cache: {},
    timings: { send: 0, wait, receive },
  };
  const postData = postDataOf(request.body, request.headers["content-type"], requestBytes);
  if (postData !== undefined) entry.request.postData = postData;
  if (response.end.kind === "dropped")
    entry.response.comment = `The connection dropped after this content, as recorded: ${response.end.error}`;
  return entry;
}

function pairs(headers: Record<string, string>, drop: ReadonlySet<string>): HarNameValue[] {
  return Object.entries(headers)
    .filter(([name]) => !drop.has(name))
    .map(([name, value]) => ({ name, value }));
}

function contentOf({ response }: Interaction): HarEntry["response"]["content"] {
  const mimeType = response.headers["content-type"] ?? "x-unknown";
  if (response.frames !== undefined) {
    const text = response.frames.map((frame) => frame.text).join("");
    return { size: new TextEncoder().encode(text).byteLength, mimeType, text };
  }
  const bytes = recordedBodyBytes(response.body);
  if (response.body !== null && "base64" in response.body)
    return { size: bytes.byteLength, mimeType, text: response.body.base64, encoding: "base64" };
  return { size: bytes.byteLength, mimeType, text: new TextDecoder().decode(bytes) };
}

function postDataOf(
  body: RecordedBody | null,
  contentType: string | undefined,
  bytes: Uint8Array,
): HarEntry["request"]["postData"] | undefined {
  if (body === null) return undefined;
  const mimeType = contentType ?? "application/octet-stream";
  const text = new TextDecoder().decode(bytes);
  if ("form" in body) return { mimeType, text, params: body.form.map(([name, value]) => ({ name, value })) };
  return { mimeType, text };
}
