import { BufferedBody } from "./buffered-body.js";

/**
 * A Response whose body is already in memory: `serve` writes its bytes in one call and nothing
 * builds a stream unless a caller reads `response.body`. Behaves as a normal Response otherwise.
 */
export class BufferedResponse extends Response {
  readonly #body: BufferedBody;

  constructor(body: Uint8Array<ArrayBuffer> | string, init: ResponseInit) {
    super(null, init);
    this.#body = new BufferedBody(body);
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return this.#body.stream;
  }

  override get bodyUsed(): boolean {
    return this.#body.used;
  }

  override async text(): Promise<string> {
    return this.#body.text();
  }

  override async json(): Promise<unknown> {
    return JSON.parse(this.#body.text());
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#body.arrayBuffer();
  }

  override async blob(): Promise<Blob> {
    return new Blob([this.#body.arrayBuffer()], { type: this.headers.get("content-type") ?? "" });
  }

  /** The text or bytes of a buffered response without consuming its body (what `serve` sends), else undefined. */
  static contentOf(response: Response): Uint8Array<ArrayBuffer> | string | undefined {
    return response instanceof BufferedResponse ? response.#body.source : undefined;
  }

  override clone(): BufferedResponse {
    if (this.bodyUsed) throw new TypeError("Response.clone: the body has already been read.");
    return new BufferedResponse(this.#body.source, {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    });
  }
}
