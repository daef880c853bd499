import {
  type ResolvedUtilityWeights,
  resolveUtilityWeights,
  type UtilityWeights,
} from '../../scoring/utility.js';
import type { CompletionRequest } from '../../types/request.js';
import type { CandidateScore, PickContext, Strategy, StrategyFactory } from '../../types/strategy.js';
import type { TargetView } from '../../types/target.js';
import { estimateInputTokens } from '../../util/request-needs.js';
import { SIMULATED_PROVIDER, type SimulatedProvider } from './provider.js';

/**
 * A strategy that needs the lab's simulated providers (e.g. the {@link oracle}): `simulate()`
 * calls `create` with the providers of the run, in target order.
 */
export interface LabStrategy {
  /** Name, as reported by the lab. */
  readonly name: string;
  /** Builds the strategy factory for one run. */
  create(providers: readonly SimulatedProvider[]): StrategyFactory;
}

/** Options of {@link oracle}. */
export interface OracleOptions {
  /** The utility it maximises. @default DEFAULT_UTILITY_WEIGHTS */
  readonly weights?: UtilityWeights;
  /** Name. @default 'oracle' */
  readonly name?: string;
  /** The router's `retry.maxAttempts`: a failure of the last attempt fails the call. @default 3 */
  readonly maxAttempts?: number;
}

/** Size of a request as the simulated providers see it. */
export function sizeOf(request: CompletionRequest): { inputTokens: number; outputTokens: number } {
  const planned = request.providerOptions?.[SIMULATED_PROVIDER]?.outputTokens;
  const max = request.maxOutputTokens ?? 256;
  return {
    inputTokens: estimateInputTokens(request),
    outputTokens: typeof planned === 'number' ? Math.min(planned, max) : max,
  };
}

/**
 * The oracle: a strategy that reads each simulated provider's true current state (phase,
 * load, RPM window, prices, the exact size of the call) and picks the candidate with the best
 * expected utility, looking one failure ahead: a failure costs its own latency plus the best
 * other candidate's expected outcome (the router falls back to it), or the failure penalty on
 * the last attempt or when no other candidate is left. It knows expectations,
 * not the noise of the next draw. It runs through the same Router as every other strategy.
 *
 * @example
 * ```ts
 * const result = await simulate({ providers, workload, strategy: oracle() });
 * ```
 */
export function oracle(options: OracleOptions = {}): LabStrategy {
  const weights = resolveUtilityWeights(options.weights);
  const name = options.name ?? 'oracle';
  const maxAttempts = options.maxAttempts ?? 3;
  return {
    name,
    create: (providers) => () => new Oracle(name, providers, weights, maxAttempts),
  };
}

class Oracle implements Strategy {
  readonly name: string;
  readonly #providers: readonly SimulatedProvider[];
  readonly #weights: ResolvedUtilityWeights;
  readonly #maxAttempts: number;
  #success = new Float64Array(0);
  #failure = new Float64Array(0);
  #probability = new Float64Array(0);

  constructor(
    name: string,
    providers: readonly SimulatedProvider[],
    weights: ResolvedUtilityWeights,
    maxAttempts: number,
  ) {
    this.name = name;
    this.#providers = providers;
    this.#weights = weights;
    this.#maxAttempts = maxAttempts;
  }

  pick(candidates: readonly TargetView[], context: PickContext): TargetView {
    const costs = this.#costs(candidates, context);
    let best = 0;
    for (let i = 1; i < candidates.length; i++) if (costs[i]! < costs[best]!) best = i;
    return candidates[best]!;
  }

  /** Score = expected penalty (−utility) of picking the candidate; lower is better. */
  describe(candidates: readonly TargetView[], context: PickContext): readonly CandidateScore[] {
    const costs = this.#costs(candidates, context);
    return candidates.map((c, i) => ({
      target: c.id,
      score: costs[i]!,
      note: 'expected −utility; lower is better',
    }));
  }

  /** Expected −utility per candidate. */
  #costs(candidates: readonly TargetView[], context: PickContext): number[] {
    const n = candidates.length;
    if (this.#success.length < n) {
      this.#success = new Float64Array(n);
      this.#failure = new Float64Array(n);
      this.#probability = new Float64Array(n);
    }
    const size = sizeOf(context.request);
    const w = this.#weights;
    for (let i = 0; i < n; i++) {
      const provider = this.#providers[candidates[i]!.index]!;
      const e = provider.expected(size, context.now);
      this.#success[i] = (e.latencyMs / 1000) * w.latencyPerSecond + e.costUsd * w.costPerUsd;
      this.#failure[i] = (e.failureLatencyMs / 1000) * w.latencyPerSecond;
      this.#probability[i] = e.failureProbability;
    }
    const last = context.attempt >= this.#maxAttempts || n === 1;
    const costs: number[] = [];
    for (let i = 0; i < n; i++) {
      // After a failure the router falls back to the best other candidate; on the last attempt
      // (or with no other candidate) the call fails.
      let fallback = last ? w.error : Number.POSITIVE_INFINITY;
      for (let j = 0; j < n && !last; j++) {
        if (j === i) continue;
        const p = this.#probability[j]!;
        const other = (1 - p) * this.#success[j]! + p * (this.#failure[j]! + w.error);
        if (other < fallback) fallback = other;
      }
      const p = this.#probability[i]!;
      costs.push((1 - p) * this.#success[i]! + p * (this.#failure[i]! + fallback));
    }
    return costs;
  }
}
