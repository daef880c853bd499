import type { BudgetThresholdEvent } from '../../../index.js';

/** The latest state of each budget, from {@link BudgetThresholdEvent}s. */
export class BudgetBook {
  readonly #latest = new Map<string, BudgetThresholdEvent>();

  /**
   * Records `event`. A later period replaces the earlier one (its alerts resolve); within a
   * period the highest spend is kept.
   */
  record(event: BudgetThresholdEvent): void {
    const prev = this.#latest.get(event.budget);
    if (prev !== undefined && prev.periodKey === event.periodKey && prev.spentUsd > event.spentUsd) return;
    this.#latest.set(event.budget, event);
  }

  /** Every budget's latest state. */
  all(): IterableIterator<BudgetThresholdEvent> {
    return this.#latest.values();
  }
}
