import { type AttemptOutcome, type Predictor, type StrategyInit, utilityOf } from '../src/index.js';
import { SharedEvidence } from './intelligent-merge.js';
import type { IntelligentSettings } from './intelligent-options.js';
import type { PredictedQuantity } from './predictors/factory.js';
import type { RequestFeatures } from './predictors/features.js';
import { InFlightTracker } from './predictors/in-flight.js';
import { isStaleFailure } from './predictors/on-time.js';
import { OnlineRidge } from './predictors/online-ridge.js';
import { OverdueTracker } from './predictors/overdue.js';
import { RunningMoments } from './predictors/running-moments.js';
import { TagCombinations } from './predictors/tag-combinations.js';
import { indexById } from './snapshot.js';

/** Weight of a stale failure (see `isStaleFailure`). */
const STALE_WEIGHT = 0.1;
/**
 * A success this many times faster than the latency model predicted, after the target had no
 * outcome for {@link SURPRISE_GAP_MS}, restarts the model's memory: it keeps
 * {@link SURPRISE_KEEP} of its data's weight, so that the next answers set the prediction. A
 * target that got better while it was rarely picked is followed from its probes' answers
 * instead of after its old data has aged out (decision 0014).
 */
const SURPRISE_RATIO = 3;
const SURPRISE_GAP_MS = 5_000;
const SURPRISE_KEEP = 0.05;
/** The optimism bonus when a latency model cannot restart on a surprise (see `IntelligentOptions.optimism`). */
const DEFAULT_OPTIMISM_WITHOUT_RESTART = 0.5;
/** Memory of the running mean and variance of all outcomes' utility, in observations. */
const GLOBAL_ALPHA = 0.02;
/** Weight of a new failed attempt in the running mean of failure latency. */
const FAILURE_LATENCY_ALPHA = 0.2;
/** Weight of a new success in the running mean of output tokens. */
const OUTPUT_ALPHA = 0.05;
/** Observations a model needs before its predictions set the weights of new ones. */
const WLS_MIN_SAMPLES = 5;
/** Largest weight of one observation relative to a typical one (a very short call). */
const WLS_MAX_WEIGHT = 16;
/** A latency above this multiple of the prediction is an outlier… */
const OUTLIER_RATIO = 3;
/** …and is learned with this weight. */
const OUTLIER_WEIGHT = 0.1;

/** The snapshot field of each predicted quantity's model, in the order of {@link IntelligentState.freshModels}. */
export const MODEL_FIELDS: readonly (readonly [PredictedQuantity, string])[] = [
  ['latency', 'latency'],
  ['outputTokens', 'outputTokens'],
  ['failure', 'failure'],
];

/**
 * What an `intelligent` strategy has learned (the model is described on `intelligent`): per
 * target, its three models (from `predictors`), the running means of its failures' latency and
 * of its output tokens, the start of its freshest success and its trackers of attempts in flight;
 * shared, the spread of all outcomes' utility. {@link IntelligentState.learn} teaches it an
 * outcome.
 *
 * The fields are public so that the scoring (`intelligent-scoring.ts`) and the snapshot
 * (`intelligent-snapshot.ts`) can read and write them; the strategy keeps its instance in a
 * private field, out of the public API. Internal to `strategies/`.
 */
export class IntelligentState {
  readonly settings: IntelligentSettings;
  /** The router's targets and clock, for new models. */
  readonly init: StrategyInit;
  /** The index of each target id (snapshots are keyed by id). */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Feature count of the models' inputs (`RequestFeatures.dimension`). */
  readonly dimension: number;
  /** Per target: its models of latency, output tokens and failure probability. */
  readonly latency: Predictor[];
  readonly output: Predictor[];
  readonly failure: Predictor[];
  readonly inFlight: InFlightTracker;
  readonly overdue: OverdueTracker;
  /** Running mean of failed attempts' latency, by target index. */
  readonly failureLatency: Float64Array;
  /** Start time of the most recent successful attempt seen, by target index. */
  readonly freshest: Float64Array;
  /** 1 once a target has a failed attempt. */
  readonly failed: Uint8Array;
  /** Running mean of successful attempts' output tokens, by target index. */
  readonly meanOutput: Float64Array;
  /** All outcomes' utility: its variance is the spread an idle target's uncertainty returns to. */
  readonly global = new RunningMoments(GLOBAL_ALPHA);
  /** Standard deviations of optimism in the pick: the option, or the default for these models. */
  readonly optimism: number;
  /** Per target, the combinations of tag features it has outcomes on (only with `tags`). */
  readonly combinations: TagCombinations;
  /** Own outcome summaries for other instances, and theirs once merged (`intelligent-merge.ts`). */
  readonly evidence: SharedEvidence;

  constructor(settings: IntelligentSettings, init: StrategyInit, dimension: number) {
    this.settings = settings;
    this.init = init;
    this.indexOf = indexById(init.targets);
    this.dimension = dimension;
    const make = (quantity: PredictedQuantity) =>
      init.targets.map((target) => settings.predictors({ quantity, target, dimension, clock: init.clock }));
    this.latency = make('latency');
    const restartable = this.latency.every((m) => m instanceof OnlineRidge && m.forgetsInClockTime);
    this.optimism = settings.optimism ?? (restartable ? 0 : DEFAULT_OPTIMISM_WITHOUT_RESTART);
    this.output = make('outputTokens');
    this.failure = make('failure');
    const n = init.targets.length;
    this.inFlight = new InFlightTracker(n, settings.lateAfter);
    this.overdue = new OverdueTracker(n, settings.overdueAfter);
    this.failureLatency = new Float64Array(n);
    this.failed = new Uint8Array(n);
    this.freshest = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    this.meanOutput = new Float64Array(n);
    this.combinations = new TagCombinations(n, settings.tags.length);
    this.evidence = new SharedEvidence(
      init.targets.map((target) => target.id),
      this.indexOf,
      settings.ln2PerMs,
    );
  }

  /** New models for target `t` from `predictors`, in {@link MODEL_FIELDS} order. */
  freshModels(t: number): Predictor[] {
    const target = this.init.targets[t]!;
    const dimension = this.dimension;
    const clock = this.init.clock;
    return MODEL_FIELDS.map(([quantity]) => this.settings.predictors({ quantity, target, dimension, clock }));
  }

  /** The models of `quantity`, by target index. */
  models(quantity: PredictedQuantity): Predictor[] {
    return quantity === 'latency' ? this.latency : quantity === 'outputTokens' ? this.output : this.failure;
  }

  /**
   * Learns an outcome that counts against the target's health (the caller has filtered the
   * others out and settled the trackers) at `now`. `features` is reset to the outcome's request.
   */
  learn(outcome: AttemptOutcome, features: RequestFeatures, now: number): void {
    const target = outcome.target;
    const t = target.index;
    const request = outcome.request;
    features.setRequest(request, outcome.stream);
    features.now = now;
    const inFlight = outcome.inFlightAtStart ?? target.inFlight;
    features.setInFlight(inFlight);
    // Newer news wins: a failure of an attempt that started before a success already seen
    // describes the past (e.g. a timeout from a spike that has since ended): it counts for less.
    const stale =
      !outcome.ok && isStaleFailure(outcome.startedAt, this.freshest[t]!, this.inFlight.meanLatency(t));
    if (outcome.ok && outcome.startedAt > this.freshest[t]!) this.freshest[t] = outcome.startedAt;
    this.failure[t]!.observe(features, { value: outcome.ok ? 0 : 1, weight: stale ? STALE_WEIGHT : 1 });
    this.combinations.add(t, this.combinations.combinationOf(features.values));
    const latencyMs = Math.max(0, outcome.latencyMs);
    this.evidence.learn(t, now, outcome.ok, latencyMs, stale ? STALE_WEIGHT : 1);
    if (outcome.ok) {
      const produced = outcome.usage?.outputTokens;
      if (produced !== undefined) {
        // Load does not change what a model writes: the output model sees no in-flight count.
        features.setInFlight(0);
        features.setOutputTokens(request.maxOutputTokens ?? target.config.maxOutputTokens ?? 0);
        const output = this.output[t]!;
        const weight =
          output.samples >= WLS_MIN_SAMPLES ? wlsWeight(output.predict(features), this.meanOutput[t]!) : 1;
        output.observe(features, { value: produced, weight });
        features.setInFlight(inFlight);
        const mean = this.meanOutput[t]!;
        this.meanOutput[t] = mean > 0 ? mean * (1 - OUTPUT_ALPHA) + produced * OUTPUT_ALPHA : produced;
        features.setOutputTokens(produced);
      } else {
        features.setOutputTokens(
          request.maxOutputTokens ?? target.config.maxOutputTokens ?? this.settings.defaultOutputTokens,
        );
      }
      const model = this.latency[t]!;
      let weight = 1;
      if (model.samples >= WLS_MIN_SAMPLES) {
        const predicted = model.predict(features);
        const outlier = latencyMs > OUTLIER_RATIO * Math.max(predicted, 1);
        if (
          latencyMs * SURPRISE_RATIO < predicted &&
          model instanceof OnlineRidge &&
          now - model.lastObservedAt >= SURPRISE_GAP_MS
        ) {
          model.discount(SURPRISE_KEEP);
        }
        weight = (outlier ? OUTLIER_WEIGHT : 1) * wlsWeight(predicted, this.inFlight.meanLatency(t));
      }
      model.observe(features, { value: latencyMs, weight });
    } else if (!stale) {
      this.failureLatency[t] =
        this.failed[t] === 1
          ? this.failureLatency[t]! * (1 - FAILURE_LATENCY_ALPHA) + latencyMs * FAILURE_LATENCY_ALPHA
          : latencyMs;
      this.failed[t] = 1;
    }
    this.global.add(utilityOf(outcome, this.settings.weights));
  }
}

/**
 * Weight of an observation under multiplicative noise: latency and output length spread in
 * proportion to their size, so a plain least-squares fit lets the few long calls drown the
 * many short ones. Weighted least squares with weights ∝ 1 / prediction² (relative to the
 * target's typical value, capped) fits relative error instead.
 */
function wlsWeight(predicted: number, typical: number): number {
  if (!(typical > 0)) return 1;
  const ratio = typical / Math.max(predicted, typical / 4);
  return Math.min(WLS_MAX_WEIGHT, ratio * ratio);
}
