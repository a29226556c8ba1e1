// The model catalogue as the SDK's price list, for the cost of a reply's usage in the exchange log.
// The arithmetic and the missing-rate rules are the SDK's (`createPriceList`, `PriceList.cost`); this
// file only keeps the catalogue on disk, because each `gloo chat` is a new process: the SDK's
// in-memory `PriceBook` would cost one catalogue request per logged exchange.
import { join } from "node:path";
import { createPriceList, type Model, type PriceList } from "@gloo-toolkit/sdk";
import type { CommandContext } from "../context.js";
import { createAnonymousClient } from "./client.js";
import type { Settings } from "./credentials.js";
import { readIfExists, writePrivateFile } from "./private-file.js";
import { userDirs } from "./user-dirs.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** What `prices.json` in the cache directory holds: the catalogue's ids and rates, per base URL. */
interface CachedCatalogue {
  baseURL: string;
  fetchedAt: number;
  models: Model[];
}

/**
 * The public catalogue (no token) as a price list, kept a day in the cache directory so logging an
 * exchange costs no request most of the time. Undefined when it cannot be had: an estimate is never
 * worth failing or slowing a command (the lookup gives up after 5 s).
 */
export async function modelPrices(ctx: CommandContext, settings: Settings): Promise<PriceList | undefined> {
  const dir = userDirs(ctx.env).cache;
  const path = dir === undefined ? undefined : join(dir, "prices.json");
  const cached = path === undefined ? undefined : await readCache(path, settings.baseURL);
  if (cached !== undefined) return createPriceList(cached.models, "catalog", cached.fetchedAt);
  const models = await fetchModels(ctx, settings);
  if (models === undefined) return undefined;
  const fetchedAt = Date.now();
  if (path !== undefined) {
    const entry: CachedCatalogue = { baseURL: settings.baseURL, fetchedAt, models };
    await writePrivateFile(path, `${JSON.stringify(entry)}\n`).catch(() => {});
  }
  return createPriceList(models, "catalog", fetchedAt);
}

async function readCache(path: string, baseURL: string): Promise<CachedCatalogue | undefined> {
  try {
    const cache = JSON.parse((await readIfExists(path)) ?? "null") as Partial<CachedCatalogue> | null;
    const fresh =
      cache?.baseURL === baseURL &&
      typeof cache.fetchedAt === "number" &&
      Date.now() - cache.fetchedAt < DAY_MS &&
      Array.isArray(cache.models);
    return fresh ? (cache as CachedCatalogue) : undefined;
  } catch {
    return undefined;
  }
}

async function fetchModels(ctx: CommandContext, settings: Settings): Promise<Model[] | undefined> {
  try {
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(5_000)]);
    const list = await createAnonymousClient(ctx, settings).models.list({ signal });
    return list.data.map((model) => ({ id: model.id, pricing: model.pricing }));
  } catch {
    return undefined;
  }
}
