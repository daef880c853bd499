/**
 * The strategies the lab compares: every strategy registered in the global registry (the
 * `switchyard-llm` entry registers the built-ins, so new ones appear without changes here), the
 * LiteLLM baselines, and the oracle.
 */
import { Router, type StrategyFactory } from '../../../index.js';
import { type LabStrategy, oracle, type SimulationRouterOptions } from '../../../modules/lab/index.js';
import { LITELLM_ROUTER, litellmBaselines } from '../baselines/index.js';

/** Name of the reference strategy of the regret (uniform random picks). */
export const RANDOM = 'random';
/** Name of the oracle. */
export const ORACLE = 'oracle';

/** Every strategy name of the report, in report order: registered ones (sorted), baselines, oracle. */
export function labStrategyNames(): string[] {
  return [...Router.strategies.names(), ...Object.keys(litellmBaselines), ORACLE];
}

/**
 * What `simulate()` takes for a strategy name of the report. The oracle and the built-ins that
 * optimise a utility get the run's weights from `simulate({ weights })`.
 */
export function labStrategy(name: string): string | StrategyFactory | LabStrategy {
  if (name === ORACLE) return oracle();
  return litellmBaselines[name] ?? name;
}

/**
 * The router settings of a strategy's runs in a scenario: the scenario's, and for the LiteLLM
 * baselines LiteLLM's (no circuit breaker: their `litellm-router` cooldown instead; no backoff).
 */
export function labRouter(
  name: string,
  scenario: SimulationRouterOptions | undefined,
): SimulationRouterOptions | undefined {
  if (litellmBaselines[name] === undefined) return scenario;
  return {
    ...scenario,
    ...LITELLM_ROUTER,
    retry: { ...scenario?.retry, ...LITELLM_ROUTER.retry },
  };
}
