import type { PickContext, TargetView } from '../src/index.js';
import { headroomPressure } from './headroom.js';
import type { IntelligentState } from './intelligent-state.js';
import type { RequestFeatures } from './predictors/features.js';

/**
 * Predictions are kept above this share of the target's running means (latency, output tokens),
 * against wild extrapolation of a linear model far outside the data (a prompt 10× longer than
 * any seen so far).
 */
const FLOOR = 0.02;

/** One candidate's prediction, written into a reused record. */
export interface Prediction {
  outputTokens: number;
  latencyMs: number;
  /** Latency before the in-flight slowdowns. */
  baseLatencyMs: number;
  failure: number;
  costUsd: number;
  sigma: number;
}

/** Per-candidate scratch arrays of one scoring pass, grown as needed and reused. */
export class ScoreTable {
  tried = new Uint8Array(0);
  /** −utility of a success (latency and cost penalties). */
  success = new Float64Array(0);
  /** −utility of a failed attempt's own latency. */
  failed = new Float64Array(0);
  failure = new Float64Array(0);
  sigma = new Float64Array(0);
  utility = new Float64Array(0);
  score = new Float64Array(0);
  latencyMs = new Float64Array(0);
  costUsd = new Float64Array(0);
  outputTokens = new Float64Array(0);
  /** Predicted latency before the in-flight slowdowns. */
  baseLatencyMs = new Float64Array(0);
  /** Rate-limit penalty (in the utility already). */
  headroom = new Float64Array(0);

  /** Makes room for `n` candidates (growing drops the previous contents: each pass rewrites them). */
  ensure(n: number): this {
    if (this.tried.length >= n) return this;
    this.tried = new Uint8Array(n);
    this.success = new Float64Array(n);
    this.failed = new Float64Array(n);
    this.failure = new Float64Array(n);
    this.sigma = new Float64Array(n);
    this.utility = new Float64Array(n);
    this.score = new Float64Array(n);
    this.latencyMs = new Float64Array(n);
    this.costUsd = new Float64Array(n);
    this.outputTokens = new Float64Array(n);
    this.baseLatencyMs = new Float64Array(n);
    this.headroom = new Float64Array(n);
    return this;
  }
}

/**
 * The predictions and scores of `intelligent` (the formulas are described on `intelligent`): per
 * candidate, this request's output tokens, latency, failure probability, cost and uncertainty
 * from the target's models, and the score the pick maximises and `describe` reports. Writes into
 * reused storage: no allocation per pick once the table has grown. Internal to `strategies/`.
 */
export class IntelligentScorer {
  readonly #state: IntelligentState;
  readonly #features: RequestFeatures;
  readonly #prediction: Prediction = {
    outputTokens: 0,
    latencyMs: 0,
    baseLatencyMs: 0,
    failure: 0,
    costUsd: 0,
    sigma: 0,
  };
  readonly #table = new ScoreTable();

  /** `features` is the strategy's: the caller sets the request on it before scoring. */
  constructor(state: IntelligentState, features: RequestFeatures) {
    this.#state = state;
    this.#features = features;
  }

  /**
   * Predicts every tried candidate (the request features must be set) and scores it, looking
   * one failure ahead: a failed attempt costs its own latency plus, while attempts remain, the
   * expected outcome of the best other candidate (the router falls back to it), and the failure
   * penalty only on the last attempt. A target that fails fast is then worth nearly as much as
   * its successes, and a flaky one on the last attempt is avoided.
   */
  scoreAll(candidates: readonly TargetView[], context: PickContext): ScoreTable {
    const state = this.#state;
    const n = candidates.length;
    const table = this.#table.ensure(n);
    const input = this.#features.inputTokensOf(context.request);
    const { weights } = state.settings;
    const { optimism } = state;
    // A failure's cost without fallback: the best and second-best such value among candidates.
    let first = Number.POSITIVE_INFINITY;
    let firstAt = -1;
    let second = Number.POSITIVE_INFINITY;
    let tried = 0;
    const evidence = state.evidence.merged ? state.evidence : undefined;
    const { combinations } = state;
    const combination = combinations.active ? combinations.combinationOf(this.#features.values) : 0;
    for (let i = 0; i < n; i++) {
      const c = candidates[i]!;
      // A target only peers have outcomes of is scored from their evidence, not tried first; a
      // target without an outcome on this request's tag combination is tried there first.
      if (
        (state.latency[c.index]!.samples === 0 && evidence?.peerKnows(c.index, context.now) !== true) ||
        !combinations.has(c.index, combination)
      ) {
        table.tried[i] = 0;
        continue;
      }
      table.tried[i] = 1;
      tried++;
      const p = this.predict(c, context, input);
      const success = (weights.latencyPerSecond * p.latencyMs) / 1000 + weights.costPerUsd * p.costUsd;
      const failed = (weights.latencyPerSecond * state.failureLatency[c.index]!) / 1000;
      table.success[i] = success;
      table.failed[i] = failed;
      table.failure[i] = p.failure;
      table.sigma[i] = p.sigma;
      table.latencyMs[i] = p.latencyMs;
      table.costUsd[i] = p.costUsd;
      table.outputTokens[i] = p.outputTokens;
      table.baseLatencyMs[i] = p.baseLatencyMs;
      const alone = (1 - p.failure) * success + p.failure * (failed + weights.error);
      if (alone < first) {
        second = first;
        first = alone;
        firstAt = i;
      } else if (alone < second) second = alone;
    }
    const max = context.maxAttempts;
    const last = max === undefined || context.attempt >= max || tried < 2;
    for (let i = 0; i < n; i++) {
      if (table.tried[i] === 0) continue;
      const fallback = last ? weights.error : i === firstAt ? second : first;
      const p = table.failure[i]!;
      const headroom = this.headroomPenalty(candidates[i]!, context, input, table.outputTokens[i]!);
      const utility = -((1 - p) * table.success[i]! + p * (table.failed[i]! + fallback)) - headroom;
      table.utility[i] = utility;
      table.headroom[i] = headroom;
      table.score[i] = utility + optimism * table.sigma[i]!;
    }
    return table;
  }

  /**
   * The rate-limit penalty of a call of `input` + `outputTokens` tokens on `c` (`headroom.ts`):
   * its headroom pressure priced like a failure (`error` weight); 0 without a report.
   */
  headroomPenalty(c: TargetView, context: PickContext, input: number, outputTokens: number): number {
    if (c.rateLimit === undefined) return 0;
    return headroomPressure(c, context.now, input + outputTokens) * this.#state.settings.weights.error;
  }

  /**
   * Predicts candidate `c` into a reused record (valid until the next call); the request features
   * must be set.
   */
  predict(c: TargetView, context: PickContext, input: number): Prediction {
    const state = this.#state;
    const t = c.index;
    const features = this.#features;
    const { weights, ln2PerMs } = state.settings;
    const p = this.#prediction;
    features.setInFlight(c.inFlight);
    const cap = context.request.maxOutputTokens ?? c.config.maxOutputTokens;
    const output = state.output[t]!;
    let outputTokens: number;
    if (output.samples > 0) {
      features.setInFlight(0);
      features.setOutputTokens(cap ?? 0);
      outputTokens = Math.max(1, FLOOR * state.meanOutput[t]!, output.predict(features));
      features.setInFlight(c.inFlight);
      if (cap !== undefined && outputTokens > cap) outputTokens = cap;
    } else {
      outputTokens = cap ?? state.settings.defaultOutputTokens;
    }
    features.setOutputTokens(outputTokens);
    const latencyModel = state.latency[t]!;
    const tracker = state.inFlight;
    let baseLatencyMs = Math.max(FLOOR * tracker.meanLatency(t), latencyModel.predict(features));
    const evidence = state.evidence.merged ? state.evidence : undefined;
    if (evidence !== undefined) {
      baseLatencyMs = evidence.latency(t, context.now, baseLatencyMs, latencyModel.samples);
    }
    const latencyMs =
      baseLatencyMs * Math.max(tracker.slowdown(t, context.now), state.overdue.slowdown(t, context.now));
    const failureModel = state.failure[t]!;
    const modelFailure = failureModel.predict(features);
    const failure = clamp01(
      evidence === undefined ? modelFailure : evidence.failure(t, context.now, clamp01(modelFailure)),
    );
    const price = c.price;
    const costUsd =
      price === undefined ? 0 : (input * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1_000_000;
    // σ²: the latency model's uncertainty, the failure rate's, and staleness toward the spread of
    // all outcomes (0 right after an outcome, all of it after a few half-lives without one).
    const latencySigma = (weights.latencyPerSecond * (latencyModel.uncertainty?.(features) ?? 0)) / 1000;
    const failureSigma = weights.error * (failureModel.uncertainty?.(features) ?? 0);
    const elapsed = context.now - tracker.lastOutcomeAt(t);
    const stale = elapsed > 0 ? 1 - Math.exp(-elapsed * ln2PerMs) : 0;
    const variance =
      latencySigma * latencySigma + failureSigma * failureSigma + stale * state.global.variance;
    p.outputTokens = outputTokens;
    p.latencyMs = latencyMs;
    p.baseLatencyMs = baseLatencyMs;
    p.failure = failure;
    p.costUsd = costUsd;
    p.sigma = Number.isFinite(variance) ? Math.sqrt(variance) : 0;
    return p;
  }
}

/** `value` clamped to [0, 1] (NaN as 0): a probability from a model that may overshoot. */
function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : Number.isNaN(value) ? 0 : value;
}
