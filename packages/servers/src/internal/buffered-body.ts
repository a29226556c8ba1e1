// A body already held in memory, shared by the light Request and Response subclasses below.
// Node 20's undici builds a web ReadableStream for every Request and Response body, which costs
// more than the emulator's whole answer; these keep the bytes and make a stream only if asked.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** In-memory bytes with web-body semantics: readable once, as a stream only on demand. */
export class BufferedBody {
  /** What the body was made from: text is encoded only when bytes are asked for. */
  readonly source: Uint8Array<ArrayBuffer> | string;
  #bytes: Uint8Array<ArrayBuffer> | undefined;
  #stream: ReadableStream<Uint8Array<ArrayBuffer>> | undefined;
  #used = false;

  constructor(source: Uint8Array<ArrayBuffer> | string) {
    this.source = source;
  }

  get #encoded(): Uint8Array<ArrayBuffer> {
    this.#bytes ??= typeof this.source === "string" ? encoder.encode(this.source) : this.source;
    return this.#bytes;
  }

  get stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    const bytes = this.#encoded;
    // Pulled only when read (high-water mark 0), so a read or a cancel marks the body used even
    // after the reader lets go, as a disturbed web body is.
    this.#stream ??= new ReadableStream<Uint8Array<ArrayBuffer>>(
      {
        pull: (controller) => {
          this.#used = true;
          if (bytes.byteLength > 0) controller.enqueue(bytes);
          controller.close();
        },
        cancel: () => {
          this.#used = true;
        },
      },
      { highWaterMark: 0 },
    );
    return this.#stream;
  }

  get used(): boolean {
    return this.#used || this.#stream?.locked === true;
  }

  /** The bytes, once, like `Body.arrayBuffer()`. */
  take(): Uint8Array<ArrayBuffer> {
    if (this.used) throw new TypeError("Body is unusable: it has already been read.");
    this.#used = true;
    return this.#encoded;
  }

  /** The bytes without consuming them, for `clone()`. */
  peek(): Uint8Array<ArrayBuffer> {
    return this.#encoded;
  }

  text(): string {
    const bytes = this.take();
    return typeof this.source === "string" ? this.source : decoder.decode(bytes);
  }

  arrayBuffer(): ArrayBuffer {
    const bytes = this.take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
}
