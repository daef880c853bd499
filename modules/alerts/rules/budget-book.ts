/**
 * Payload of the router's `budget:threshold` event (being added to the core): a budget crossed
 * 50, 80 or 100% of its limit in a period. Feed it to `AlertManager.onBudgetThreshold`.
 */
export interface BudgetThresholdEvent {
  /** Name of the budget. */
  readonly budget: string;
  /** What the budget covers. */
  readonly scope: {
    readonly tag?: string;
    readonly user?: string;
    readonly key?: string;
    readonly alias?: string;
  };
  readonly period: 'day' | 'month' | 'total';
  /** Which period, e.g. `2026-12-02` or `2026-12`. */
  readonly periodKey: string;
  readonly limitUsd: number;
  readonly spentUsd: number;
  /** The share crossed: 0.5, 0.8 or 1. */
  readonly threshold: number;
}

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
