import {
  type JsonValue,
  type PredictionFeatures,
  type PredictionTarget,
  SwitchyardError,
} from '../../src/index.js';
import { OnlineRidge, type OnlineRidgeOptions } from '../../strategies/index.js';
import { datasetOf, type TrainingRow } from './data.js';
import { Fallback } from './fallback.js';
import { type JsonObject, MODEL_FORMAT, MODEL_VERSION, type ModelJson, ModelReader } from './json.js';
import type { MlPredictor, RuntimeOptions } from './online-model.js';

/** Options of {@link LinearModel}: those of the `intelligent` strategy's `OnlineRidge`. */
export interface LinearModelOptions extends Omit<OnlineRidgeOptions, 'clock'>, RuntimeOptions {
  /** Clamp predictions into `[min, max]`. */
  readonly range?: readonly [number, number];
}

/**
 * The linear family: the `intelligent` strategy's own online ridge regression
 * (`OnlineRidge`, recursive least squares with forgetting, from `switchyard-llm/strategies`),
 * wrapped with this module's batch `fit`, versioned JSON and non-finite fallback. It learns
 * online at every observation (no window, no background refit).
 *
 * Cost: predict O(d), `uncertainty` O(d²), observe O(d³/6). Memory: O(d²), `3d² + 4d` numbers
 * (d = 8: about 1.8 KB).
 *
 * @example
 * ```ts
 * const linear = new LinearModel(6, { forgetting: 0.995 });
 * linear.fit(rows);
 * ```
 */
export class LinearModel implements MlPredictor {
  readonly family = 'linear' as const;
  readonly dimension: number;
  #ridge: OnlineRidge;
  readonly #options: OnlineRidgeOptions;
  readonly #serialised: JsonObject;
  readonly #fallback: Fallback;
  readonly #lo: number;
  readonly #hi: number;
  #fits = 0;

  constructor(dimension: number, options: LinearModelOptions = {}) {
    const { range, clock, random: _random, scheduler: _scheduler, timer: _timer, ...ridgeOptions } = options;
    if (range !== undefined && !(Array.isArray(range) && range.length === 2 && range[0] <= range[1])) {
      throw new SwitchyardError(
        'config',
        `LinearModel: range: expected [min, max] with min <= max, got ${JSON.stringify(range)}`,
      );
    }
    this.#options = { ...ridgeOptions, ...(clock === undefined ? {} : { clock }) };
    this.#ridge = this.#create(dimension);
    this.dimension = dimension;
    this.#serialised = JSON.parse(
      JSON.stringify({ ...ridgeOptions, ...(range === undefined ? {} : { range }) }),
    ) as JsonObject;
    this.#fallback = new Fallback(0);
    this.#lo = range?.[0] ?? Number.NEGATIVE_INFINITY;
    this.#hi = range?.[1] ?? Number.POSITIVE_INFINITY;
  }

  #create(dimension: number): OnlineRidge {
    try {
      return new OnlineRidge(dimension, this.#options);
    } catch (error) {
      if (!(error instanceof SwitchyardError)) throw error;
      throw new SwitchyardError('config', error.message.replace(/^OnlineRidge:/, 'LinearModel:'), {
        cause: error,
      });
    }
  }

  /** Builds a model from its {@link toJSON}; `runtime` gives the clock (needed with `halfLifeMs`). */
  static fromJSON(json: JsonValue, runtime: RuntimeOptions = {}): LinearModel {
    const reader = new ModelReader('LinearModel.fromJSON');
    const root = reader.envelope(json, 'linear');
    let model: LinearModel;
    try {
      model = new LinearModel(root.dimension, { ...(root.options as LinearModelOptions), ...runtime });
    } catch (error) {
      if (!(error instanceof SwitchyardError) || error.kind !== 'config') throw error;
      throw new SwitchyardError(
        'config',
        `LinearModel.fromJSON: json.options.${error.message.replace(/^[^:]+: /, '')}`,
        { cause: error },
      );
    }
    model.restore(json);
    return model;
  }

  get samples(): number {
    return this.#ridge.samples;
  }

  get fallbacks(): number {
    return this.#fallback.count;
  }

  /** The coefficients, in feature order. */
  coefficients(): number[] {
    return this.#ridge.coefficients();
  }

  /** `w·x`; a non-finite result (NaN features, wrong length) gives the fallback, counted. */
  predict(features: PredictionFeatures): number {
    const x = features.values;
    const v = x.length === this.dimension ? this.#ridge.predict(features) : Number.NaN;
    if (v - v !== 0) return this.#clamp(this.#fallback.use());
    return this.#clamp(v);
  }

  #clamp(v: number): number {
    return v < this.#lo ? this.#lo : Math.min(v, this.#hi);
  }

  /** The ridge's standard deviation of the predicted mean (`Infinity` before data). */
  uncertainty(features: PredictionFeatures): number {
    if (features.values.length !== this.dimension) return Number.POSITIVE_INFINITY;
    const u = this.#ridge.uncertainty(features);
    return Number.isNaN(u) ? Number.POSITIVE_INFINITY : u;
  }

  observe(features: PredictionFeatures, target: PredictionTarget): void {
    if (features.values.length !== this.dimension) return;
    for (let j = 0; j < this.dimension; j++) if (!Number.isFinite(features.values[j])) return;
    if (!Number.isFinite(target.value)) return;
    this.#ridge.observe(features, target);
    this.#fallback.observe(target.value);
  }

  /**
   * Replaces what the model learned with the regression of `rows` (oldest first, observed in
   * order, so `forgetting` weighs the newest most).
   * @throws {SwitchyardError} `config` for no rows, non-finite values, wrong feature length.
   */
  fit(rows: readonly TrainingRow[]): void {
    const data = datasetOf('LinearModel.fit', rows, this.dimension);
    const ridge = this.#create(this.dimension);
    const d = data.d;
    for (let i = 0; i < data.n; i++) {
      ridge.observe(
        { values: data.x.subarray(i * d, (i + 1) * d) },
        { value: data.y[i]!, weight: data.w[i]! },
      );
      this.#fallback.observe(data.y[i]!);
    }
    this.#ridge = ridge;
    this.#fits++;
  }

  /** The model as versioned JSON; `model` is the ridge's own snapshot. */
  toJSON(): ModelJson {
    const fallback = this.#fallback.toJSON();
    return {
      format: MODEL_FORMAT,
      family: 'linear',
      version: MODEL_VERSION,
      dimension: this.dimension,
      samples: this.#ridge.samples,
      fits: this.#fits,
      options: this.#serialised,
      fallback: { value: fallback.value, seen: fallback.seen },
      model: this.#ridge.snapshot(),
    };
  }

  snapshot(): JsonValue {
    return this.toJSON();
  }

  /** Brings back a {@link toJSON} of the same dimension. Nothing changes when it throws. */
  restore(snapshot: JsonValue): void {
    const reader = new ModelReader('LinearModel.restore');
    const root = reader.envelope(snapshot, 'linear', this.dimension);
    const fallback = reader.object(root.fallback, 'json.fallback');
    const value = reader.number(fallback.value, 'json.fallback.value');
    const seen = reader.integer(fallback.seen, 'json.fallback.seen', 0);
    const ridge = this.#create(this.dimension);
    try {
      ridge.restore(root.model);
    } catch (error) {
      if (!(error instanceof SwitchyardError)) throw error;
      throw new SwitchyardError(
        'config',
        error.message.replace(/^OnlineRidge: snapshot/, 'LinearModel.restore: json.model'),
        { cause: error },
      );
    }
    this.#ridge = ridge;
    this.#fits = root.fits;
    this.#fallback.load(value, seen);
  }
}
