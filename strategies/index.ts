/**
 * The built-in routing strategies. The `switchyard-llm` entry registers them by name; import from
 * `switchyard-llm/strategies` to configure one with options or to register them in your own registry.
 * Also the fakes for testing a strategy of your own without a router (`fakeTargets`, `fakeInit`,
 * `fakeContext`, `fakeOutcome`, `ManualClock`).
 */
import type { StrategyFactory, StrategyRegistry } from '../src/index.js';
import { type AdaptiveOptions, adaptive } from './adaptive.js';
import { type CostOptions, cost } from './cost.js';
import { type IntelligentOptions, intelligent } from './intelligent.js';
import { type LeastConnectionsOptions, leastConnections } from './least-connections.js';
import { priority } from './priority.js';
import { random } from './random.js';
import { type ResponseTimeOptions, responseTime } from './response-time.js';
import { roundRobin } from './round-robin.js';
import { weighted } from './weighted.js';

export {
  DecayingMean,
  type DecayingMeanOptions,
  type DefaultPredictorOptions,
  defaultPredictors,
  FEATURE,
  OnlineRidge,
  type OnlineRidgeOptions,
  type PredictedQuantity,
  type PredictorFactory,
  type PredictorSpec,
  RequestFeatures,
} from './predictors/index.js';
export {
  type FakeContextOptions,
  type FakeOutcomeOptions,
  type FakeTarget,
  type FakeTargetSpec,
  fakeContext,
  fakeInit,
  fakeOutcome,
  fakeRequest,
  fakeTargets,
  ManualClock,
} from './testing.js';
export type {
  AdaptiveOptions,
  CostOptions,
  IntelligentOptions,
  LeastConnectionsOptions,
  ResponseTimeOptions,
};
export {
  adaptive,
  cost,
  intelligent,
  leastConnections,
  priority,
  random,
  responseTime,
  roundRobin,
  weighted,
};

/**
 * The nine built-in strategies by name, with default options: `round-robin`, `weighted`,
 * `least-connections`, `response-time`, `priority`, `random`, and the learning ones `cost`,
 * `adaptive` and `intelligent`.
 *
 * @example
 * ```ts
 * const strategy = builtinStrategies['weighted']!({ targets, clock, random });
 * ```
 */
export const builtinStrategies: Readonly<Record<string, StrategyFactory>> = Object.freeze({
  'round-robin': roundRobin(),
  weighted: weighted(),
  'least-connections': leastConnections(),
  'response-time': responseTime(),
  priority: priority(),
  random: random(),
  cost: cost(),
  adaptive: adaptive(),
  intelligent: intelligent(),
});

/**
 * Registers every entry of {@link builtinStrategies} in `registry` under its name. Replaces a
 * previous registration of the same name, so calling it twice is harmless.
 *
 * @example
 * ```ts
 * const registry = new StrategyRegistry();
 * registerBuiltinStrategies(registry);
 * registry.names(); // ['adaptive', 'cost', 'intelligent', 'least-connections', 'priority', …]
 * ```
 */
export function registerBuiltinStrategies(registry: StrategyRegistry): void {
  for (const [name, factory] of Object.entries(builtinStrategies)) {
    registry.register(name, factory, { replace: true });
  }
}
