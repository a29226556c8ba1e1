import { join } from "node:path";
import type { CommandContext } from "../context.js";
import { createAnonymousClient } from "./client.js";
import type { Settings } from "./credentials.js";
import { readIfExists, writePrivateFile } from "./private-file.js";
import { userDirs } from "./user-dirs.js";

/** USD per million tokens, from the catalogue's `pricing`. */
export interface Price {
  input: number;
  output: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The price of `model` from the public catalogue (no token), kept a day in the cache directory so
 * logging an exchange costs no request most of the time. Undefined when unknown: an estimate is
 * never worth failing or slowing a command (the lookup gives up after 5 s).
 */
export async function modelPrice(
  ctx: CommandContext,
  settings: Settings,
  model: string,
): Promise<Price | undefined> {
  const dir = userDirs(ctx.env).cache;
  const path = dir === undefined ? undefined : join(dir, "prices.json");
  const cached = path === undefined ? undefined : await readCache(path, settings.baseURL);
  const prices = cached ?? (await fetchPrices(ctx, settings));
  if (cached === undefined && prices !== undefined && path !== undefined) {
    const text = JSON.stringify({ baseURL: settings.baseURL, fetchedAt: Date.now(), prices });
    await writePrivateFile(path, `${text}\n`).catch(() => {});
  }
  return prices?.[model];
}

/** The estimated cost in USD of a reply's usage at `price`. */
export function estimateCost(usage: { prompt: number; completion: number }, price: Price): number {
  return (usage.prompt * price.input + usage.completion * price.output) / 1_000_000;
}

async function readCache(path: string, baseURL: string): Promise<Record<string, Price> | undefined> {
  try {
    const cache = JSON.parse((await readIfExists(path)) ?? "null") as {
      baseURL?: string;
      fetchedAt?: number;
      prices?: Record<string, Price>;
    } | null;
    const fresh = cache?.baseURL === baseURL && Date.now() - (cache.fetchedAt ?? 0) < DAY_MS;
    return fresh ? cache?.prices : undefined;
  } catch {
    return undefined;
  }
}

async function fetchPrices(
  ctx: CommandContext,
  settings: Settings,
): Promise<Record<string, Price> | undefined> {
  try {
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(5_000)]);
    const list = await createAnonymousClient(ctx, settings).models.list({ signal });
    const prices: Record<string, Price> = {};
    for (const model of list.data) {
      const input = Number(model.pricing?.input?.rate_per_1m_tokens);
      const output = Number(model.pricing?.output?.rate_per_1m_tokens);
      if (Number.isFinite(input) && Number.isFinite(output)) prices[model.id] = { input, output };
    }
    return prices;
  } catch {
    return undefined;
  }
}
