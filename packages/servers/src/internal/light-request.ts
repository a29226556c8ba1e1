import type { IncomingMessage } from "node:http";
import { BufferedBody } from "./buffered-body.js";
import type { Disconnect } from "./disconnect.js";
import { ADOPT, RawHeaders } from "./raw-headers.js";
import { REAL, standInForRequest } from "./stand-in.js";

/** How the request body arrives: none, read ahead into memory, or still streaming in. */
export type LightBody = null | Uint8Array<ArrayBuffer> | IncomingMessage;

/**
 * The Request `serve` hands a handler on Node 20: a stand-in (see stand-in.ts) over node's
 * IncomingMessage that answers `method`, `url`, `headers`, `signal` and the body readers itself
 * and builds a real undici Request only for anything else (`cache`, `formData()`, `fetch(request)`,
 * `new Request(request)`). undici's Request costs more per call than the emulator's whole answer
 * (an AbortController, a Headers, a URL record and a body stream each time).
 */
export class LightRequest {
  readonly #method: string;
  readonly #url: string;
  readonly #raw: readonly string[];
  readonly #disconnect: Disconnect;
  readonly #buffered: BufferedBody | undefined;
  readonly #stream: IncomingMessage | undefined;
  #headers: RawHeaders | undefined;
  #real: Request | undefined;

  /** `url` must already be a serialised absolute URL (`new URL(...).href`). */
  constructor(method: string, url: string, raw: readonly string[], disconnect: Disconnect, body: LightBody) {
    this.#method = method;
    this.#url = url;
    this.#raw = raw;
    this.#disconnect = disconnect;
    this.#buffered = body instanceof Uint8Array ? new BufferedBody(body) : undefined;
    this.#stream = body === null || body instanceof Uint8Array ? undefined : body;
  }

  get method(): string {
    return this.#method;
  }

  get url(): string {
    return this.#url;
  }

  get headers(): Headers {
    this.#headers ??= new RawHeaders(this.#raw);
    return this.#headers as unknown as Headers;
  }

  /** The connection's signal: aborted when the client leaves before the response is done. */
  get signal(): AbortSignal {
    return this.#disconnect.signal;
  }

  get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    if (this.#real !== undefined || this.#stream !== undefined) return this[REAL]().body;
    return this.#buffered === undefined ? null : this.#buffered.stream;
  }

  get bodyUsed(): boolean {
    if (this.#real !== undefined) return this.#real.bodyUsed;
    return this.#buffered?.used === true;
  }

  async text(): Promise<string> {
    return this.#inMemory()?.text() ?? this[REAL]().text();
  }

  async json(): Promise<unknown> {
    const body = this.#inMemory();
    return body === undefined ? this[REAL]().json() : JSON.parse(body.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#inMemory()?.arrayBuffer() ?? this[REAL]().arrayBuffer();
  }

  /** The body read ahead, while no real Request has taken it over; a missing body reads as empty. */
  #inMemory(): BufferedBody | undefined {
    if (this.#real !== undefined || this.#stream !== undefined) return undefined;
    return this.#buffered ?? new BufferedBody(new Uint8Array(0));
  }

  /** The real Request with the same method, URL, headers, body (or its used state) and signal. */
  [REAL](): Request {
    if (this.#real !== undefined) return this.#real;
    const headers = this.headers as unknown as RawHeaders;
    const init: RequestInit & { duplex?: "half" } = {
      method: this.method,
      headers: headers[REAL](),
      signal: this.signal,
    };
    if (this.#stream !== undefined) {
      init.body = this.#stream as unknown as ReadableStream<Uint8Array>;
      init.duplex = "half";
    } else if (this.#buffered !== undefined) init.body = this.#buffered.peek();
    const real = new Request(this.url, init);
    // One set of headers from now on: a change through either object shows in both.
    headers[ADOPT](real.headers);
    // A body already read here stays read there (a second read must fail, as on any Request).
    if (this.#buffered?.used === true) void real.arrayBuffer();
    this.#real = real;
    return real;
  }
}

standInForRequest(LightRequest);
