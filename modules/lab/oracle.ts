import {
  type CandidateScore,
  type CompletionRequest,
  DEFAULT_UTILITY_WEIGHTS,
  estimateInputTokens,
  type PickContext,
  type ResolvedUtilityWeights,
  type Strategy,
  type StrategyFactory,
  SwitchyardError,
  type TargetView,
  type UtilityWeights,
} from '../../src/index.js';
import { labWeights } from './metrics.js';
import { SIMULATED_PROVIDER, type SimulatedProvider } from './provider.js';
import { streamOf } from './random.js';
import type { TokenDistribution, WorkloadSpec } from './types.js';
import { drawTokens, maxTokensFor } from './workload.js';

/**
 * A strategy that needs the lab's simulated providers (e.g. the {@link oracle}): `simulate()`
 * calls `create` with the providers of the run, in target order.
 */
export interface LabStrategy {
  /** Name, as reported by the lab. */
  readonly name: string;
  /**
   * The utility weights it was given explicitly, if it optimises a utility; `undefined` when it
   * takes the run's (`simulate()` then passes its `weights` to {@link LabStrategy.create}).
   * `simulate()` fails with a `config` error when these differ from the run's weights.
   */
  readonly weights?: ResolvedUtilityWeights;
  /**
   * Builds the strategy factory for one run, given its providers (in target order) and, from
   * `simulate()`, its workload spec and utility weights (used when {@link LabStrategy.weights}
   * is not set).
   */
  create(
    providers: readonly SimulatedProvider[],
    workload?: WorkloadSpec,
    weights?: ResolvedUtilityWeights,
  ): StrategyFactory;
}

/** Options of {@link oracle}. */
export interface OracleOptions {
  /**
   * The utility it maximises. Leave it out under `simulate()`, which gives the oracle the run's
   * `weights` (and fails with a `config` error when these are set and differ from the run's).
   * @default the run's weights, else DEFAULT_UTILITY_WEIGHTS
   */
  readonly weights?: UtilityWeights;
  /** Name. @default 'oracle' */
  readonly name?: string;
  /** The router's `retry.maxAttempts`: a failure of the last attempt fails the call. @default 3 */
  readonly maxAttempts?: number;
  /**
   * What the oracle knows of a call's output length, which no router can see before the call:
   * - `'expected'`: the mean output of the workload's calls with the same `maxOutputTokens`
   *   (what the request reveals, with perfect knowledge of the workload);
   * - `'exact'`: the call's planned output tokens (clairvoyant: an upper bound no router can
   *   reach, useful to see what knowing output lengths would be worth).
   * Without a workload (`create` called outside `simulate()`), both use the exact length.
   * @default 'expected'
   */
  readonly outputTokens?: 'expected' | 'exact';
  /**
   * How late the oracle learns of changes, in ms: it sees each provider's phases (speed, failure
   * rate, state) and prices as they were `lagMs` ago; load and requests-per-minute windows it
   * sees as they are. A lagged oracle tells what reacting that late costs, whatever the
   * strategy: in the lab's slow-spike scenario regret is 0.03 at 1 s, 0.06 at 2 s and 0.17 at 6 s.
   * @default 0
   */
  readonly lagMs?: number;
}

/** Draws per workload used to estimate the mean output per `maxOutputTokens`. */
const EXPECTATION_DRAWS = 20_000;
const expectations = new WeakMap<TokenDistribution, ReadonlyMap<number, number>>();

/**
 * Mean output tokens of a workload's calls, per `maxOutputTokens` (the cap the workload sets
 * for each call), estimated from a fixed stream of draws: the same for every run and seed.
 * Cached per distribution object.
 */
export function expectedOutputByCap(dist: TokenDistribution): ReadonlyMap<number, number> {
  const cached = expectations.get(dist);
  if (cached !== undefined) return cached;
  const random = streamOf(0, 'oracle:output-expectation');
  const sums = new Map<number, { total: number; count: number }>();
  for (let i = 0; i < EXPECTATION_DRAWS; i++) {
    const tokens = drawTokens(dist, random);
    const cap = maxTokensFor(tokens);
    const entry = sums.get(cap);
    if (entry === undefined) sums.set(cap, { total: tokens, count: 1 });
    else {
      entry.total += tokens;
      entry.count++;
    }
  }
  const means = new Map<number, number>();
  for (const [cap, { total, count }] of sums) means.set(cap, total / count);
  expectations.set(dist, means);
  return means;
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
 * load, RPM window, prices), sees the call as a router does (its prompt and `maxOutputTokens`,
 * with the workload's true mean output for that cap; see {@link OracleOptions.outputTokens}) and picks the candidate with the best
 * expected utility, looking one failure ahead: a failure costs its own latency plus the best
 * other candidate's expected outcome (the router falls back to it), or the failure penalty on
 * the last attempt or when no other candidate is left. It knows expectations,
 * not the noise of the next draw. It runs through the same Router as every other strategy.
 *
 * @example
 * ```ts
 * const result = await simulate({ providers, workload, strategy: oracle() });
 * ```
 * @throws SwitchyardError `config` for invalid weights, an `outputTokens` other than
 * `'expected'` or `'exact'`, or a `lagMs` < 0 or not finite.
 */
export function oracle(options: OracleOptions = {}): LabStrategy {
  const explicit = options.weights === undefined ? undefined : labWeights('oracle', options.weights);
  const name = options.name ?? 'oracle';
  const maxAttempts = options.maxAttempts ?? 3;
  const outputTokens = options.outputTokens ?? 'expected';
  if (outputTokens !== 'expected' && outputTokens !== 'exact') {
    throw new SwitchyardError(
      'config',
      `oracle: outputTokens: expected 'expected' or 'exact', got ${JSON.stringify(outputTokens)}`,
    );
  }
  const knowsExact = outputTokens === 'exact';
  const lagMs = options.lagMs ?? 0;
  if (!(lagMs >= 0 && Number.isFinite(lagMs))) {
    throw new SwitchyardError(
      'config',
      `oracle: lagMs: expected a finite number of ms >= 0, got ${String(lagMs)}`,
    );
  }
  return {
    name,
    ...(explicit === undefined ? {} : { weights: explicit }),
    create: (providers, workload, runWeights) => {
      const byCap =
        knowsExact || workload === undefined ? undefined : expectedOutputByCap(workload.outputTokens);
      const weights = explicit ?? runWeights ?? DEFAULT_UTILITY_WEIGHTS;
      return () => new Oracle(name, providers, weights, maxAttempts, byCap, lagMs);
    },
  };
}

class Oracle implements Strategy {
  readonly name: string;
  readonly #providers: readonly SimulatedProvider[];
  readonly #weights: ResolvedUtilityWeights;
  readonly #maxAttempts: number;
  /** Mean output per `maxOutputTokens`; undefined: the oracle knows each call's exact output. */
  readonly #outputByCap: ReadonlyMap<number, number> | undefined;
  readonly #lagMs: number;
  #success = new Float64Array(0);
  #failure = new Float64Array(0);
  #probability = new Float64Array(0);

  constructor(
    name: string,
    providers: readonly SimulatedProvider[],
    weights: ResolvedUtilityWeights,
    maxAttempts: number,
    outputByCap: ReadonlyMap<number, number> | undefined,
    lagMs: number,
  ) {
    this.name = name;
    this.#providers = providers;
    this.#weights = weights;
    this.#maxAttempts = maxAttempts;
    this.#outputByCap = outputByCap;
    this.#lagMs = lagMs;
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
    const cap = context.request.maxOutputTokens;
    const expected = cap === undefined ? undefined : this.#outputByCap?.get(cap);
    if (expected !== undefined) size.outputTokens = expected;
    const call = { ...size, stream: context.stream };
    const w = this.#weights;
    for (let i = 0; i < n; i++) {
      const provider = this.#providers[candidates[i]!.index]!;
      const e = provider.expected(call, context.now, Math.max(0, context.now - this.#lagMs));
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
