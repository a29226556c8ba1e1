import { createReadStream } from "node:fs";
import { appendFile, type FileHandle, mkdir, open } from "node:fs/promises";
import { dirname, join } from "node:path";
import { redactSecret } from "@gloo-toolkit/sdk";
import { splitLines } from "./line-reader.js";

/** One recorded exchange: what was asked, of whom, and what came back (or what went wrong). */
export interface Exchange {
  /** Format version. */
  v: 1;
  id: string;
  /** ISO 8601. */
  time: string;
  /** The conversation it belongs to (`gloo chat -c` / `--cid` continue it). */
  cid: string;
  command: "chat" | "repl";
  /** The endpoint: v1, v2, or v2 grounded (`gloo chat --grounded`). */
  api: "v1" | "v2" | "grounded";
  baseURL: string;
  /** The routing asked for: `{ model }`, `{ model_family }` or `{ auto_routing: true }`, with `tradition`. */
  routing: Record<string, unknown>;
  /** The model that answered (the response's `model`). */
  model?: string | undefined;
  /** The platform's routing metadata, when it sent some (v2). */
  routed?: unknown;
  system?: string | undefined;
  /** The messages sent, system prompt excluded. */
  messages: { role: string; content?: unknown }[];
  /** Other request parameters (temperature, max_tokens, n, …). */
  params: Record<string, unknown>;
  /** The reply of choice 0. */
  reply?: string | undefined;
  finishReason?: string | null | undefined;
  usage?: { prompt: number; completion: number } | undefined;
  requestId?: string | undefined;
  latencyMs: number;
  /** The SDK's cost estimate (`PriceList.cost`) as a number; absent when the model has no usable rate. */
  costUSD?: number | undefined;
  error?: { message: string; status?: number | undefined } | undefined;
}

// A JWT-shaped bearer token, wherever it might have come from.
const JWT = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}/g;

/**
 * The exchange log: `$XDG_DATA_HOME/gloo/log.jsonl`, one JSON object per line, appended.
 *
 * Why JSON Lines and not SQLite: `node:sqlite` needs Node ≥ 22.5 and the CLI supports Node 20;
 * better-sqlite3 and the like need a native build or a download at install. Appending one whole
 * line per exchange in a single `write()` on a file opened with O_APPEND is crash-safe enough for a
 * log: a crash can at worst cut the last line short; the reader skips a line that does not parse,
 * and the next append starts on a fresh line, so every complete exchange survives. The file is greppable, and `jq` reads it as it is.
 */
export class ExchangeLog {
  readonly path: string;
  readonly #credentials: { clientId: string; clientSecret: string } | undefined;

  /** `credentials`: whose secret must never reach the file (the SDK's `redactSecret` blanks it). */
  constructor(dataDir: string, credentials?: { clientId: string; clientSecret: string }) {
    this.path = join(dataDir, "log.jsonl");
    this.#credentials = credentials;
  }

  /** Appends one exchange as one line, scrubbed of the secrets and of anything shaped like a token. */
  async append(exchange: Exchange): Promise<void> {
    const line = JSON.stringify(exchange).replace(JWT, "[token]");
    const scrubbed = this.#credentials === undefined ? line : redactSecret(line, this.#credentials);
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    // After a crash cut the last line short, start on a fresh line so this exchange stays whole.
    const start = (await endsMidLine(this.path)) ? "\n" : "";
    await appendFile(this.path, `${start}${scrubbed}\n`, { mode: 0o600 });
  }

  /** Every complete exchange, oldest first; lines that do not parse (a crash mid-write) are skipped. */
  async *read(): AsyncGenerator<Exchange> {
    const stream = createReadStream(this.path);
    try {
      for await (const line of splitLines(stream)) {
        const exchange = parse(line);
        if (exchange !== undefined) yield exchange;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    } finally {
      stream.destroy();
    }
  }

  /** The last exchange of a conversation (`cid`), or of the latest conversation without one. */
  async last(cid?: string): Promise<Exchange | undefined> {
    let found: Exchange | undefined;
    for await (const exchange of this.read())
      if ((cid === undefined || exchange.cid === cid) && exchange.error === undefined) found = exchange;
    return found;
  }
}

async function endsMidLine(path: string): Promise<boolean> {
  let file: FileHandle | undefined;
  try {
    file = await open(path, "r");
    const { size } = await file.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await file.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } catch {
    return false;
  } finally {
    await file?.close();
  }
}

function parse(line: string): Exchange | undefined {
  try {
    const value = JSON.parse(line) as Partial<Exchange>;
    return value.v === 1 && typeof value.cid === "string" && Array.isArray(value.messages)
      ? (value as Exchange)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A short random id (`c-` for conversations, `x-` for exchanges). */
export function newId(prefix: "c" | "x"): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
