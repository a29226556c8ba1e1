// The Response class `serve` installs as the global one when asked to (`overrideGlobalObjects`),
// as @hono/node-server does: a body given whole (a string or bytes) is kept as given, so `serve`
// writes it in one `res.end()` without the web stream a real Response builds around it. Anything
// that needs a real Response (its body stream, clone, blob, …) gets one, built then, once, and
// from then on every property comes from it. Handlers only ever see a `Response`.
import { fieldsOf, RawHeaders } from "./raw-headers.js";
import { standIn } from "./stand-in.js";

const GlobalResponse = globalThis.Response;

/** A body held as given, with what `serve` needs to write it. */
export interface HeldResponse {
  status: number;
  statusText: string;
  headers: Headers;
  body: string | Uint8Array<ArrayBuffer> | null;
}

// Statuses whose responses carry no body (Fetch: "null body status").
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
// RFC 9112 §4 reason-phrase, which the Fetch standard requires of `statusText`.
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let takeHeldBody: (response: Response) => HeldResponse | undefined;

/** Response with a held body; a real (undici) Response behind it once something needs one. */
export class FastResponse {
  #held: HeldResponse | undefined;
  #real: Response | undefined;
  #used = false;

  constructor(body?: BodyInit | null, init?: ResponseInit) {
    this.#held = hold(body, init);
    // Everything else (streams, Blobs, form data, unusual init) is the real class's job, which
    // also throws what it throws for a bad status or header.
    if (this.#held === undefined) this.#real = new GlobalResponse(body, init);
  }

  static {
    takeHeldBody = (response) => {
      if (!(#held in response) || response.#real !== undefined || response.#used) return undefined;
      response.#used = true;
      return response.#held;
    };
  }

  /** `Response.json()`, returning a FastResponse. */
  static json(data: unknown, init?: ResponseInit): Response {
    const text = JSON.stringify(data);
    // Not serialisable to JSON (undefined, a function): the real method throws its TypeError.
    if (text === undefined) return GlobalResponse.json(data, init);
    const fields = fieldsOf(init?.headers) ?? fieldsOf(new Headers(init?.headers)) ?? [];
    if (!hasField(fields, "content-type")) fields.push("content-type", "application/json");
    return new FastResponse(text, {
      status: init?.status ?? 200,
      statusText: init?.statusText ?? "",
      headers: new RawHeaders(fields) as unknown as Headers,
    }) as unknown as Response;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof GlobalResponse;
  }

  #response(): Response {
    if (this.#real === undefined) {
      const held = this.#held as HeldResponse;
      const { status, statusText, headers } = held;
      // A body read through the fast path may be the reader's now (see arrayBuffer): not reused.
      const body = this.#used && held.body !== null ? new Uint8Array(0) : held.body;
      this.#real = new GlobalResponse(body, { status, statusText, headers });
      // Already read through the fast path: the real one must say so too.
      if (this.#used) void this.#real.arrayBuffer().catch(() => {});
    }
    return this.#real;
  }

  get status(): number {
    return this.#real?.status ?? (this.#held as HeldResponse).status;
  }
  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }
  get statusText(): string {
    return this.#real?.statusText ?? (this.#held as HeldResponse).statusText;
  }
  get headers(): Headers {
    return this.#real?.headers ?? (this.#held as HeldResponse).headers;
  }
  get type(): ResponseType {
    return this.#real?.type ?? "default";
  }
  get url(): string {
    return this.#real?.url ?? "";
  }
  get redirected(): boolean {
    return this.#real?.redirected ?? false;
  }
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#real === undefined && this.#held?.body === null) return null;
    return this.#response().body;
  }
  get bodyUsed(): boolean {
    return this.#real?.bodyUsed ?? this.#used;
  }

  text(): Promise<string> {
    const body = this.#take();
    if (body === undefined) return this.#response().text();
    return Promise.resolve(typeof body === "string" ? body : decoder.decode(body));
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    const body = this.#take();
    if (body === undefined) return this.#response().arrayBuffer();
    if (typeof body === "string") return Promise.resolve(encoder.encode(body).buffer as ArrayBuffer);
    // `hold` copied the bytes it was given, and nothing reads them once taken: when they fill a
    // buffer of their own the caller may have it, else (a slice of node's pool) a copy.
    if (body.byteOffset === 0 && body.byteLength === body.buffer.byteLength)
      return Promise.resolve(body.buffer);
    return Promise.resolve(Uint8Array.prototype.slice.call(body).buffer);
  }
  clone(): Response {
    return this.#response().clone();
  }

  /** The held body for a read that needs no real Response; undefined when it needs one. */
  #take(): string | Uint8Array<ArrayBuffer> | undefined {
    if (this.#real !== undefined || this.#used) return undefined;
    const { body } = this.#held as HeldResponse;
    // No body reads as empty, as often as asked (Fetch: a null body is never "used").
    if (body === null) return "";
    this.#used = true;
    return body;
  }

  // The rest of Response's interface (blob, formData, bytes, inspection, whatever this Node has)
  // comes from the real Response; its static methods (error, redirect) too.
  static {
    standIn(FastResponse, GlobalResponse, (self) => self.#response());
    Object.setPrototypeOf(FastResponse, GlobalResponse);
  }
}

/** What `serve` writes in one go for `response`, if it is a FastResponse whose body nothing read. */
export function heldBody(response: Response): HeldResponse | undefined {
  return takeHeldBody(response);
}

// The body and init as the fast path keeps them, or undefined when the real class must handle
// them: a body other than a string or bytes, or an init the real class would refuse.
function hold(body: BodyInit | null | undefined, init: ResponseInit | undefined): HeldResponse | undefined {
  if (init !== undefined && (init === null || typeof init !== "object")) return undefined;
  const status = init?.status ?? 200;
  const statusText = init?.statusText ?? "";
  if (typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599)
    return undefined;
  if (typeof statusText !== "string" || !REASON_PHRASE.test(statusText)) return undefined;
  const held = body ?? null;
  if (held !== null && NULL_BODY_STATUSES.has(status)) return undefined;
  // Copied, as the Fetch standard extracts a body from bytes: later writes to the caller's array
  // do not change the response.
  let content: string | Uint8Array<ArrayBuffer> | null;
  if (held === null || typeof held === "string") content = held;
  else if (held instanceof Uint8Array) {
    // Into node's buffer pool when small (no allocation of its own), else a buffer of its own.
    content = Buffer.allocUnsafe(held.byteLength) as Uint8Array<ArrayBuffer>;
    content.set(held);
  } else return undefined;
  // Checked as the real class checks them, kept as a list: a Headers is built only if asked for.
  const fields = fieldsOf(init?.headers);
  if (fields === undefined) return undefined;
  if (typeof content === "string" && !hasField(fields, "content-type"))
    fields.push("content-type", "text/plain;charset=UTF-8");
  return { status, statusText, headers: new RawHeaders(fields) as unknown as Headers, body: content };
}

function hasField(fields: readonly string[], name: string): boolean {
  for (let i = 0; i < fields.length; i += 2) if ((fields[i] as string).toLowerCase() === name) return true;
  return false;
}
