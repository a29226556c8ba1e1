// The Request `serve` hands a handler when it overrides the global web classes: method, URL,
// headers and signal are there at once, and a body read whole before the handler ran is served by
// text(), json() and arrayBuffer() directly. Anything else (the body stream, clone, a copy into a
// new Request, fetch) gets a real Request, built then, once, from the same parts; from then on
// every property comes from it. The global Request and fetch installed beside it know to use that
// real Request, so a handler can pass this one anywhere a Request goes.
import { type RawHeaders, realHeaders } from "./raw-headers.js";
import { standIn } from "./stand-in.js";

const GlobalRequest = globalThis.Request;
const decoder = new TextDecoder();

/** What an incoming request is made of, as `serve` read it from node. */
export interface RequestParts {
  method: string;
  url: string;
  headers: RawHeaders;
  /** Bytes read before the handler ran, a stream of the rest, or null (GET, HEAD). */
  body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> | null;
  /** The signal that aborts when the client leaves, made on first call (the same one each time). */
  signal: () => AbortSignal;
}

// Methods `new Request` refuses (Fetch: forbidden methods): refused here too, at the same point.
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

let realOf: (value: unknown) => Request | undefined;

/** A handler's Request; a real (undici) Request behind it once something needs one. */
export class IncomingRequest {
  #parts: RequestParts;
  #real: Request | undefined;
  #used = false;

  constructor(parts: RequestParts) {
    if (FORBIDDEN_METHODS.has(parts.method.toUpperCase()))
      throw new TypeError(`'${parts.method}' HTTP method is unsupported.`);
    this.#parts = parts;
  }

  static {
    realOf = (value) =>
      typeof value === "object" && value !== null && #parts in value ? value.#request() : undefined;
  }

  #request(): Request {
    if (this.#real === undefined) {
      const { method, url, body, signal } = this.#parts;
      const headers = realHeaders(this.#parts.headers);
      const init: RequestInit & { duplex?: "half" } = { method, headers, signal: signal(), body };
      if (body !== null && !(body instanceof Uint8Array)) init.duplex = "half";
      this.#real = new GlobalRequest(url, init);
      // Already read through the fast path: the real one must say so too.
      if (this.#used) void this.#real.arrayBuffer().catch(() => {});
    }
    return this.#real;
  }

  get method(): string {
    return this.#parts.method;
  }
  get url(): string {
    return this.#parts.url;
  }
  get headers(): Headers {
    return this.#real?.headers ?? (this.#parts.headers as unknown as Headers);
  }
  /** Aborts when the client leaves; the real Request's signal follows it. */
  get signal(): AbortSignal {
    return this.#parts.signal();
  }
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#real === undefined && this.#parts.body === null) return null;
    return this.#request().body;
  }
  get bodyUsed(): boolean {
    return this.#real?.bodyUsed ?? this.#used;
  }

  text(): Promise<string> {
    const bytes = this.#take();
    return bytes === undefined ? this.#request().text() : Promise.resolve(decoder.decode(bytes));
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#take();
    // Read from node into a buffer of its own: the caller may keep it.
    return bytes === undefined ? this.#request().arrayBuffer() : Promise.resolve(bytes.slice().buffer);
  }
  clone(): Request {
    return this.#request().clone();
  }

  /** The body read before the handler ran, for a read that needs no real Request. */
  #take(): Uint8Array<ArrayBuffer> | undefined {
    const { body } = this.#parts;
    if (this.#real !== undefined || this.#used || !(body instanceof Uint8Array)) return undefined;
    this.#used = true;
    return body;
  }

  // The rest of Request's interface (cache, mode, blob, formData, …) comes from the real Request.
  static {
    standIn(IncomingRequest, GlobalRequest, (self) => self.#request());
  }
}

/** The real Request behind `value` if it is an IncomingRequest (built now if need be), else `value`. */
export function realRequest<T>(value: T): T | Request {
  return realOf(value) ?? value;
}

/**
 * The global Request `serve` installs beside {@link IncomingRequest}: the real class, except that
 * `new Request(incoming)` copies the real Request behind an incoming one, and `instanceof`
 * accepts every real Request, including those undici makes itself.
 */
export class FastRequest extends GlobalRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(realRequest(input), init);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof GlobalRequest;
  }

  static {
    Object.defineProperty(FastRequest, "name", { value: "Request" });
  }
}
