// Exact decimal money on BigInt fixed point. Gloo publishes rates as decimal strings (per 1k and per
// 1M tokens); binary floats cannot hold 0.1 exactly, so every amount here is an integer count of
// 10^-24 US dollars: a per-1M rate with up to 18 decimals divides into a whole number per token.

/** Decimal places of every amount: one unit is 10^-24 USD. */
export const SCALE = 24;
const ONE = 10n ** BigInt(SCALE);

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Parses a non-negative decimal string ("0.25", "12", "0.00025") into units of 10^-(SCALE - shift),
 * i.e. the value times 10^(SCALE - shift); undefined when it is not a plain decimal or would lose digits.
 * `shift` lets a rate per 10^shift tokens become a rate per token without rounding.
 */
export function parseDecimal(text: string, shift = 0): bigint | undefined {
  const match = DECIMAL.exec(text.trim());
  if (match === null) return undefined;
  const whole = match[1] as string;
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  const places = SCALE - shift;
  if (fraction.length > places) return undefined;
  return BigInt(whole + fraction.padEnd(places, "0"));
}

/** Units (10^-24 USD) as an exact decimal string without trailing zeros: "0.00035", "12". */
export function formatExact(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / ONE;
  const fraction = (abs % ONE).toString().padStart(SCALE, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction === "" ? "" : `.${fraction}`}`;
}

/** Units rounded up to `places` decimals (money shown to people never understates a cost). */
export function formatRoundedUp(units: bigint, places: number): string {
  const step = 10n ** BigInt(SCALE - places);
  const rounded = ((units + step - 1n) / step) * step;
  const text = formatExact(rounded);
  const [whole, fraction = ""] = text.split(".");
  return places === 0 ? (whole as string) : `${whole}.${fraction.padEnd(places, "0")}`;
}

/** Units as a JavaScript number of dollars, for display and JSON summaries only (never for sums). */
export function toNumber(units: bigint): number {
  return Number(formatExact(units));
}
