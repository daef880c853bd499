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

/**
 * Utility of one call outcome (higher is better).
 *
 * @example
 * ```ts
 * utilityOf({ latencyMs: 1200, ok: true, costUsd: 0.0004 }); // −(1.2 + 0 + 0.4) = −1.6
 * ```
 */
export function utilityOf(
  outcome: { readonly latencyMs: number; readonly ok: boolean; readonly costUsd?: number },
  weights: ResolvedUtilityWeights = DEFAULT_UTILITY_WEIGHTS,
): number {
  return -(
    (outcome.latencyMs / 1000) * weights.latencyPerSecond +
    (outcome.ok ? 0 : weights.error) +
    (outcome.costUsd ?? 0) * weights.costPerUsd
  );
}
