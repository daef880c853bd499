import type { BudgetHoldTicket, BudgetReservation, BudgetStateHandle, BudgetTotals } from './store.js';

/** Relative slack on the limit, so that ten reservations of a tenth of it all fit despite rounding. */
const ROUNDING = 1e-9;

/**
 * A budget's spend in memory: one period at a time; each operation is one synchronous step, hence
 * atomic. Holds lapse at their expiry (swept by the next reservation), like a shared store's.
 */
export class MemoryBudgetState implements BudgetStateHandle {
  #periodKey = '';
  #spent = 0;
  #reserved = 0;
  /** Holds of the current period: id → amount and expiry. */
  readonly #holds = new Map<string, { amountUsd: number; expiresAt: number }>();
  #seq = 0;

  #start(periodKey: string): void {
    this.#periodKey = periodKey;
    this.#spent = 0;
    this.#reserved = 0;
    this.#holds.clear();
  }

  reserve(
    periodKey: string,
    amountUsd: number,
    limitUsd: number,
    now: number,
    holdMs: number,
  ): BudgetReservation {
    if (periodKey !== this.#periodKey) this.#start(periodKey);
    for (const [id, hold] of this.#holds) {
      if (hold.expiresAt > now) continue;
      this.#holds.delete(id);
      this.#reserved = Math.max(0, this.#reserved - hold.amountUsd);
    }
    const fits = this.#spent + this.#reserved + amountUsd <= limitUsd * (1 + ROUNDING);
    if (!fits) return { reserved: false, totals: this.read(periodKey) };
    this.#reserved += amountUsd;
    const hold: BudgetHoldTicket = { id: `h${++this.#seq}`, amountUsd, expiresAt: now + holdMs };
    this.#holds.set(hold.id, { amountUsd, expiresAt: hold.expiresAt });
    return { reserved: true, totals: this.read(periodKey), hold };
  }

  settle(periodKey: string, hold: BudgetHoldTicket, actualUsd: number): BudgetTotals {
    if (periodKey === this.#periodKey) {
      this.release(periodKey, hold);
      this.#spent += actualUsd;
    }
    return this.read(periodKey);
  }

  release(periodKey: string, hold: BudgetHoldTicket): BudgetTotals {
    const held = periodKey === this.#periodKey ? this.#holds.get(hold.id) : undefined;
    if (held !== undefined) {
      this.#holds.delete(hold.id);
      this.#reserved = Math.max(0, this.#reserved - held.amountUsd);
    }
    return this.read(periodKey);
  }

  /** Raises the spend of `periodKey` to at least `spentUsd`; a period older than the current one changes nothing. */
  restore(periodKey: string, spentUsd: number): BudgetTotals {
    // Keys of one budget's periods sort by time (`2026-12-01` < `2026-12-02`), and '' before all.
    if (periodKey < this.#periodKey) return this.read(periodKey);
    if (periodKey !== this.#periodKey) this.#start(periodKey);
    this.#spent = Math.max(this.#spent, spentUsd);
    return this.read(periodKey);
  }

  read(periodKey: string): BudgetTotals {
    return periodKey === this.#periodKey
      ? { periodKey, spentUsd: this.#spent, reservedUsd: this.#reserved }
      : { periodKey, spentUsd: 0, reservedUsd: 0 };
  }
}
