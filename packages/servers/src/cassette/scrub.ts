// Scrubbing: every secret in a recorded exchange is replaced before the cassette is written, in
// both directions (RFC 6749 §4.4 puts client credentials in the token request, §5.1 the token in
// its answer; RFC 6750 §2.1 the token in every later request). Placeholders are stable within one
// cassette, so the token a recorded token response issued and the Bearer header that later used
// it carry the same `gloo-scrubbed-token-N`, and a replay still authenticates.
import type { RecordedBody } from "./format.js";

/** Every placeholder starts with this. */
export const SCRUBBED_PREFIX = "gloo-scrubbed-";

/** Fixed placeholders; tokens are `gloo-scrubbed-token-<N>`, other known values `gloo-scrubbed-secret-<N>`. */
export const PLACEHOLDERS = {
  basic: "gloo-scrubbed-basic",
  clientId: "gloo-scrubbed-client-id",
  clientSecret: "gloo-scrubbed-client-secret",
  cookie: "gloo-scrubbed-cookie",
} as const;

// Known values shorter than this are not replaced in free text: "abc" would maul model output.
const MIN_KNOWN_LENGTH = 6;

// RFC 7519 §7.2: a JWS compact serialisation, three base64url parts (five for a JWE); the header
// is a JSON object, so its base64url starts with `eyJ` (`{"`).
const JWT = /eyJ[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){2,4}/g;
// RFC 6750 §2.1 token68 after the scheme. In free text only long values count, so that "Bearer
// of bad news" stays prose; header values are scrubbed whatever their length.
const BEARER_TEXT = /\b(Bearer\s+)(?!gloo-scrubbed-)([A-Za-z0-9\-._~+/]{16,}=*)/g;
// RFC 7617: base64 of `id:secret`; the lookahead leaves "Basic eyJ…" (a JWT) to the JWT rule.
const BASIC_TEXT = /\b(Basic\s+)(?!gloo-scrubbed-)([A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9\-._~])/g;
// A credential named as a header in free text (`-H 'Authorization: Bearer abc'`, a logged request):
// scrubbed whatever its length, since the name says what it is.
const AUTH_TEXT =
  /\b((?:authorization|Authorization|AUTHORIZATION)["']?\s*[:=]\s*["']?(Bearer|bearer|BEARER|Basic|basic|BASIC)\s+)(?!gloo-scrubbed-)([A-Za-z0-9\-._~+/]+=*)/g;
const FORM_TEXT = /\b(client_secret|client_id)=(?!gloo-scrubbed-)([^&\s"'<>]+)/g;
const JSON_TEXT =
  /"(access_token|refresh_token|id_token|client_secret|client_id)"(\s*:\s*)"(?!gloo-scrubbed-)((?:[^"\\]|\\.)*)"/g;

// JSON members and form fields whose values are secrets, and the placeholder family of each.
const SECRET_FIELDS = new Map<string, "token" | "clientId" | "clientSecret">([
  ["access_token", "token"],
  ["refresh_token", "token"],
  ["id_token", "token"],
  ["client_id", "clientId"],
  ["client_secret", "clientSecret"],
]);

// Header names that carry credentials besides Authorization and cookies: API keys, session and
// access tokens (`x-api-key`, `api-key`, `x-auth-token`, `x-amz-security-token`, ...). Rate-limit
// headers (`x-ratelimit-remaining-tokens`) count tokens, they are not tokens.
const SECRET_HEADER = /api[-_]?key|secret|token|password|session/;
const NOT_SECRET_HEADER = /ratelimit|rate-limit/;

/**
 * Replaces secrets in the parts of recorded exchanges with stable placeholders. One scrubber per
 * cassette: it remembers every secret it has replaced, so the same value gets the same placeholder
 * wherever it appears afterwards (a header, a JSON string, an SSE frame).
 */
export interface Scrubber {
  /** Adds a token to replace wherever it appears, as `gloo-scrubbed-token-N` where first met in free text. */
  addSecret(value: string): void;
  /** Header pairs as a cassette keeps them: lower-case names, sorted, secrets replaced. */
  headers(headers: Iterable<[string, string]>): Record<string, string>;
  /** A body with its secret fields and every secret in its text replaced. */
  body(body: RecordedBody | null): RecordedBody | null;
  /**
   * Free text (an SSE frame, a header value): JWTs, Bearer/Basic credentials, `client_secret=`,
   * `"access_token":"…"` and known values replaced; line breaks are never touched, so a frame
   * keeps its structure.
   */
  text(text: string): string;
}

/** Options of {@link createScrubber}. */
export interface ScrubberOptions {
  /**
   * Values to replace wherever they appear (a client secret, an API key): each gets the placeholder
   * of where it is first met (`gloo-scrubbed-client-secret` in a Basic header or a form), else
   * `gloo-scrubbed-secret-N`. Values under 6 characters are only replaced where a rule finds them.
   * @default []
   */
  secrets?: Iterable<string> | undefined;
  /** The first N of `gloo-scrubbed-token-N` (after a cassette's existing ones). @default 1 */
  firstToken?: number | undefined;
}

/**
 * Creates a {@link Scrubber}.
 * @example
 * const scrub = createScrubber({ secrets: [clientSecret] });
 * scrub.headers([["authorization", `Bearer ${token}`]]); // { authorization: "Bearer gloo-scrubbed-token-1" }
 */
export function createScrubber(options: ScrubberOptions = {}): Scrubber {
  const book = new PlaceholderBook(options.firstToken ?? 1);
  for (const secret of options.secrets ?? []) book.expect(secret, "secret");
  const token = (value: string) => book.token(value);
  const field = (kind: "token" | "clientId" | "clientSecret", value: string) => {
    if (value === "" || value.startsWith(SCRUBBED_PREFIX)) return value;
    // Client credentials always get their fixed placeholder (what the replayer expects in forms).
    return kind === "token" ? token(value) : book.fixed(value, PLACEHOLDERS[kind]);
  };
  // `Basic base64(id:secret)` (RFC 7617): the id and secret become known values too.
  const basic = (credentials: string) => {
    const decoded = decodeBase64(credentials);
    const colon = decoded?.indexOf(":") ?? -1;
    if (decoded !== undefined && colon > 0) {
      field("clientId", decoded.slice(0, colon));
      field("clientSecret", decoded.slice(colon + 1));
    }
    if (credentials !== "" && !credentials.startsWith(SCRUBBED_PREFIX))
      book.fixed(credentials, PLACEHOLDERS.basic);
    return PLACEHOLDERS.basic;
  };

  // One pass over the text with every rule, so tokens are numbered in the order they appear.
  const text = (input: string): string =>
    input.replace(book.pattern, (whole, ...groups: (string | undefined)[]) => {
      const [value, jwt, bearer, bearerValue, basicScheme, basicValue, formName, formValue] = groups;
      const [jsonName, jsonColon, jsonValue, authPrefix, authScheme, authValue] = groups.slice(8);
      if (value !== undefined) return book.known(value);
      if (jwt !== undefined) return token(jwt);
      if (bearerValue !== undefined) return `${bearer}${token(bearerValue)}`;
      if (basicValue !== undefined)
        return decodeBase64(basicValue)?.includes(":") === true
          ? `${basicScheme}${basic(basicValue)}`
          : whole;
      if (formName !== undefined && formValue !== undefined)
        return `${formName}=${fieldOf(formName, formValue)}`;
      if (jsonName !== undefined && jsonValue !== undefined)
        return `"${jsonName}"${jsonColon}"${fieldOf(jsonName, jsonValue)}"`;
      if (authValue !== undefined)
        return `${authPrefix}${authScheme?.toLowerCase() === "basic" ? basic(authValue) : token(authValue)}`;
      return whole;
    });
  const fieldOf = (name: string, value: string) => field(SECRET_FIELDS.get(name) ?? "token", value);

  const headerValue = (name: string, value: string): string => {
    if (name === "authorization" || name === "proxy-authorization") {
      const [scheme = "", ...rest] = value.trim().split(/\s+/);
      const credentials = rest.join(" ");
      if (/^basic$/i.test(scheme)) return `${scheme} ${basic(credentials)}`;
      if (/^bearer$/i.test(scheme)) return `${scheme} ${field("token", credentials)}`;
      return field("token", value);
    }
    if (name === "cookie" || name === "set-cookie") return PLACEHOLDERS.cookie;
    if (SECRET_HEADER.test(name) && !NOT_SECRET_HEADER.test(name)) return field("token", value);
    return text(value);
  };

  const json = (value: unknown, key?: string): unknown => {
    const kind = key === undefined ? undefined : SECRET_FIELDS.get(key);
    if (typeof value === "string") return kind === undefined ? text(value) : field(kind, value);
    if (Array.isArray(value)) return value.map((item) => json(item));
    if (typeof value !== "object" || value === null) return value;
    const out: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(value)) out[name] = json(member, name);
    return out;
  };

  return {
    addSecret(value) {
      book.expect(value, "token");
    },
    headers(pairs) {
      const out: [string, string][] = [];
      for (const [rawName, value] of pairs) {
        const name = rawName.toLowerCase();
        out.push([name, headerValue(name, value)]);
      }
      out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return Object.fromEntries(out);
    },
    body(body) {
      if (body === null) return null;
      if ("json" in body) return { json: json(body.json) };
      if ("form" in body) {
        return {
          form: body.form.map(([name, value]): [string, string] => {
            const kind = SECRET_FIELDS.get(name);
            return [name, kind === undefined ? text(value) : field(kind, value)];
          }),
        };
      }
      if ("text" in body) return { text: text(body.text) };
      return body;
    },
    text,
  };
}

// The rules of Scrubber.text as one alternation; its groups, in order: a known value; a JWT; Bearer
// scheme and value; Basic scheme and value; form name and value; JSON name, colon and value;
// header-named credential prefix, scheme and value.
function textPattern(known: readonly string[]): RegExp {
  const values = known.length === 0 ? "(?!)" : known.map(escapeRegExp).join("|");
  const rules = [
    `(${values})`,
    `(${JWT.source})`,
    BEARER_TEXT.source,
    BASIC_TEXT.source,
    FORM_TEXT.source,
    JSON_TEXT.source,
    AUTH_TEXT.source,
  ];
  return new RegExp(rules.join("|"), "g");
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Every secret met so far and its placeholder, and the values to look for in free text (longest
 * first, so a token that contains another known value is replaced whole), with the one pattern
 * that finds them and every rule's shape.
 */
class PlaceholderBook {
  readonly #placeholders = new Map<string, string>();
  // Values given in advance get their placeholder where they first appear: a client secret first
  // met in a Basic header is `gloo-scrubbed-client-secret`, elsewhere `gloo-scrubbed-secret-N`.
  readonly #pending = new Map<string, "token" | "secret">();
  #known: string[] = [];
  #nextToken: number;
  #nextSecret = 1;
  /** Scrubber.text's pattern, remade whenever a value is learned. */
  pattern = textPattern([]);

  constructor(firstToken: number) {
    this.#nextToken = firstToken;
  }

  /** The token's placeholder: the one it already has, else the next `gloo-scrubbed-token-N`. */
  token(value: string): string {
    return this.#placeholders.get(value) ?? this.fixed(value, `${SCRUBBED_PREFIX}token-${this.#nextToken++}`);
  }

  /** Gives `value` this placeholder from now on. */
  fixed(value: string, placeholder: string): string {
    this.#placeholders.set(value, placeholder);
    this.#pending.delete(value);
    this.#learn(value);
    return placeholder;
  }

  /** The placeholder of a known value found in free text (given in advance or met before). */
  known(value: string): string {
    const existing = this.#placeholders.get(value);
    if (existing !== undefined) return existing;
    if (this.#pending.get(value) === "token") return this.token(value);
    return this.fixed(value, `${SCRUBBED_PREFIX}secret-${this.#nextSecret++}`);
  }

  /** A value to look for before it has been met: a token, or another secret. */
  expect(value: string, kind: "token" | "secret"): void {
    if (value === "" || value.startsWith(SCRUBBED_PREFIX) || this.#placeholders.has(value)) return;
    this.#pending.set(value, kind);
    this.#learn(value);
  }

  #learn(value: string): void {
    if (value.length < MIN_KNOWN_LENGTH || this.#known.includes(value)) return;
    this.#known = [...this.#known, value].sort((a, b) => b.length - a.length);
    this.pattern = textPattern(this.#known);
  }
}

function decodeBase64(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(value, "base64"));
  } catch {
    return undefined;
  }
}

/** One secret {@link findSecrets} found, masked so that the report does not leak it. */
export interface SecretFinding {
  /** Which rule found it: `jwt`, `bearer`, `basic`, `client_secret`, `access_token`, `known`, … */
  rule: string;
  /** The first and last characters of the value and its length, e.g. `eyJ…(212 chars)`. */
  masked: string;
  /** Offset of the value in the text. */
  index: number;
}

/**
 * Scans text (a cassette file, a log) for secrets a cassette must not hold: JWT-shaped strings,
 * `Bearer`/`Basic` credentials, `client_secret=`/`client_id=` form values, `"access_token":"…"`
 * (and refresh/id tokens, client credentials) JSON values that are not placeholders, and every
 * value in `knownSecrets`. Returns what it found, masked; an empty list means the text is clean.
 * @example
 * const text = await readFile("cassette.json", "utf8");
 * if (findSecrets(text, [process.env.GLOO_CLIENT_SECRET ?? ""]).length > 0) process.exit(1);
 */
export function findSecrets(text: string, knownSecrets: Iterable<string> = []): SecretFinding[] {
  const found: SecretFinding[] = [];
  const at = new Set<number>();
  // One finding per place: a long Bearer token after "Authorization:" matches two rules.
  const add = (rule: string, value: string, index: number) => {
    if (at.has(index)) return;
    at.add(index);
    found.push({ rule, masked: mask(value), index });
  };
  const scan = (rule: string, pattern: RegExp, group: number, keep?: (value: string) => boolean) => {
    for (const match of text.matchAll(new RegExp(pattern.source, pattern.flags))) {
      const value = match[group] ?? "";
      if (keep === undefined || keep(value)) add(rule, value, (match.index ?? 0) + match[0].indexOf(value));
    }
  };
  scan("jwt", JWT, 0);
  scan("authorization", AUTH_TEXT, 3);
  scan("bearer", BEARER_TEXT, 2);
  scan("basic", BASIC_TEXT, 2, (value) => decodeBase64(value)?.includes(":") === true);
  scan("form", FORM_TEXT, 2);
  scan("json", JSON_TEXT, 3, (value) => value !== "");
  for (const secret of knownSecrets) {
    if (secret === "") continue;
    for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1))
      add("known", secret, at);
  }
  return found.sort((a, b) => a.index - b.index);
}

// Enough to tell findings apart, never enough to use: three characters of a long value.
function mask(value: string): string {
  return value.length >= 24 ? `${value.slice(0, 3)}…(${value.length} chars)` : `…(${value.length} chars)`;
}
