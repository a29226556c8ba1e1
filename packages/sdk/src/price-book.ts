// The model catalogue as a price list: fetched once, cached for a few minutes (Gloo's Studio keeps it
// 5 minutes), one request shared by every concurrent caller, and an optional offline copy for when
// the catalogue cannot be reached.
import { type CostResult, costOf, isPriced, type ModelRates, ratesOf, type Unpriced } from "./cost.js";
import type { CompletionUsage, Model, ModelList, RequestOptions } from "./types.js";

/** Where the catalogue comes from: `gloo.models` or anything with the same `list()`. */
export interface CatalogueSource {
  list(options?: RequestOptions): Promise<ModelList>;
}

/** Options of {@link PriceBook}. */
export interface PriceBookOptions {
  /**
   * How long a fetched catalogue is used before the next call fetches it again.
   * @default 300_000
   */
  ttlMs?: number;
  /** Used, and reported as `source: "offline"`, when the catalogue cannot be fetched. */
  fallback?: ModelList;
  /** Rates for models the catalogue gives none (or does not list): e.g. a `--price` override. */
  fallbackRates?: Omit<ModelRates, "model">;
  /** Clock seam. @default Date.now */
  now?: () => number;
}

/** One fetched catalogue, indexed by model id. */
export interface PriceList {
  /** Every catalogue entry. */
  readonly models: readonly Model[];
  /** `catalog` when fetched from the platform, `offline` when it is the fallback copy. */
  readonly source: "catalog" | "offline";
  /** When it was fetched (epoch ms). */
  readonly fetchedAt: number;
  /** The model's rates, the fallback rates when it has none, else why it cannot be priced. */
  rates(model: string): ModelRates | Unpriced;
  /** The cost of `usage` on `model`, or `null` with the reason. */
  cost(model: string, usage: Pick<CompletionUsage, "prompt_tokens" | "completion_tokens">): CostResult;
  /** The catalogue entry of `model`, if listed. */
  find(model: string): Model | undefined;
}

/**
 * The catalogue as prices, cached: `get()` fetches at most once per `ttlMs`, and concurrent calls
 * share one request.
 * @example
 * const prices = new PriceBook(gloo.models);
 * const list = await prices.get();
 * list.cost("gloo-openai-gpt-5-mini", completion.usage); // { cost: { total: "0.000123", … } }
 */
export class PriceBook {
  readonly #source: CatalogueSource;
  readonly #options: PriceBookOptions;
  #cached: PriceList | undefined;
  #pending: Promise<PriceList> | undefined;

  constructor(source: CatalogueSource, options: PriceBookOptions = {}) {
    this.#source = source;
    this.#options = options;
  }

  /** The cached price list, fetched when missing or older than `ttlMs`. */
  get(options: RequestOptions = {}): Promise<PriceList> {
    const now = (this.#options.now ?? Date.now)();
    const cached = this.#cached;
    if (cached !== undefined && now - cached.fetchedAt < (this.#options.ttlMs ?? 300_000)) {
      return Promise.resolve(cached);
    }
    this.#pending ??= this.#fetch(options, now).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #fetch(options: RequestOptions, now: number): Promise<PriceList> {
    let list: PriceList;
    try {
      list = createPriceList((await this.#source.list(options)).data, "catalog", now, this.#options);
    } catch (error) {
      const fallback = this.#options.fallback;
      if (fallback === undefined) throw error;
      // The offline copy is not cached: the next call tries the platform again.
      return createPriceList(fallback.data, "offline", now, this.#options);
    }
    this.#cached = list;
    return list;
  }
}

/** A price list over given catalogue entries (what {@link PriceBook} builds from each fetch). */
export function createPriceList(
  models: readonly Model[],
  source: PriceList["source"],
  fetchedAt: number,
  options: Pick<PriceBookOptions, "fallbackRates"> = {},
): PriceList {
  const byId = new Map(models.map((model) => [model.id, model]));
  const fallback = options.fallbackRates;
  const rates = (id: string): ModelRates | Unpriced => {
    const model = byId.get(id);
    const found: ModelRates | Unpriced =
      model === undefined ? { model: id, reason: `the catalogue does not list ${id}` } : ratesOf(model);
    return isPriced(found) || fallback === undefined ? found : { model: id, ...fallback };
  };
  return {
    models,
    source,
    fetchedAt,
    rates,
    find: (id) => byId.get(id),
    cost(id, usage) {
      const found = rates(id);
      return isPriced(found) ? { cost: costOf(usage, found) } : { cost: null, reason: found.reason };
    },
  };
}
