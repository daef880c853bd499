import type { BudgetReservation, BudgetStateHandle, BudgetTotals } from './store.js';

/** Relative slack on the limit, so that ten reservations of a tenth of it all fit despite rounding. */
const ROUNDING = 1e-9;

/** A budget's spend in memory: one period at a time; each operation is one synchronous step, hence atomic. */
export class MemoryBudgetState implements BudgetStateHandle {
  #periodKey = '';
  #spent = 0;
  #reserved = 0;

  reserve(periodKey: string, amountUsd: number, limitUsd: number): BudgetReservation {
    if (periodKey !== this.#periodKey) {
      this.#periodKey = periodKey;
      this.#spent = 0;
      this.#reserved = 0;
    }
    const fits = this.#spent + this.#reserved + amountUsd <= limitUsd * (1 + ROUNDING);
    if (fits) this.#reserved += amountUsd;
    return { reserved: fits, totals: this.read(periodKey) };
  }

  settle(periodKey: string, reservedUsd: number, actualUsd: number): BudgetTotals {
    if (periodKey === this.#periodKey) {
      this.#reserved = Math.max(0, this.#reserved - reservedUsd);
      this.#spent += actualUsd;
    }
    return this.read(periodKey);
  }

  /** Raises the spend of `periodKey` to at least `spentUsd`; a period older than the current one changes nothing. */
  restore(periodKey: string, spentUsd: number): BudgetTotals {
    // Keys of one budget's periods sort by time (`2026-12-01` < `2026-12-02`), and '' before all.
    if (periodKey < this.#periodKey) return this.read(periodKey);
    if (periodKey !== this.#periodKey) {
      this.#periodKey = periodKey;
      this.#spent = 0;
      this.#reserved = 0;
    }
    this.#spent = Math.max(this.#spent, spentUsd);
    return this.read(periodKey);
  }

  read(periodKey: string): BudgetTotals {
    return periodKey === this.#periodKey
      ? { periodKey, spentUsd: this.#spent, reservedUsd: this.#reserved }
      : { periodKey, spentUsd: 0, reservedUsd: 0 };
  }
}
