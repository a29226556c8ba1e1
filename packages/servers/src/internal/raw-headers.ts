import { REAL, standInForHeaders } from "./stand-in.js";

/** Makes a RawHeaders answer from then on with the given Headers (a real Request's own). */
export const ADOPT: unique symbol = Symbol("adopt");

// An HTTP token (RFC 9110 §5.6.2): names outside it go to the real Headers, which throws for them.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The request headers a handler sees: `get` and `has` read node's `rawHeaders` directly
 * (case-insensitive, repeated fields joined with ", " as the Fetch standard's `get` does); any
 * other use (iteration, changes) builds a real Headers once and carries on with it.
 */
export class RawHeaders {
  readonly #raw: readonly string[];
  #real: Headers | undefined;

  constructor(raw: readonly string[]) {
    this.#raw = raw;
  }

  [REAL](): Headers {
    if (this.#real === undefined) {
      const real = new Headers();
      const raw = this.#raw;
      for (let i = 0; i + 1 < raw.length; i += 2) real.append(raw[i] as string, raw[i + 1] as string);
      this.#real = real;
    }
    return this.#real;
  }

  [ADOPT](headers: Headers): void {
    this.#real = headers;
  }

  get(name: string): string | null {
    if (this.#real !== undefined || !TOKEN.test(name)) return this[REAL]().get(name);
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
    if (this.#real !== undefined || !TOKEN.test(name)) return this[REAL]().has(name);
    const key = name.toLowerCase();
    const raw = this.#raw;
    for (let i = 0; i < raw.length; i += 2) {
      const field = raw[i] as string;
      if (field.length === key.length && field.toLowerCase() === key) return true;
    }
    return false;
  }
}

standInForHeaders(RawHeaders);
