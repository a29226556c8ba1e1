// The cost of one exchange from the catalogue's list prices (GET /platform/v2/models:
// pricing.input/output.rate_per_1k_tokens, strings). Gloo returns no cost, so it is an estimate;
// a model without a usable rate has "no price", never NaN.

/**
 * A rate in USD per 1,000 tokens, or undefined when the catalogue gives none that is a number.
 * @param {CatalogueModel | undefined} model
 * @param {"input" | "output"} side
 * @returns {number | undefined}
 */
export function ratePer1k(model, side) {
  const raw = model?.pricing?.[side]?.rate_per_1k_tokens;
  if (typeof raw !== "string" && typeof raw !== "number") return undefined;
  if (String(raw).trim() === "") return undefined;
  const rate = Number(raw);
  return Number.isFinite(rate) && rate >= 0 ? rate : undefined;
}

/**
 * `{ usd }` for the usage at the model's rates, or `{ missing }` saying why there is no figure:
 * "no price" (the catalogue has no usable rate) or "no usage" (the answer carried no token counts).
 */
/**
 * @param {CatalogueModel | undefined} model
 * @param {Usage | undefined} usage
 * @returns {Cost}
 */
export function estimateCost(model, usage) {
  const input = ratePer1k(model, "input");
  const output = ratePer1k(model, "output");
  if (input === undefined || output === undefined) return { missing: "no price" };
  const prompt = usage?.prompt_tokens;
  const completion = usage?.completion_tokens;
  if (typeof prompt !== "number" || typeof completion !== "number") return { missing: "no usage" };
  if (!Number.isFinite(prompt) || !Number.isFinite(completion)) return { missing: "no usage" };
  return { usd: (prompt * input + completion * output) / 1000 };
}

/**
 * "$0.000012 estimate", "no price" or "no usage".
 * @param {Cost} cost
 */
export function formatCost(cost) {
  if (cost.missing !== undefined) return cost.missing;
  const usd = cost.usd === 0 ? "0" : cost.usd < 0.01 ? cost.usd.toPrecision(2) : cost.usd.toFixed(4);
  return `$${usd} estimate`;
}

/**
 * The catalogue's rates as a short label for a model picker.
 * @param {CatalogueModel} model
 */
export function priceLabel(model) {
  const input = ratePer1k(model, "input");
  const output = ratePer1k(model, "output");
  return input === undefined || output === undefined ? "no price" : `$${input}/$${output} per 1k`;
}
