import { SwitchyardError } from '../errors/switchyard-error.js';
import type { RouterEmitter } from '../events.js';
import type { StateStore } from '../state/store.js';
import type { TargetRuntime } from '../target-runtime.js';
import type { BudgetConfig } from '../types/budget.js';
import { Budget, BudgetGate, budgetIdOf } from './budget-gate.js';

/**
 * The budget gate of a router with `budgets` (`undefined` without), after the checks that need
 * the whole configuration: unique ids, a store that can hold budgets, a price on every target
 * (a reservation must know what an attempt can cost).
 */
export function budgetGateFor(
  configs: readonly BudgetConfig[] | undefined,
  store: StateStore,
  targets: readonly TargetRuntime[],
  events: RouterEmitter,
): BudgetGate | undefined {
  if (configs === undefined || configs.length === 0) return undefined;
  checkBudgetable(store, targets, 'budgets');
  const seen = new Set<string>();
  const budgets = configs.map((config, i) => {
    const id = budgetIdOf(config);
    if (seen.has(id)) {
      throw new SwitchyardError(
        'config',
        `budgets[${i}]: a budget with id "${id}" already exists; give it an \`id\``,
        {
          retryable: false,
        },
      );
    }
    seen.add(id);
    return new Budget(config, store.budget!(id));
  });
  return new BudgetGate(budgets, events);
}

/** The budget of `config`, its state in `store` (checked by {@link checkBudgetable} first). */
export function budgetIn(config: BudgetConfig, store: StateStore): Budget {
  return new Budget(config, store.budget!(budgetIdOf(config)));
}

/**
 * Throws the `config` error (naming `field`) when budgets cannot work: a store without a
 * `budget` operation, or a target without a price.
 */
export function checkBudgetable(store: StateStore, targets: readonly TargetRuntime[], field: string): void {
  if (typeof store.budget !== 'function') {
    throw new SwitchyardError(
      'config',
      `${field}: the state store has no budget() operation, so it cannot hold budgets`,
      {
        retryable: false,
      },
    );
  }
  const unpriced = targets.filter((t) => t.price === undefined).map((t) => t.id);
  if (unpriced.length > 0) {
    throw new SwitchyardError(
      'config',
      `${field}: target(s) ${unpriced.map((id) => `"${id}"`).join(', ')} have no price; set \`price\` (it may be zero) so that a budget knows what a call costs`,
      { retryable: false },
    );
  }
}
