/**
 * The utility of a call: one number that trades latency, failure and cost against each other,
 * used by the `adaptive` and `intelligent` strategies and by the routing-quality lab, so that
 * what the strategies optimise is exactly what the lab measures.
 *
 * `utility = −(latency × latencyPerSecond + failed × error + costUsd × costPerUsd)`
 *
 * Higher is better; a free, instant success scores 0. With the defaults, one failed call weighs
 * as much as 10 s of latency, and $0.001 as much as 1 s.
 */

import type { StrategyFactory } from '../types/strategy.js';

/** How much each part of a call's outcome weighs in its utility. */
export interface UtilityWeights {
  /** Penalty per second of latency (retries included). @default 1 */
  readonly latencyPerSecond?: number;
  /** Penalty of a failed call. @default 10 */
  readonly error?: number;
  /** Penalty per USD spent. @default 1000 */
  readonly costPerUsd?: number;
}

/** {@link UtilityWeights} with every field set. */
export type ResolvedUtilityWeights = Required<UtilityWeights>;

/** The default weights: 1 per second, 10 per failure, 1000 per USD. */
export const DEFAULT_UTILITY_WEIGHTS: ResolvedUtilityWeights = Object.freeze({
  latencyPerSecond: 1,
  error: 10,
  costPerUsd: 1000,
});

/** Applies the defaults to partial weights; throws a `TypeError` for negative or non-finite ones. */
export function resolveUtilityWeights(weights: UtilityWeights = {}): ResolvedUtilityWeights {
  const resolved = { ...DEFAULT_UTILITY_WEIGHTS, ...weights };
  for (const [key, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value < 0)
      throw new TypeError(`utility weights: ${key}: expected a finite number ≥ 0`);
  }
  return resolved;
}

/** Whether two sets of weights are the same once their defaults are applied. */
export function sameUtilityWeights(a: UtilityWeights = {}, b: UtilityWeights = {}): boolean {
  const d = DEFAULT_UTILITY_WEIGHTS;
  return (
    (a.latencyPerSecond ?? d.latencyPerSecond) === (b.latencyPerSecond ?? d.latencyPerSecond) &&
    (a.error ?? d.error) === (b.error ?? d.error) &&
    (a.costPerUsd ?? d.costPerUsd) === (b.costPerUsd ?? d.costPerUsd)
  );
}

/**
 * Utility of one call outcome (higher is better). Partial weights take the defaults for the
 * missing fields (no allocation: this runs once per outcome in the learning strategies).
 *
 * @example
 * ```ts
 * utilityOf({ latencyMs: 1200, ok: true, costUsd: 0.0004 }); // −(1.2 + 0 + 0.4) = −1.6
 * utilityOf({ latencyMs: 1200, ok: true, costUsd: 0.0004 }, { costPerUsd: 0 }); // −1.2
 * ```
 */
export function utilityOf(
  outcome: { readonly latencyMs: number; readonly ok: boolean; readonly costUsd?: number },
  weights: UtilityWeights = DEFAULT_UTILITY_WEIGHTS,
): number {
  const d = DEFAULT_UTILITY_WEIGHTS;
  return -(
    (outcome.latencyMs / 1000) * (weights.latencyPerSecond ?? d.latencyPerSecond) +
    (outcome.ok ? 0 : (weights.error ?? d.error)) +
    (outcome.costUsd ?? 0) * (weights.costPerUsd ?? d.costPerUsd)
  );
}

/**
 * A strategy factory that optimises a utility and can be rebuilt with other weights: what
 * `adaptive()` and `intelligent()` return. The routing-quality lab (`simulate({ weights })`)
 * uses it to give a strategy named in a run the same weights as the run's metrics, so that a
 * user passes them once.
 */
export interface WeightedStrategyFactory extends StrategyFactory {
  /** The weights the factory was given explicitly; `undefined` when it uses the defaults. */
  readonly utilityWeights: ResolvedUtilityWeights | undefined;
  /** The same strategy, with the same other options, optimising these weights. */
  withUtilityWeights(weights: UtilityWeights): StrategyFactory;
}

/** Whether `factory` is a {@link WeightedStrategyFactory}. */
export function isWeightedStrategyFactory(factory: unknown): factory is WeightedStrategyFactory {
  return (
    typeof factory === 'function' &&
    typeof (factory as Partial<WeightedStrategyFactory>).withUtilityWeights === 'function'
  );
}

/**
 * Makes `factory` a {@link WeightedStrategyFactory}: `explicit` are the weights its options set
 * (or `undefined`), `rebuild` builds the same strategy with other weights.
 *
 * @example
 * ```ts
 * export function mine(options: MineOptions = {}): WeightedStrategyFactory {
 *   return weightedStrategyFactory((init) => new Mine(options, init), options.weights,
 *     (weights) => mine({ ...options, weights }));
 * }
 * ```
 */
export function weightedStrategyFactory(
  factory: StrategyFactory,
  explicit: UtilityWeights | undefined,
  rebuild: (weights: UtilityWeights) => StrategyFactory,
): WeightedStrategyFactory {
  const utilityWeights = explicit === undefined ? undefined : resolveUtilityWeights(explicit);
  return Object.assign(factory, { utilityWeights, withUtilityWeights: rebuild });
}
