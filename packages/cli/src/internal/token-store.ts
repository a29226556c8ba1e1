import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { TokenProviderResult } from "@gloo-toolkit/sdk";
import { readIfExists, writePrivateFile } from "./private-file.js";

/** A cached access token: the bearer string and when it stops working (epoch ms). */
export interface StoredToken {
  accessToken: string;
  expiresAt: number;
}

// A token with less than this left is not worth reusing: the call it is for may outlast it.
const MIN_REMAINING_MS = 120_000;

/**
 * The token cache on disk (`$XDG_CACHE_HOME/gloo/tokens.json`, mode 0600), so a run of `gloo`
 * commands asks the token endpoint once per token lifetime, not once per command. Keyed by base
 * URL and client id; it holds tokens and their expiry, never a client secret.
 */
export class TokenStore {
  /** The file's path. */
  readonly path: string;
  readonly #now: () => number;

  constructor(cacheDir: string, now: () => number = Date.now) {
    this.path = join(cacheDir, "tokens.json");
    this.#now = now;
  }

  /** The cached token for this platform and client, if it has a while left. */
  async read(baseURL: string, clientId: string): Promise<StoredToken | undefined> {
    const token = (await this.#load())[key(baseURL, clientId)];
    return token !== undefined && token.expiresAt - this.#now() > MIN_REMAINING_MS ? token : undefined;
  }

  /** Stores a token (replacing this platform and client's), dropping expired ones. */
  async write(baseURL: string, clientId: string, token: StoredToken): Promise<void> {
    const tokens = await this.#load();
    for (const [name, stored] of Object.entries(tokens))
      if (stored.expiresAt <= this.#now()) delete tokens[name];
    tokens[key(baseURL, clientId)] = { accessToken: token.accessToken, expiresAt: token.expiresAt };
    await writePrivateFile(this.path, `${JSON.stringify({ version: 1, tokens }, null, 2)}\n`);
  }

  /** Deletes the cache; resolves whether there was one. */
  async clear(): Promise<boolean> {
    const existed = (await readIfExists(this.path)) !== undefined;
    await rm(this.path, { force: true });
    return existed;
  }

  // A file that is unreadable or not ours counts as empty: the cache only saves requests.
  async #load(): Promise<Record<string, StoredToken>> {
    const text = await readIfExists(this.path).catch(() => undefined);
    try {
      const parsed = JSON.parse(text ?? "{}") as { tokens?: unknown };
      if (typeof parsed.tokens !== "object" || parsed.tokens === null) return {};
      return Object.fromEntries(
        Object.entries(parsed.tokens as Record<string, unknown>).filter(
          (entry): entry is [string, StoredToken] => isStoredToken(entry[1]),
        ),
      );
    } catch {
      return {};
    }
  }
}

const key = (baseURL: string, clientId: string) => `${baseURL} ${clientId}`;

function isStoredToken(value: unknown): value is StoredToken {
  const token = value as Partial<StoredToken> | null;
  return typeof token?.accessToken === "string" && typeof token.expiresAt === "number";
}

/**
 * A `tokenProvider` for the SDK that reuses the disk cache: the first token comes from the cache
 * when it holds a fresh one; any later request (the SDK asks again on expiry, or after a 401 that
 * says the cached token is no longer accepted) gets a new token from `fetchToken` and stores it.
 * A cache that cannot be written costs requests, never the command.
 */
export function cachedTokenProvider(
  store: TokenStore,
  baseURL: string,
  clientId: string,
  fetchToken: () => Promise<StoredToken>,
): () => Promise<TokenProviderResult> {
  let first = true;
  return async () => {
    if (first) {
      first = false;
      const cached = await store.read(baseURL, clientId);
      if (cached !== undefined) return cached;
    }
    const token = await fetchToken();
    await store.write(baseURL, clientId, token).catch(() => {});
    return { accessToken: token.accessToken, expiresAt: token.expiresAt };
  };
}
