/**
 * The strategies the lab compares: every strategy registered in the global registry (the
 * `switchyard-llm` entry registers the built-ins, so new ones appear without changes here), the
 * LiteLLM baselines, and the oracle.
 */
import { Router, type StrategyFactory } from '../../../index.js';
import { type LabStrategy, oracle } from '../../../modules/lab/index.js';
import { litellmBaselines } from '../baselines/index.js';

/** Name of the reference strategy of the regret (uniform random picks). */
export const RANDOM = 'random';
/** Name of the oracle. */
export const ORACLE = 'oracle';

/** Every strategy name of the report, in report order: registered ones (sorted), baselines, oracle. */
export function labStrategyNames(): string[] {
  return [...Router.strategies.names(), ...Object.keys(litellmBaselines), ORACLE];
}

/** What `simulate()` takes for a strategy name of the report. */
export function labStrategy(name: string): string | StrategyFactory | LabStrategy {
  if (name === ORACLE) return oracle();
  return litellmBaselines[name] ?? name;
}
