// The cost of one exchange, from the SDK's cost functions (the same exact decimals as `gloo batch`
// and `gloo logs`). Gloo returns no cost, so it is an estimate; a model without a usable rate has
// "no price", never NaN. This file only picks the inputs and formats the SDK's answer.
import { costOf, isPriced, ratesOf } from "./vendor/sdk/index.js";

/**
 * `{ usd }` (an exact decimal string) for the usage at the model's rates, or `{ missing }` saying why
 * there is no figure: "no price" (the catalogue has no usable rate) or "no usage" (no token counts).
 * @param {CatalogueModel | undefined} model
 * @param {Usage | undefined} usage
 * @returns {Cost}
 */
export function estimateCost(model, usage) {
  const rates = model === undefined ? undefined : ratesOf(model);
  if (rates === undefined || !isPriced(rates)) return { missing: "no price" };
  const prompt = usage?.prompt_tokens;
  const completion = usage?.completion_tokens;
  if (!Number.isFinite(prompt) || !Number.isFinite(completion)) return { missing: "no usage" };
  return {
    usd: costOf({ prompt_tokens: Number(prompt), completion_tokens: Number(completion) }, rates).total,
  };
}

/**
 * "$0.00047675 estimate", "no price" or "no usage".
 * @param {Cost} cost
 */
export function formatCost(cost) {
  return cost.missing === undefined ? `$${cost.usd} estimate` : cost.missing;
}

/**
 * The catalogue's rates (USD per million tokens, as `gloo models --pricing` shows them) as a short
 * label for a model picker.
 * @param {CatalogueModel} model
 */
export function priceLabel(model) {
  const rates = ratesOf(model);
  return isPriced(rates) ? `$${rates.inputPer1M}/$${rates.outputPer1M} per 1M` : "no price";
}
