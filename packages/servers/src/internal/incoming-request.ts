import { BufferedBody } from "./buffered-body.js";
import type { Disconnect } from "./disconnect.js";

/**
 * The Request `serve` hands to a handler: its `signal` is the connection's (aborted when the
 * client leaves) and a small body read ahead of time is served from memory. undici's own signal
 * and body plumbing cost more per request than the emulator's whole answer.
 */
export class IncomingRequest extends Request {
  readonly #disconnect: Disconnect;
  readonly #body: BufferedBody | undefined;

  constructor(
    url: string,
    init: RequestInit & { duplex?: "half" },
    disconnect: Disconnect,
    bytes?: Uint8Array<ArrayBuffer>,
  ) {
    super(url, init);
    this.#disconnect = disconnect;
    this.#body = bytes === undefined ? undefined : new BufferedBody(bytes);
  }

  override get signal(): AbortSignal {
    return this.#disconnect.signal;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    return this.#body === undefined ? super.body : this.#body.stream;
  }

  override get bodyUsed(): boolean {
    return this.#body === undefined ? super.bodyUsed : this.#body.used;
  }

  override async text(): Promise<string> {
    return this.#body === undefined ? super.text() : this.#body.text();
  }

  override async json(): Promise<unknown> {
    return this.#body === undefined ? super.json() : JSON.parse(this.#body.text());
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#body === undefined ? super.arrayBuffer() : this.#body.arrayBuffer();
  }

  override async blob(): Promise<Blob> {
    if (this.#body === undefined) return super.blob();
    return new Blob([this.#body.arrayBuffer()], { type: this.headers.get("content-type") ?? "" });
  }

  override clone(): Request {
    if (this.#body === undefined) return super.clone();
    const init = { method: this.method, headers: this.headers, body: this.#body.peek().slice() };
    return new IncomingRequest(this.url, init, this.#disconnect);
  }
}
