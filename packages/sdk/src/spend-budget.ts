// A spend guard by reservation: a request's worst-case cost is reserved before it is sent, the
// reservation is settled to the actual cost when it answers and released when it fails. A request
// whose reservation does not fit is not sent, so concurrency cannot push spend past the limit (the
// "check then record" pattern lets concurrent requests through; reserving first does not).
import { formatExact, parseDecimal } from "./internal/decimal.js";

/** A held reservation: settle it with the actual cost, or release it. Either ends it. */
export interface Reservation {
  /** The amount held, in units of 10^-24 USD. */
  readonly amount: bigint;
  /** Records `actual` (units of 10^-24 USD) as spent and frees the reservation. */
  settle(actual: bigint): void;
  /** Frees the reservation; nothing is spent. */
  release(): void;
}

/** What a budget has spent and holds, as exact decimal strings in USD. */
export interface BudgetState {
  limit: string;
  spent: string;
  reserved: string;
  remaining: string;
}

/**
 * A USD spend limit with reservations. Amounts are BigInt units of 10^-24 USD (what
 * `costUnits` returns); the limit is a decimal string, parsed exactly.
 * @example
 * const budget = new SpendBudget("5.00");
 * const held = budget.tryReserve(worstCase); // undefined: it does not fit, do not send
 * held?.settle(actualCost);
 */
export class SpendBudget {
  readonly #limit: bigint;
  #spent: bigint;
  #reserved = 0n;

  /** `limit` in USD ("5", "0.25"); `spent` what earlier runs already spent, in units. */
  constructor(limit: string, spent = 0n) {
    const units = parseDecimal(limit);
    if (units === undefined) {
      throw new RangeError(
        `budget ${JSON.stringify(limit)} is not an amount of USD: pass e.g. "5" or "0.25".`,
      );
    }
    this.#limit = units;
    this.#spent = spent;
  }

  /** Reserves `amount` if spent + reserved + amount stays within the limit; undefined otherwise. */
  tryReserve(amount: bigint): Reservation | undefined {
    if (this.#spent + this.#reserved + amount > this.#limit) return undefined;
    this.#reserved += amount;
    let open = true;
    const close = () => {
      if (!open) throw new Error("this reservation was already settled or released");
      open = false;
      this.#reserved -= amount;
    };
    return {
      amount,
      settle: (actual) => {
        close();
        this.#spent += actual;
      },
      release: close,
    };
  }

  /** Spent so far, in units of 10^-24 USD. */
  get spentUnits(): bigint {
    return this.#spent;
  }

  /** Whether anything is reserved (a request is in flight). */
  get holding(): boolean {
    return this.#reserved > 0n;
  }

  /** The state as decimal strings. */
  state(): BudgetState {
    return {
      limit: formatExact(this.#limit),
      spent: formatExact(this.#spent),
      reserved: formatExact(this.#reserved),
      remaining: formatExact(this.#limit - this.#spent - this.#reserved),
    };
  }
}
