// The incoming request's Headers as `serve`'s IncomingRequest hands them out: `get` and `has` read
// node's rawHeaders directly (the emulator's auth check needs no more); anything else (iterating,
// changing, a copy) builds a real Headers once and carries on with it.
import { standIn } from "./stand-in.js";

// An HTTP token (RFC 9110 §5.6.2): other names go to the real Headers, which throws for them.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

let realOf: (headers: RawHeaders) => Headers;

/** Headers over node's `rawHeaders`, which its parser has already checked and trimmed. */
export class RawHeaders {
  readonly #raw: readonly string[];
  #real: Headers | undefined;

  constructor(raw: readonly string[]) {
    this.#raw = raw;
  }

  static {
    realOf = (headers) => headers.#headers();
  }

  #headers(): Headers {
    if (this.#real === undefined) {
      this.#real = new Headers();
      appendRaw(this.#real, this.#raw);
    }
    return this.#real;
  }

  /** As the Fetch standard's `get`: every field of that name (any case), joined with ", ". */
  get(name: string): string | null {
    if (this.#real !== undefined || !TOKEN.test(name)) return this.#headers().get(name);
    const key = name.toLowerCase();
    const raw = this.#raw;
    let value: string | null = null;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const field = raw[i] as string;
      if (field.length !== key.length || field.toLowerCase() !== key) continue;
      value = value === null ? (raw[i + 1] as string) : `${value}, ${raw[i + 1] as string}`;
    }
    return value;
  }

  has(name: string): boolean {
    if (this.#real !== undefined || !TOKEN.test(name)) return this.#headers().has(name);
    const key = name.toLowerCase();
    const raw = this.#raw;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const field = raw[i] as string;
      if (field.length === key.length && field.toLowerCase() === key) return true;
    }
    return false;
  }

  static {
    standIn(RawHeaders, Headers, (self) => self.#headers());
  }
}

/** Appends node's `rawHeaders` (name, value, name, value, …) to `headers`, as a Request's own would hold them. */
export function appendRaw(headers: Headers, raw: readonly string[]): void {
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
}

/** The real Headers behind `headers` (built now if need be). */
export function realHeaders(headers: RawHeaders): Headers {
  return realOf(headers);
}
