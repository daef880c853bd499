/**
 * The three kinds of user the lab judges every strategy for (issue #21): one set of utility
 * weights each, given once to `simulate()`, which scores the metrics with them and hands them
 * to the oracle, `adaptive` and `intelligent`. `cost` takes no weights (it always buys the
 * cheapest), and the LiteLLM baselines take none either.
 */
import { DEFAULT_UTILITY_WEIGHTS, type ResolvedUtilityWeights } from '../../../src/index.js';

/** A kind of user: a name and the weights of its utility. */
export interface WeightProfile {
  /** Key in the report and the JSON. */
  readonly name: string;
  /** The weights. */
  readonly weights: ResolvedUtilityWeights;
  /** One line for the report. */
  readonly description: string;
}

/** Cost nearly free: $1 weighs as much as 10 s, so a call's price (under a cent) barely counts. */
export const LATENCY_FIRST: WeightProfile = {
  name: 'latency-first',
  weights: { latencyPerSecond: 1, error: 10, costPerUsd: 10 },
  description: 'cost nearly free: $1 weighs as much as 10 s of latency (a call of $0.005 as 0.05 s)',
};

/** The default weights: $1 weighs as much as 1,000 s. */
export const BALANCED: WeightProfile = {
  name: 'balanced',
  weights: DEFAULT_UTILITY_WEIGHTS,
  description: 'the default weights: $1 weighs as much as 1,000 s of latency (a call of $0.005 as 5 s)',
};

/** Cost dear: $1 weighs as much as 10,000 s. */
export const COST_FIRST: WeightProfile = {
  name: 'cost-first',
  weights: { latencyPerSecond: 1, error: 10, costPerUsd: 10_000 },
  description: 'cost dear: $1 weighs as much as 10,000 s of latency (a call of $0.005 as 50 s)',
};

/** Every profile, in report order. */
export const PROFILES: readonly WeightProfile[] = [LATENCY_FIRST, BALANCED, COST_FIRST];

/** The profile named `name` (balanced when undefined). */
export function profileNamed(name: string | undefined): WeightProfile {
  const found = PROFILES.find((p) => p.name === (name ?? BALANCED.name));
  if (found === undefined) throw new Error(`unknown weight profile '${name}'`);
  return found;
}
