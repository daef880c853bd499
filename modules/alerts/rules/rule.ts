import type { UsageLedger } from '../../usage/index.js';
import type { Labels } from '../types.js';
import type { BudgetBook } from './budget-book.js';
import type { CounterBoard } from './counters.js';
import type { AlertRule } from './rule-config.js';

/** What a rule saw for one label set at one evaluation. */
export interface Observation {
  readonly labels: Labels;
  readonly value: number;
  readonly threshold: number;
  readonly unit: string;
  /** The firing condition holds. */
  readonly firing: boolean;
  /** The clear condition holds (below the clear threshold); neither is the hysteresis band. */
  readonly clear: boolean;
  readonly summary: string;
}

/** What rules read at an evaluation. */
export interface EvalContext {
  readonly now: number;
  readonly board: CounterBoard;
  readonly ledger: UsageLedger | undefined;
  readonly budgets: BudgetBook;
  /** Clear thresholds default to threshold × this. */
  readonly hysteresis: number;
}

/** A rule ready to evaluate. */
export interface CompiledRule {
  readonly config: AlertRule;
  /** The longest window the rule sums over (for how long counter slots are kept). */
  readonly windowMs: number;
  evaluate(ctx: EvalContext): Observation[];
}

/** `n` as a percentage with one decimal. */
export const pct = (n: number): string => `${(n * 100).toFixed(1)}%`;
