// The Headers `serve`'s fast classes hand out: over a flat list of fields (node's rawHeaders, or
// the fields a FastResponse was given, checked as Headers checks them), `get`, `has`, iterating
// and `getSetCookie` read the list directly; anything else (changing it, an unusual name) builds
// a real Headers once and carries on with it.
import { standIn } from "./stand-in.js";

// An HTTP token (RFC 9110 §5.6.2): other names go to the real Headers, which throws for them.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// What Fetch refuses in a normalised value (NUL, CR, LF), and what its ByteString refuses (past 0xFF).
const BAD_VALUE = /[\0\r\n]|[^\0-\xff]/;
// Fetch normalises a value by stripping HTTP whitespace from both ends.
const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

let realOf: (headers: RawHeaders) => Headers;
let rawOf: (headers: RawHeaders) => readonly string[] | undefined;

/** Headers over a flat `[name, value, name, value, …]` list whose fields are already valid and trimmed. */
export class RawHeaders {
  readonly #raw: readonly string[];
  #real: Headers | undefined;

  constructor(raw: readonly string[]) {
    this.#raw = raw;
  }

  static {
    realOf = (headers) => headers.#headers();
    rawOf = (headers) => (headers.#real === undefined ? headers.#raw : undefined);
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

  getSetCookie(): string[] {
    if (this.#real !== undefined) return this.#real.getSetCookie();
    const raw = this.#raw;
    const cookies: string[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2)
      if ((raw[i] as string).toLowerCase() === "set-cookie") cookies.push(raw[i + 1] as string);
    return cookies;
  }

  // Iterating, as Fetch's "sort and combine": lower-case names in order, repeats joined with ", ",
  // except Set-Cookie, each of whose values is an entry of its own.
  #entries(): [string, string][] {
    if (this.#real !== undefined) return [...this.#real];
    const raw = this.#raw;
    const list: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2)
      list.push([(raw[i] as string).toLowerCase(), raw[i + 1] as string]);
    // A stable sort keeps repeated fields in the order they came.
    list.sort(byName);
    let kept = 0;
    for (const entry of list) {
      const last = kept > 0 ? (list[kept - 1] as [string, string]) : undefined;
      if (last !== undefined && last[0] === entry[0] && entry[0] !== "set-cookie")
        last[1] = `${last[1]}, ${entry[1]}`;
      else list[kept++] = entry;
    }
    list.length = kept;
    return list;
  }

  entries(): IterableIterator<[string, string]> {
    return this.#entries()[Symbol.iterator]();
  }
  keys(): IterableIterator<string> {
    return this.#entries()
      .map(([name]) => name)
      [Symbol.iterator]();
  }
  values(): IterableIterator<string> {
    return this.#entries()
      .map(([, value]) => value)
      [Symbol.iterator]();
  }
  forEach(callback: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this.#entries())
      callback.call(thisArg, value, name, this as unknown as Headers);
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  static {
    standIn(RawHeaders, Headers, (self) => self.#headers());
  }
}

const byName = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** Appends a flat `[name, value, …]` list to `headers`, as a Request's own would hold them. */
export function appendRaw(headers: Headers, raw: readonly string[]): void {
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
}

/** The real Headers behind `headers` (built now if need be). */
export function realHeaders(headers: RawHeaders): Headers {
  return realOf(headers);
}

/** The flat field list behind `headers` while nothing has changed them; undefined otherwise. */
export function rawFields(headers: Headers): readonly string[] | undefined {
  return headers instanceof RawHeaders ? rawOf(headers) : undefined;
}

/**
 * The fields of a `HeadersInit` as a flat `[name, value, …]` list, checked and normalised as
 * `new Headers(init)` does them (a TypeError for a name that is not a token or a value with NUL,
 * CR or LF; values trimmed), names as given; undefined for a form left to the real Headers (an
 * iterable that is not an array, a record with symbol keys).
 */
export function fieldsOf(init: HeadersInit | null | undefined): string[] | undefined {
  if (init === undefined || init === null) return [];
  const fields: string[] = [];
  if (init instanceof RawHeaders) {
    const raw = rawOf(init);
    if (raw !== undefined) return [...raw];
  }
  if (init instanceof Headers) {
    for (const [name, value] of init as Headers) fields.push(name, value);
    return fields;
  }
  if (Array.isArray(init)) {
    for (const pair of init as unknown[]) {
      if (!Array.isArray(pair)) return undefined;
      if (pair.length !== 2)
        throw new TypeError("Headers constructor: expected name/value pair to be length 2.");
      addField(fields, pair[0], pair[1]);
    }
    return fields;
  }
  if (typeof init !== "object") return undefined;
  const proto = Object.getPrototypeOf(init);
  if ((proto !== Object.prototype && proto !== null) || Object.getOwnPropertySymbols(init).length > 0)
    return undefined;
  for (const name of Object.keys(init)) addField(fields, name, (init as Record<string, unknown>)[name]);
  return fields;
}

function addField(fields: string[], name: unknown, value: unknown): void {
  const field = String(name);
  if (!TOKEN.test(field)) throw new TypeError(`Headers.append: "${field}" is an invalid header name.`);
  let text = String(value);
  if (text.length > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32))
    text = text.replace(EDGE_WHITESPACE, "");
  if (BAD_VALUE.test(text)) throw new TypeError(`Headers.append: "${text}" is an invalid header value.`);
  fields.push(field, text);
}

/**
 * A flat field list as a plain record for node: names lower-cased, repeats joined with ", ", or
 * with `cookiesApart` each Set-Cookie value kept in an array. A plain object rather than one
 * without a prototype (which node would read slowly): a name like "constructor" is looked up as an
 * own property only, and "__proto__" is defined rather than assigned.
 */
export function fieldRecord(
  raw: readonly string[],
  cookiesApart: boolean,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const before = Object.hasOwn(out, name) ? out[name] : undefined;
    let next: string | string[];
    if (cookiesApart && name === "set-cookie") {
      if (Array.isArray(before)) {
        before.push(value);
        continue;
      }
      next = [value];
    } else next = before === undefined ? value : `${before as string}, ${value}`;
    if (name === "__proto__")
      Object.defineProperty(out, name, { value: next, enumerable: true, writable: true, configurable: true });
    else out[name] = next;
  }
  return out;
}
