import {
  createSeededRandom,
  type JsonValue,
  type PredictionFeatures,
  type PredictionTarget,
  type RandomSource,
  SwitchyardError,
} from '../../src/index.js';
import { type Dataset, datasetOf, type TrainingRow, TrainingWindow, usableFeatures } from './data.js';
import { Fallback } from './fallback.js';
import {
  type JsonObject,
  MODEL_FORMAT,
  MODEL_VERSION,
  type ModelFamily,
  type ModelJson,
  ModelReader,
} from './json.js';
import {
  type FittedModel,
  type MlPredictor,
  type OnlineOptions,
  type RuntimeOptions,
  type Settings,
  settingsOf,
} from './online-options.js';
import { immediateScheduler, type RefitScheduler } from './scheduler.js';

/**
 * The online half of every non-linear family: a bounded sliding training window, background
 * refits in small slices on a {@link RefitScheduler} (every `refitEvery` observations or
 * `refitIntervalMs`), an atomic swap of the model in use when a refit finishes, the fallback
 * for non-finite predictions, and the JSON envelope. `observe` is O(d) and never trains;
 * `predict` costs what the fitted model costs.
 *
 * Memory: the window (`window × (d + 2) × 8` bytes), the model in use, and during a refit a copy
 * of the window plus the model being built.
 */
export abstract class OnlineModel<M extends FittedModel> implements MlPredictor {
  readonly dimension: number;
  protected readonly owner: string;
  protected readonly settings: Settings;
  protected readonly runtime: RuntimeOptions;
  readonly #window: TrainingWindow;
  readonly #fallback: Fallback;
  readonly #scheduler: RefitScheduler;
  readonly #timer: () => number;
  #model: M | undefined;
  #samples = 0;
  #fits = 0;
  #failed = 0;
  #since = 0;
  #lastRefit = Number.NEGATIVE_INFINITY;
  #training: { handle: unknown; steps: Generator<void, M | undefined> } | undefined;
  readonly #lo: number;
  readonly #hi: number;

  /** The family, written in the JSON. */
  abstract readonly family: ModelFamily;

  protected constructor(owner: string, dimension: number, options: OnlineOptions) {
    if (!Number.isInteger(dimension) || dimension < 1 || dimension > 4096) {
      throw new SwitchyardError(
        'config',
        `${owner}: dimension: expected a whole number in [1, 4096], got ${String(dimension)}`,
      );
    }
    this.owner = owner;
    this.dimension = dimension;
    this.settings = settingsOf(owner, options);
    this.runtime = {
      clock: options.clock,
      random: options.random,
      scheduler: options.scheduler,
      timer: options.timer,
    };
    this.#window = new TrainingWindow(this.settings.window, dimension);
    this.#fallback = new Fallback(this.settings.prior);
    this.#scheduler = options.scheduler ?? immediateScheduler;
    this.#timer = options.timer ?? (() => performance.now());
    this.#lo = this.settings.range?.[0] ?? Number.NEGATIVE_INFINITY;
    this.#hi = this.settings.range?.[1] ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Trains a model on `data` (oldest row first), yielding between small steps so that a
   * background refit can pause. Returns undefined when training failed (e.g. diverged).
   */
  protected abstract train(data: Dataset, random: RandomSource): Generator<void, M | undefined>;

  /** Reads a fitted model's JSON (its `toJSON()` output). */
  protected abstract readModel(reader: ModelReader, json: JsonValue, path: string): M;

  /** The family's own options, as JSON (merged with the shared ones in {@link toJSON}). */
  protected abstract familyOptions(): JsonObject;

  /** Observations so far (fitted rows included). */
  get samples(): number {
    return this.#samples;
  }

  /** Fits completed (batch and background). */
  get fits(): number {
    return this.#fits;
  }

  /** Background refits that failed (their model was dropped; the previous one stayed). */
  get failedFits(): number {
    return this.#failed;
  }

  /** Whether a background refit is in progress. */
  get training(): boolean {
    return this.#training !== undefined;
  }

  get fallbacks(): number {
    return this.#fallback.count;
  }

  /** The model in use (undefined before the first fit). */
  protected get model(): M | undefined {
    return this.#model;
  }

  /** Clamps into `range`. */
  protected clamp(value: number): number {
    return value < this.#lo ? this.#lo : Math.min(value, this.#hi);
  }

  /**
   * Predicts with the model in use; before the first fit, the fallback (the prior, then the mean
   * of the observations). A non-finite result, or a feature vector of the wrong length or with a
   * non-finite value, gives
   * the fallback and counts it in {@link fallbacks}. Never NaN.
   */
  predict(features: PredictionFeatures): number {
    const model = this.#model;
    if (model === undefined) return this.clamp(this.#fallback.value);
    const x = features.values;
    const d = this.dimension;
    if (x.length !== d) return this.clamp(this.#fallback.use());
    // Trees would route NaN silently to one side: every family checks its input the same way.
    for (let j = 0; j < d; j++) if (x[j]! - x[j]! !== 0) return this.clamp(this.#fallback.use());
    const v = model.predict(x);
    if (v - v !== 0) return this.clamp(this.#fallback.use());
    return v < this.#lo ? this.#lo : Math.min(v, this.#hi);
  }

  /**
   * Adds the observation to the window; starts a background refit when due. Never trains
   * synchronously. Observations with a non-finite value or features, or a weight ≤ 0, are ignored.
   */
  observe(features: PredictionFeatures, target: PredictionTarget): void {
    const x = features.values;
    const y = target.value;
    const weight = target.weight ?? 1;
    if (
      !Number.isFinite(y) ||
      !(weight > 0) ||
      !Number.isFinite(weight) ||
      !usableFeatures(x, this.dimension)
    )
      return;
    this.#window.push(x, y, weight);
    this.#fallback.observe(y);
    this.#samples++;
    this.#since++;
    if (this.#training !== undefined || this.#window.size < this.settings.minRows) return;
    const interval = this.settings.refitIntervalMs;
    const due =
      this.#model === undefined ||
      this.#since >= this.settings.refitEvery ||
      (interval !== undefined && (features.now ?? this.runtime.clock!.now()) - this.#lastRefit >= interval);
    if (due) this.#startRefit(features.now ?? this.runtime.clock?.now());
  }

  /** The random source of fit number `k`. */
  #randomFor(k: number): RandomSource {
    return this.runtime.random ?? createSeededRandom((this.settings.seed + k * 0x9e3779b1) >>> 0);
  }

  #startRefit(now: number | undefined): void {
    this.#since = 0;
    if (now !== undefined) this.#lastRefit = now;
    const steps = this.train(this.#window.toDataset(), this.#randomFor(this.#fits + this.#failed));
    const training = { handle: undefined as unknown, steps };
    this.#training = training;
    training.handle = this.#scheduler.schedule(() => this.#slice(training));
  }

  /** Runs one slice of a background refit; swaps the model in when it finishes. */
  #slice(training: { handle: unknown; steps: Generator<void, M | undefined> }): void {
    if (this.#training !== training) return;
    const start = this.#timer();
    try {
      for (;;) {
        const step = training.steps.next();
        if (step.done === true) {
          this.#training = undefined;
          if (step.value === undefined) this.#failed++;
          else this.#swap(step.value);
          return;
        }
        if (this.#timer() - start >= this.settings.sliceMs) break;
      }
    } catch {
      // A refit's own failure never reaches a routed call: the previous model stays.
      this.#training = undefined;
      this.#failed++;
      return;
    }
    training.handle = this.#scheduler.schedule(() => this.#slice(training));
  }

  #swap(model: M): void {
    this.#model = model;
    this.#fits++;
  }

  /** Cancels a background refit in progress (the model in use stays). */
  stop(): void {
    const training = this.#training;
    if (training === undefined) return;
    this.#training = undefined;
    this.#scheduler.cancel(training.handle);
    training.steps.return(undefined);
  }

  /**
   * Replaces what the model learned with a model of `rows` (oldest first), synchronously; the
   * rows also fill the training window (the newest `window` of them), so online refits go on
   * from them. Cancels a background refit in progress.
   * @throws {SwitchyardError} `config` for no rows, a row with a non-finite or missing value, a
   * feature vector of the wrong length, or when training diverged.
   */
  fit(rows: readonly TrainingRow[]): void {
    const data = datasetOf(`${this.owner}.fit`, rows, this.dimension);
    this.stop();
    const steps = this.train(data, this.#randomFor(this.#fits + this.#failed));
    let step = steps.next();
    while (step.done !== true) step = steps.next();
    if (step.value === undefined) {
      this.#failed++;
      throw new SwitchyardError(
        'config',
        `${this.owner}.fit: rows: training diverged (non-finite parameters); check the scale of the values`,
      );
    }
    this.#swap(step.value);
    this.#window.clear();
    this.#window.pushAll(data);
    for (let i = 0; i < data.n; i++) this.#fallback.observe(data.y[i]!);
    this.#samples += data.n;
    this.#since = 0;
  }

  /** The shared options as JSON. */
  #optionsJson(): JsonObject {
    const s = this.settings;
    const out: JsonObject = {
      window: s.window,
      refitEvery: s.refitEvery,
      minRows: s.minRows,
      seed: s.seed,
      prior: s.prior,
      sliceMs: s.sliceMs,
    };
    if (s.refitIntervalMs !== undefined) out.refitIntervalMs = s.refitIntervalMs;
    if (s.range !== undefined) out.range = [s.range[0], s.range[1]];
    return { ...out, ...this.familyOptions() };
  }

  /**
   * The model as JSON: `format`, `family`, `version`, `dimension`, `samples`, `fits`, the
   * options (not the runtime ones: clock, scheduler, random source, timer), the fallback and
   * the fitted model (`null` before the first fit). The training window is not included: a
   * model restored from JSON predicts at once and refits from new observations.
   */
  toJSON(): ModelJson {
    const fallback = this.#fallback.toJSON();
    return {
      format: MODEL_FORMAT,
      family: this.family,
      version: MODEL_VERSION,
      dimension: this.dimension,
      samples: this.#samples,
      fits: this.#fits,
      options: this.#optionsJson(),
      fallback: { value: fallback.value, seen: fallback.seen },
      model: this.#model === undefined ? null : this.#model.toJSON(),
    };
  }

  /** Same as {@link toJSON} (the `Predictor` snapshot, kept in the strategy's snapshot). */
  snapshot(): JsonValue {
    return this.toJSON();
  }

  /**
   * Brings back a {@link toJSON} of the same family and dimension (its options are not applied:
   * use the family's `fromJSON` for that). Nothing changes when it throws.
   * @throws {SwitchyardError} `config` naming the field: not a model, another family, another
   * version, another dimension, a malformed parameter.
   */
  restore(snapshot: JsonValue): void {
    const reader = new ModelReader(`${this.owner}.restore`);
    const root = reader.envelope(snapshot, this.family, this.dimension);
    const fallback = reader.object(root.fallback, 'json.fallback');
    const value = reader.number(fallback.value, 'json.fallback.value');
    const seen = reader.integer(fallback.seen, 'json.fallback.seen', 0);
    const model = root.model === null ? undefined : this.readModel(reader, root.model, 'json.model');
    this.stop();
    this.#model = model;
    this.#samples = root.samples;
    this.#fits = root.fits;
    this.#fallback.load(value, seen);
  }
}

/**
 * Reads the envelope and options of a model JSON for a family's `fromJSON`, and builds and
 * restores the model with `new Model(dimension, { ...options, ...runtime })`.
 */
export function modelFromJson<P extends MlPredictor>(
  Model: new (dimension: number, options: { readonly [key: string]: unknown } & RuntimeOptions) => P,
  owner: string,
  family: ModelFamily,
  json: JsonValue,
  runtime: RuntimeOptions,
): P {
  const reader = new ModelReader(`${owner}.fromJSON`);
  const root = reader.envelope(json, family);
  let model: P;
  try {
    model = new Model(root.dimension, { ...root.options, ...runtime });
  } catch (error) {
    if (!(error instanceof SwitchyardError) || error.kind !== 'config') throw error;
    const detail = error.message.replace(/^[^:]+: /, '');
    throw new SwitchyardError('config', `${owner}.fromJSON: json.options.${detail}`, { cause: error });
  }
  model.restore(json);
  return model;
}

export type { FittedModel, MlPredictor, OnlineOptions, RuntimeOptions } from './online-options.js';
