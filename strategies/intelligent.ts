import {
  type AttemptOutcome,
  type CandidateScore,
  type Clock,
  countsAgainstHealth,
  type JsonValue,
  type PickContext,
  type Predictor,
  type Strategy,
  type StrategyFactory,
  type StrategyInit,
  type TargetView,
  utilityOf,
} from '../src/index.js';
import {
  type IntelligentOptions,
  type IntelligentSettings,
  resolveIntelligentOptions,
} from './intelligent-options.js';
import { leastBusy } from './least-busy.js';
import type { PredictedQuantity } from './predictors/factory.js';
import { RequestFeatures } from './predictors/features.js';
import { type InFlightLearned, InFlightTracker } from './predictors/in-flight.js';
import { OverdueTracker } from './predictors/overdue.js';
import { RunningMoments } from './predictors/running-moments.js';
import { encodeNumber, indexById, SNAPSHOT_VERSION, SnapshotReader, targetPath } from './snapshot.js';

export type { IntelligentOptions } from './intelligent-options.js';

/**
 * Contextual routing: predicts, per candidate, this request's latency, failure probability and
 * cost, and picks the best predicted utility (`utilityOf`, higher is better) with a little
 * exploration.
 *
 * Features (see `RequestFeatures`): `[1, input kTok, output kTok, stream, in flight, tools/json,
 * ...tags]`, built once per pick into a reused `Float64Array`; per candidate only the output
 * tokens and in-flight slots change. Per target three {@link Predictor}s, made by `predictors`:
 * - output tokens, from the features with the request's `maxOutputTokens` (capped by it) and
 *   no in-flight count;
 * - latency of a success, from the features with the predicted output tokens (trained on the
 *   actual ones and the load the attempt met), so it learns
 *   `ttft + input/prefill + output/decode + load` per target;
 *   outliers (over 3× the prediction) are trained with a weight of 0.1, so that a burst of them
 *   during a short spike does not stick after recovery while a lasting change still wins;
 * - failure probability (trained with 1/0 per attempt). A failure of an attempt that started
 *   before a success already seen (a timeout still in flight from a spike that has ended) is
 *   learned with a weight of 0.1: newer news wins.
 * Latency and output tokens are fitted by weighted least squares (weights ∝ 1 / prediction²),
 * because their noise grows with their size.
 *
 * Predicted utility = `−((1−p)·success + p·(failed + fallback))`, with
 * `success = wL·latency·late/1000 + wC·cost`, `failed = wL·failureLatency/1000` and `fallback`
 * the best other candidate's `(1−p)·success + p·(failed + wE)` while attempts remain
 * (`PickContext.maxAttempts`), else `wE`: the router falls back after a failed attempt, so a
 * target that fails fast costs little more than its failure latency. `p` is the failure
 * probability, `late` the in-flight slowdown (the larger of the silence
 * of pending attempts, `lateAfter`, and their age against their predictions, `overdueAfter`),
 * `failureLatency` a running mean of the target's failed attempts, and `cost` from the target's
 * live price and the predicted tokens. The pick maximises `utility + optimism·σ`, where σ
 * combines the models' uncertainty and a staleness term that grows with the time since the
 * target's last outcome. Targets never observed are tried first (one at a time), and a target
 * not picked for `revisitMs` is probed once.
 *
 * Cost per pick: O(candidates · d²) with d = 6 + tags (≈ 60 multiply-adds per candidate);
 * memory O(targets · d²).
 *
 * @example
 * ```ts
 * new Router({ targets, strategy: 'intelligent' });
 * registry.register('smart', intelligent({ tags: ['batch'], weights: { costPerUsd: 200 } }));
 * ```
 * @throws SwitchyardError `config` for invalid weights, more than 8 tags, negative or non-finite
 * `optimism`/`revisitMs`/`lateAfter`/`defaultOutputTokens`, `epsilon` outside [0, 1] or
 * `staleHalfLifeMs` ≤ 0.
 */
export function intelligent(options: IntelligentOptions = {}): StrategyFactory {
  const settings = resolveIntelligentOptions(options);
  return (init: StrategyInit): Strategy => new Intelligent(settings, init);
}

/** Weight of a stale failure (its attempt started before a success that was already seen). */
const STALE_WEIGHT = 0.1;
/** Latency observations a target needs before its predictions are trusted to call attempts overdue. */
const OVERDUE_MIN_SAMPLES = 10;
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
/**
 * Predictions are kept above this share of the target's running means (latency, output tokens),
 * against wild extrapolation of a linear model far outside the data (a prompt 10× longer than
 * any seen so far).
 */
const FLOOR = 0.02;

/** The snapshot field of each predicted quantity's model. */
const MODEL_FIELDS: readonly (readonly [PredictedQuantity, string])[] = [
  ['latency', 'latency'],
  ['outputTokens', 'outputTokens'],
  ['failure', 'failure'],
];

/** One target's entry of a snapshot, as read by `restore`. */
interface TargetState {
  readonly index: number;
  readonly failed: boolean;
  readonly failureLatencyMs: number;
  readonly freshest: number;
  readonly meanOutputTokens: number;
  readonly inFlight: InFlightLearned;
  readonly overdueFreshAt: number;
  readonly models: readonly Predictor[];
}

/** One candidate's prediction, written into a reused record. */
interface Prediction {
  outputTokens: number;
  latencyMs: number;
  /** Latency before the in-flight slowdowns. */
  baseLatencyMs: number;
  failure: number;
  costUsd: number;
  sigma: number;
}

/** Per-candidate scratch arrays of one scoring pass, grown as needed and reused. */
class ScoreTable {
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
    return this;
  }
}

class Intelligent implements Strategy {
  readonly name = 'intelligent';
  readonly #settings: IntelligentSettings;
  readonly #clock: Clock;
  readonly #features: RequestFeatures;
  readonly #latency: Predictor[];
  readonly #output: Predictor[];
  readonly #failure: Predictor[];
  readonly #inFlight: InFlightTracker;
  readonly #overdue: OverdueTracker;
  /** Running mean of failed attempts' latency, by target index. */
  readonly #failureLatency: Float64Array;
  /** Start time of the most recent successful attempt seen, by target index. */
  readonly #freshest: Float64Array;
  /** 1 once a target has a failed attempt. */
  readonly #failed: Uint8Array;
  /** Running mean of successful attempts' output tokens, by target index. */
  readonly #meanOutput: Float64Array;
  /** All outcomes' utility: its variance is the spread an idle target's uncertainty returns to. */
  readonly #global = new RunningMoments(GLOBAL_ALPHA);
  readonly #prediction: Prediction = {
    outputTokens: 0,
    latencyMs: 0,
    baseLatencyMs: 0,
    failure: 0,
    costUsd: 0,
    sigma: 0,
  };
  readonly #table = new ScoreTable();
  /** Predicted latency (before slowdowns) of the candidate #choose picked on its score; NaN otherwise. */
  #chosenBaseLatencyMs = Number.NaN;
  readonly #init: StrategyInit;
  readonly #indexOf: ReadonlyMap<string, number>;

  constructor(settings: IntelligentSettings, init: StrategyInit) {
    this.#settings = settings;
    this.#clock = init.clock;
    this.#init = init;
    this.#indexOf = indexById(init.targets);
    this.#features = new RequestFeatures(settings.tags);
    const dimension = this.#features.dimension;
    const make = (quantity: 'latency' | 'outputTokens' | 'failure') =>
      init.targets.map((target) => settings.predictors({ quantity, target, dimension, clock: init.clock }));
    this.#latency = make('latency');
    this.#output = make('outputTokens');
    this.#failure = make('failure');
    const n = init.targets.length;
    this.#inFlight = new InFlightTracker(n, settings.lateAfter);
    this.#overdue = new OverdueTracker(n, settings.overdueAfter);
    this.#failureLatency = new Float64Array(n);
    this.#failed = new Uint8Array(n);
    this.#freshest = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    this.#meanOutput = new Float64Array(n);
  }

  pick(candidates: readonly TargetView[], context: PickContext): TargetView {
    this.#chosenBaseLatencyMs = Number.NaN;
    const picked = this.#choose(candidates, context);
    this.#inFlight.picked(picked.index, context.now);
    if (this.#settings.overdueAfter > 0 && this.#latency[picked.index]!.samples >= OVERDUE_MIN_SAMPLES) {
      // Picked on its score: the prediction is at hand. Picked otherwise (a probe, epsilon): predict.
      let expected = this.#chosenBaseLatencyMs;
      if (Number.isNaN(expected)) {
        const input = this.#features.setRequest(context.request, context.stream);
        this.#features.now = context.now;
        expected = this.#predict(picked, context, input).baseLatencyMs;
      }
      this.#overdue.picked(picked.index, context.request, context.now, expected);
    }
    return picked;
  }

  observe(outcome: AttemptOutcome): void {
    const now = this.#clock.now();
    this.#inFlight.settled(outcome, now);
    this.#overdue.settled(outcome);
    if (!outcome.ok && outcome.errorKind !== undefined && !countsAgainstHealth(outcome.errorKind)) return;
    const target = outcome.target;
    const t = target.index;
    const features = this.#features;
    const request = outcome.request;
    features.setRequest(request, outcome.stream);
    features.now = now;
    const inFlight = outcome.inFlightAtStart ?? target.inFlight;
    features.setInFlight(inFlight);
    // Newer news wins: a failure of an attempt that started before a success already seen
    // describes the past (e.g. a timeout from a spike that has since ended): it counts for less.
    const stale = !outcome.ok && outcome.startedAt < this.#freshest[t]!;
    if (outcome.ok && outcome.startedAt > this.#freshest[t]!) this.#freshest[t] = outcome.startedAt;
    this.#failure[t]!.observe(features, { value: outcome.ok ? 0 : 1, weight: stale ? STALE_WEIGHT : 1 });
    const latencyMs = Math.max(0, outcome.latencyMs);
    if (outcome.ok) {
      const produced = outcome.usage?.outputTokens;
      if (produced !== undefined) {
        // Load does not change what a model writes: the output model sees no in-flight count.
        features.setInFlight(0);
        features.setOutputTokens(request.maxOutputTokens ?? target.config.maxOutputTokens ?? 0);
        const output = this.#output[t]!;
        const weight =
          output.samples >= WLS_MIN_SAMPLES ? wlsWeight(output.predict(features), this.#meanOutput[t]!) : 1;
        output.observe(features, { value: produced, weight });
        features.setInFlight(inFlight);
        const mean = this.#meanOutput[t]!;
        this.#meanOutput[t] = mean > 0 ? mean * (1 - OUTPUT_ALPHA) + produced * OUTPUT_ALPHA : produced;
        features.setOutputTokens(produced);
      } else {
        features.setOutputTokens(
          request.maxOutputTokens ?? target.config.maxOutputTokens ?? this.#settings.defaultOutputTokens,
        );
      }
      const model = this.#latency[t]!;
      let weight = 1;
      if (model.samples >= WLS_MIN_SAMPLES) {
        const predicted = model.predict(features);
        const outlier = latencyMs > OUTLIER_RATIO * Math.max(predicted, 1);
        weight = (outlier ? OUTLIER_WEIGHT : 1) * wlsWeight(predicted, this.#inFlight.meanLatency(t));
      }
      model.observe(features, { value: latencyMs, weight });
    } else if (!stale) {
      this.#failureLatency[t] =
        this.#failed[t] === 1
          ? this.#failureLatency[t]! * (1 - FAILURE_LATENCY_ALPHA) + latencyMs * FAILURE_LATENCY_ALPHA
          : latencyMs;
      this.#failed[t] = 1;
    }
    this.#global.add(utilityOf(outcome, this.#settings.weights));
  }

  /**
   * What the strategy has learned, as JSON (`version: 1`): the spread of all outcomes' utility
   * and the request tags the models' features were built with; per target id, its models'
   * snapshots (each model that has a `snapshot()` method), the running means of its failures'
   * latency and of its output tokens, the start of its freshest success, and the trackers' clock
   * marks (last pick, for `revisitMs`; last outcome, for staleness; last on-time answer) and mean
   * latency. Clock times are absolute: restored on the router's clock, data goes on ageing from them.
   *
   * Attempts in flight (the trackers' pending counts and attempts) are bookkeeping of this
   * process, not learned: they are not part of it, and a restore leaves them as they are. So are
   * options and the per-pick scratch.
   */
  snapshot(): JsonValue {
    const targets: [string, JsonValue][] = this.#init.targets.map((target, t) => {
      const models: [string, JsonValue][] = [];
      for (const [quantity, field] of MODEL_FIELDS) {
        const state = this.#models(quantity)[t]!.snapshot?.();
        if (state !== undefined) models.push([field, state]);
      }
      return [
        target.id,
        {
          failed: this.#failed[t] === 1,
          failureLatencyMs: encodeNumber(this.#failureLatency[t]!),
          freshest: encodeNumber(this.#freshest[t]!),
          meanOutputTokens: encodeNumber(this.#meanOutput[t]!),
          inFlight: this.#inFlight.learnedJson(t),
          overdueFreshAt: encodeNumber(this.#overdue.freshAt(t)),
          ...Object.fromEntries(models),
        },
      ];
    });
    return {
      version: SNAPSHOT_VERSION,
      tags: [...this.#settings.tags],
      global: this.#global.toJson(),
      targets: Object.fromEntries(targets),
    };
  }

  /**
   * Replaces what the strategy has learned with a {@link snapshot}: entries for ids this router
   * does not have are ignored, targets without an entry start fresh (new models from
   * `predictors`), attempts in flight are left as they are. Models learned with other `tags`
   * (another feature layout) start fresh; the rest is restored. Nothing changes when it throws.
   * @throws {SwitchyardError} `config` when `snapshot` is malformed or of another version
   * (`intelligent: snapshot.targets["a"].latency.coefficients[2]: expected …`).
   */
  restore(snapshot: JsonValue): void {
    const read = new SnapshotReader(this.name);
    const root = read.root(snapshot);
    const tags = read.strings(root.tags, 'snapshot.tags');
    const own = this.#settings.tags;
    const sameFeatures = tags.length === own.length && tags.every((tag, i) => tag === own[i]);
    const global = RunningMoments.read(read, root.global, 'snapshot.global');
    const states = new Map<number, TargetState>();
    for (const [id, value] of Object.entries(read.object(root.targets, 'snapshot.targets'))) {
      const state = this.#readTarget(read, id, value, sameFeatures);
      if (state !== undefined) states.set(state.index, state);
    }
    // Everything is read: from here on nothing throws.
    this.#global.assign(global);
    for (let t = 0; t < this.#init.targets.length; t++) {
      const state = states.get(t);
      const models = state?.models ?? this.#freshModels(t);
      this.#latency[t] = models[0]!;
      this.#output[t] = models[1]!;
      this.#failure[t] = models[2]!;
      this.#failed[t] = state?.failed === true ? 1 : 0;
      this.#failureLatency[t] = state?.failureLatencyMs ?? 0;
      this.#freshest[t] = state?.freshest ?? Number.NEGATIVE_INFINITY;
      this.#meanOutput[t] = state?.meanOutputTokens ?? 0;
      this.#inFlight.setLearned(t, state?.inFlight);
      this.#overdue.setFreshAt(t, state?.overdueFreshAt ?? Number.NEGATIVE_INFINITY);
    }
  }

  /**
   * Reads one target's entry of a snapshot (checked even when the id is unknown), restoring its
   * models into new ones from `predictors`; undefined for an unknown id.
   */
  #readTarget(
    read: SnapshotReader,
    id: string,
    value: JsonValue,
    sameFeatures: boolean,
  ): TargetState | undefined {
    const path = targetPath(id);
    const entry = read.object(value, path);
    const index = this.#indexOf.get(id);
    const failed = read.boolean(entry.failed, `${path}.failed`);
    const failureLatencyMs = read.number(entry.failureLatencyMs, `${path}.failureLatencyMs`, 'nonNegative');
    const freshest = read.number(entry.freshest, `${path}.freshest`, 'time');
    const meanOutputTokens = read.number(entry.meanOutputTokens, `${path}.meanOutputTokens`, 'nonNegative');
    const inFlight = InFlightTracker.readLearned(read, entry.inFlight, `${path}.inFlight`);
    const overdueFreshAt = read.number(entry.overdueFreshAt, `${path}.overdueFreshAt`, 'time');
    if (index === undefined) return undefined;
    const models = this.#freshModels(index);
    if (sameFeatures) {
      MODEL_FIELDS.forEach(([, field], i) => {
        const model = models[i]!;
        const state = entry[field];
        if (state !== undefined && model.restore !== undefined) {
          read.nested(`${path}.${field}`, () => model.restore!(state));
        }
      });
    }
    return { index, failed, failureLatencyMs, freshest, meanOutputTokens, inFlight, overdueFreshAt, models };
  }

  /** New models for target `t` from `predictors`, in {@link MODEL_FIELDS} order. */
  #freshModels(t: number): Predictor[] {
    const target = this.#init.targets[t]!;
    const dimension = this.#features.dimension;
    const clock = this.#init.clock;
    return MODEL_FIELDS.map(([quantity]) =>
      this.#settings.predictors({ quantity, target, dimension, clock }),
    );
  }

  /** The models of `quantity`, by target index. */
  #models(quantity: PredictedQuantity): Predictor[] {
    return quantity === 'latency'
      ? this.#latency
      : quantity === 'outputTokens'
        ? this.#output
        : this.#failure;
  }

  /**
   * Score = predicted utility + optimism × σ (what the pick maximises; higher is better). The
   * note gives the predicted latency, failure probability, cost and tokens.
   */
  describe(candidates: readonly TargetView[], context: PickContext): readonly CandidateScore[] {
    this.#features.setRequest(context.request, context.stream);
    this.#features.now = context.now;
    const table = this.#scoreAll(candidates, context);
    return candidates.map((c, i) => {
      if (table.tried[i] === 0) {
        return {
          target: c.id,
          score: Number.POSITIVE_INFINITY,
          note: 'untried: tried first; higher is better',
        };
      }
      const base = table.baseLatencyMs[i]!;
      const late = base > 0 ? table.latencyMs[i]! / base : 1;
      return {
        target: c.id,
        score: table.score[i]!,
        note:
          `latency ${table.latencyMs[i]!.toFixed(0)} ms${late > 1 ? ` (×${late.toFixed(1)}: in-flight attempts late)` : ''}, ` +
          `failure ${(table.failure[i]! * 100).toFixed(1)}%, ` +
          `cost $${table.costUsd[i]!.toPrecision(3)} (${Math.round(table.outputTokens[i]!)} out tokens), ` +
          `utility ${table.utility[i]!.toFixed(3)} ± ${table.sigma[i]!.toFixed(3)}; higher is better`,
      };
    });
  }

  #choose(candidates: readonly TargetView[], context: PickContext): TargetView {
    const n = candidates.length;
    const { epsilon, revisitMs } = this.#settings;
    if (epsilon > 0 && context.random() < epsilon) {
      return candidates[Math.floor(context.random() * n)] ?? candidates[0]!;
    }
    this.#features.setRequest(context.request, context.stream);
    this.#features.now = context.now;
    const now = context.now;
    let untriedBusy = false;
    for (let i = 0; i < n; i++) {
      const c = candidates[i]!;
      if (this.#latency[c.index]!.samples === 0) {
        if (c.inFlight === 0) return c;
        untriedBusy = true;
        continue;
      }
      if (revisitMs > 0 && now - this.#inFlight.lastPickAt(c.index) >= revisitMs) return c;
    }
    const table = this.#scoreAll(candidates, context);
    let best = -1;
    for (let i = 0; i < n; i++) {
      if (table.tried[i] === 0) continue;
      const c = candidates[i]!;
      const score = table.score[i]!;
      if (
        best < 0 ||
        score > table.score[best]! ||
        (score === table.score[best]! && c.inFlight < candidates[best]!.inFlight)
      ) {
        best = i;
      }
    }
    if (best < 0) return untriedBusy ? leastBusy(candidates) : candidates[0]!;
    this.#chosenBaseLatencyMs = table.baseLatencyMs[best]!;
    return candidates[best]!;
  }

  /**
   * Predicts every tried candidate (the request features must be set) and scores it, looking
   * one failure ahead: a failed attempt costs its own latency plus, while attempts remain, the
   * expected outcome of the best other candidate (the router falls back to it), and the failure
   * penalty only on the last attempt. A target that fails fast is then worth nearly as much as
   * its successes, and a flaky one on the last attempt is avoided.
   */
  #scoreAll(candidates: readonly TargetView[], context: PickContext): ScoreTable {
    const n = candidates.length;
    const table = this.#table.ensure(n);
    const input = this.#features.inputTokensOf(context.request);
    const { weights, optimism } = this.#settings;
    // A failure's cost without fallback: the best and second-best such value among candidates.
    let first = Number.POSITIVE_INFINITY;
    let firstAt = -1;
    let second = Number.POSITIVE_INFINITY;
    let tried = 0;
    for (let i = 0; i < n; i++) {
      const c = candidates[i]!;
      if (this.#latency[c.index]!.samples === 0) {
        table.tried[i] = 0;
        continue;
      }
      table.tried[i] = 1;
      tried++;
      const p = this.#predict(c, context, input);
      const success = (weights.latencyPerSecond * p.latencyMs) / 1000 + weights.costPerUsd * p.costUsd;
      const failed = (weights.latencyPerSecond * this.#failureLatency[c.index]!) / 1000;
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
      const utility = -((1 - p) * table.success[i]! + p * (table.failed[i]! + fallback));
      table.utility[i] = utility;
      table.score[i] = utility + optimism * table.sigma[i]!;
    }
    return table;
  }

  /** Fills {@link #prediction} for candidate `c`; the request features must be set. */
  #predict(c: TargetView, context: PickContext, input: number): Prediction {
    const t = c.index;
    const features = this.#features;
    const { weights, ln2PerMs } = this.#settings;
    const p = this.#prediction;
    features.setInFlight(c.inFlight);
    const cap = context.request.maxOutputTokens ?? c.config.maxOutputTokens;
    const output = this.#output[t]!;
    let outputTokens: number;
    if (output.samples > 0) {
      features.setInFlight(0);
      features.setOutputTokens(cap ?? 0);
      outputTokens = Math.max(1, FLOOR * this.#meanOutput[t]!, output.predict(features));
      features.setInFlight(c.inFlight);
      if (cap !== undefined && outputTokens > cap) outputTokens = cap;
    } else {
      outputTokens = cap ?? this.#settings.defaultOutputTokens;
    }
    features.setOutputTokens(outputTokens);
    const latencyModel = this.#latency[t]!;
    const tracker = this.#inFlight;
    const baseLatencyMs = Math.max(FLOOR * tracker.meanLatency(t), latencyModel.predict(features));
    const latencyMs =
      baseLatencyMs * Math.max(tracker.slowdown(t, context.now), this.#overdue.slowdown(t, context.now));
    const failureModel = this.#failure[t]!;
    const failure = clamp01(failureModel.predict(features));
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
      latencySigma * latencySigma + failureSigma * failureSigma + stale * this.#global.variance;
    p.outputTokens = outputTokens;
    p.latencyMs = latencyMs;
    p.baseLatencyMs = baseLatencyMs;
    p.failure = failure;
    p.costUsd = costUsd;
    p.sigma = Number.isFinite(variance) ? Math.sqrt(variance) : 0;
    return p;
  }
}

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : Number.isNaN(value) ? 0 : value;
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
