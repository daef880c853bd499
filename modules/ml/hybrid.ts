import {
  type JsonValue,
  type PredictionFeatures,
  type PredictionTarget,
  SwitchyardError,
} from '../../src/index.js';
import { GradientBoosting, type GradientBoostingOptions } from './boosting.js';
import { datasetOf, type TrainingRow, usableFeatures } from './data.js';
import { RandomForest, type RandomForestOptions } from './forest.js';
import { type JsonObject, MODEL_FORMAT, MODEL_VERSION, type ModelJson, ModelReader } from './json.js';
import { LinearModel, type LinearModelOptions } from './linear.js';
import type { RuntimeOptions } from './online-model.js';
import type { MlPredictor } from './online-options.js';
import { choiceOption, numberOption, wholeOption } from './options.js';

/** The families a {@link Hybrid} can fit its residuals with. */
export type HybridResidualFamily = 'boosting' | 'forest';

type Serialisable<T> = Omit<T, keyof RuntimeOptions>;

/** Options of {@link Hybrid}. */
export interface HybridOptions extends RuntimeOptions {
  /** Options of the online linear model (as {@link LinearModel}'s, without `range`). @default { forgetting: 0.995, ridge: 0.01 } */
  readonly linear?: Serialisable<Omit<LinearModelOptions, 'range'>>;
  /** The family fitted on the linear model's residuals. @default 'boosting' */
  readonly residualFamily?: HybridResidualFamily;
  /**
   * Options of the residual model (its window, refits, trees). A `seed` defaults to the hybrid's.
   * @default the family's defaults
   */
  readonly residual?: Serialisable<GradientBoostingOptions> | Serialisable<RandomForestOptions>;
  /** Weight of the newest observation in the running moments that set the residual weight (0–1]. @default 0.02 */
  readonly decay?: number;
  /**
   * Evidence shrinkage: the residual weight is multiplied by `n / (n + evidence)`, n the
   * observations the residual model was scored on. @default 30
   */
  readonly evidence?: number;
  /** Observations the linear model learns from before residuals are recorded. @default 20 */
  readonly warmup?: number;
  /** Clamp predictions into `[min, max]`. */
  readonly range?: readonly [number, number];
  /** Seed of the residual model. @default 1 */
  readonly seed?: number;
}

type Residual = GradientBoosting | RandomForest;

const DEFAULT_LINEAR = { forgetting: 0.995, ridge: 0.01 } as const;

/**
 * The online linear model plus a tree model of what it gets wrong. The linear part
 * ({@link LinearModel}, learning at every observation and forgetting) follows the level over
 * time: drift, spikes, outages. A gradient-boosted (or random-forest) model, refitted in the
 * background from its window like the other tree families, learns the linear model's
 * one-step-ahead residuals `y − linear(x)` (recorded when each observation arrives, before the
 * linear model learns from it), i.e. the stable non-linear shape the linear model cannot
 * represent, such as a cliff past a prompt length.
 *
 * The prediction is `linear(x) + α·residual(x)`. α is the least-squares weight of the residual
 * model's out-of-sample predictions: before each observation is learned, the residual model's
 * prediction g of it is scored against the linear residual r, and α = clamp(E[r·g] / E[g²], 0, 1)
 * over running means (newest weight `decay`), shrunk by `n / (n + evidence)`. So α stays 0 until
 * the residual model has been fitted and scored, tends to 1 when its predictions explain the
 * residuals, and falls toward 0 when they stop helping (a truth that is linear, or a residual
 * shape that changed). `uncertainty` is the linear model's.
 *
 * Cost: predict = linear + residual model; observe = linear's + one residual prediction + the
 * residual model's O(d) observe. Memory: the linear model's O(d²) plus the residual model's
 * (bounded window and trees) plus 3 numbers.
 *
 * @example
 * ```ts
 * const model = new Hybrid(6, { residual: { refitIntervalMs: 10_000 }, clock });
 * model.observe(features, { value: latencyMs }); // learns online; refits in the background
 * model.alpha; // the residual model's current weight
 * ```
 */
export class Hybrid implements MlPredictor {
  readonly family = 'hybrid' as const;
  readonly dimension: number;
  readonly #runtime: RuntimeOptions;
  readonly #linearOptions: JsonObject;
  readonly #residualFamily: HybridResidualFamily;
  readonly #residualOptions: JsonObject;
  readonly #decay: number;
  readonly #evidence: number;
  readonly #warmup: number;
  readonly #range: readonly [number, number] | undefined;
  readonly #seed: number;
  #linear: LinearModel;
  #residual: Residual;
  /** Running means of r·g and g², and how many observations were scored. */
  #rg = 0;
  #gg = 0;
  #scored = 0;
  #alpha = 0;
  #samples = 0;
  #fits = 0;
  #fallbacks = 0;

  constructor(dimension: number, options: HybridOptions = {}) {
    const owner = 'Hybrid';
    this.#runtime = {
      clock: options.clock,
      random: options.random,
      scheduler: options.scheduler,
      timer: options.timer,
    };
    this.#residualFamily = choiceOption(owner, 'residualFamily', options.residualFamily, 'boosting', [
      'boosting',
      'forest',
    ]);
    this.#decay = numberOption(owner, 'decay', options.decay, 0.02, 0, 1, true);
    this.#evidence = numberOption(owner, 'evidence', options.evidence, 30, 0, 1e9);
    this.#warmup = wholeOption(owner, 'warmup', options.warmup, 20, 0);
    this.#seed = wholeOption(owner, 'seed', options.seed, 1, 0, 2 ** 32 - 1);
    const range = options.range;
    if (
      range !== undefined &&
      !(
        Array.isArray(range) &&
        range.length === 2 &&
        Number.isFinite(range[0]) &&
        Number.isFinite(range[1]) &&
        range[0] <= range[1]
      )
    ) {
      throw new SwitchyardError(
        'config',
        `${owner}: range: expected [min, max] with min <= max, got ${JSON.stringify(range)}`,
      );
    }
    this.#range = range === undefined ? undefined : [range[0], range[1]];
    this.#linearOptions = plainOptions(options.linear ?? DEFAULT_LINEAR);
    this.#residualOptions = plainOptions(options.residual ?? {});
    this.dimension = dimension;
    this.#linear = this.#makeLinear();
    this.#residual = this.#makeResidual();
  }

  /** Builds a hybrid from its {@link toJSON}; `runtime` gives the clock, scheduler, random source. */
  static fromJSON(json: JsonValue, runtime: RuntimeOptions = {}): Hybrid {
    const reader = new ModelReader('Hybrid.fromJSON');
    const root = reader.envelope(json, 'hybrid');
    let model: Hybrid;
    try {
      model = new Hybrid(root.dimension, { ...(root.options as HybridOptions), ...runtime });
    } catch (error) {
      if (!(error instanceof SwitchyardError) || error.kind !== 'config') throw error;
      throw new SwitchyardError(
        'config',
        `Hybrid.fromJSON: json.options.${error.message.replace(/^[^:]+: /, '')}`,
        { cause: error },
      );
    }
    model.#load(reader, root, runtime);
    return model;
  }

  #makeLinear(runtime: RuntimeOptions = this.#runtime): LinearModel {
    try {
      return new LinearModel(this.dimension, { ...(this.#linearOptions as LinearModelOptions), ...runtime });
    } catch (error) {
      if (!(error instanceof SwitchyardError)) throw error;
      throw new SwitchyardError('config', `Hybrid: linear: ${error.message}`, { cause: error });
    }
  }

  #makeResidual(runtime: RuntimeOptions = this.#runtime): Residual {
    const options = { seed: this.#seed, ...this.#residualOptions, ...runtime };
    try {
      return this.#residualFamily === 'forest'
        ? new RandomForest(this.dimension, options as RandomForestOptions)
        : new GradientBoosting(this.dimension, options as GradientBoostingOptions);
    } catch (error) {
      if (!(error instanceof SwitchyardError)) throw error;
      throw new SwitchyardError('config', `Hybrid: residual: ${error.message}`, { cause: error });
    }
  }

  get samples(): number {
    return this.#samples;
  }

  /** Predictions asked for unusable features (wrong length, non-finite values) or not finite. */
  get fallbacks(): number {
    return this.#fallbacks;
  }

  /** The weight of the residual model in the prediction, in [0, 1]. */
  get alpha(): number {
    return this.#alpha;
  }

  /** The linear part (to read; do not feed it directly). */
  get linear(): LinearModel {
    return this.#linear;
  }

  /** The residual model (to read its counters; do not feed it directly). */
  get residual(): MlPredictor & { readonly fits: number; readonly training: boolean } {
    return this.#residual;
  }

  #clamp(v: number): number {
    const r = this.#range;
    if (r === undefined) return v;
    return v < r[0] ? r[0] : Math.min(v, r[1]);
  }

  /**
   * `linear(x) + α·residual(x)`, clamped into `range`. Unusable features give the linear model's
   * fallback (counted in {@link fallbacks}). Never NaN.
   */
  predict(features: PredictionFeatures): number {
    if (!usableFeatures(features.values, this.dimension)) {
      this.#fallbacks++;
      return this.#clamp(this.#linear.predict(features));
    }
    const base = this.#linear.predict(features);
    const alpha = this.#alpha;
    const v = alpha > 0 ? base + alpha * this.#residual.predict(features) : base;
    if (v - v === 0) return this.#clamp(v);
    this.#fallbacks++;
    return this.#clamp(Number.isFinite(base) ? base : 0);
  }

  /** The linear model's standard deviation of the predicted mean. */
  uncertainty(features: PredictionFeatures): number {
    return this.#linear.uncertainty(features);
  }

  /**
   * Scores the residual model's prediction of this observation, records the linear model's
   * one-step-ahead residual in the residual model's window (which may start a background refit),
   * then lets the linear model learn. Never trains a tree synchronously. Observations with a
   * non-finite value or features, or a weight ≤ 0, are ignored.
   */
  observe(features: PredictionFeatures, target: PredictionTarget): void {
    const y = target.value;
    const weight = target.weight ?? 1;
    if (
      !Number.isFinite(y) ||
      !(weight > 0) ||
      !Number.isFinite(weight) ||
      !usableFeatures(features.values, this.dimension)
    )
      return;
    if (this.#linear.samples >= this.#warmup) {
      const r = y - this.#linear.predict(features);
      if (this.#residual.fits > 0) this.#score(r, this.#residual.predict(features));
      this.#residual.observe(features, { value: r, weight });
    }
    this.#linear.observe(features, target);
    this.#samples++;
  }

  #score(r: number, g: number): void {
    if (!Number.isFinite(r) || !Number.isFinite(g)) return;
    if (this.#scored === 0) {
      this.#rg = r * g;
      this.#gg = g * g;
    } else {
      this.#rg += this.#decay * (r * g - this.#rg);
      this.#gg += this.#decay * (g * g - this.#gg);
    }
    this.#scored++;
    this.#reweigh();
  }

  #reweigh(): void {
    const n = this.#scored;
    if (n === 0 || !(this.#gg > 0)) {
      this.#alpha = 0;
      return;
    }
    const ratio = Math.min(1, Math.max(0, this.#rg / this.#gg));
    const alpha = (ratio * n) / (n + this.#evidence);
    this.#alpha = Number.isFinite(alpha) ? alpha : 0;
  }

  /** Cancels a background refit of the residual model in progress. */
  stop(): void {
    this.#residual.stop();
  }

  /**
   * Replaces what the model learned: the linear model observes `rows` in order (oldest first),
   * each row's one-step-ahead residual is recorded; the residual model is fitted on the older
   * 80% of those residuals and scored on the newest 20% (which sets α), then refitted on all.
   * @throws {SwitchyardError} `config` for bad rows (naming the row and field), or when the
   * residual model's training diverged.
   */
  fit(rows: readonly TrainingRow[]): void {
    const data = datasetOf('Hybrid.fit', rows, this.dimension);
    const d = data.d;
    const scratch = this.#makeLinear();
    const residuals: TrainingRow[] = [];
    for (let i = 0; i < data.n; i++) {
      const values = data.x.subarray(i * d, (i + 1) * d);
      const y = data.y[i]!;
      if (scratch.samples >= this.#warmup) {
        residuals.push({
          features: Array.from(values),
          value: y - scratch.predict({ values }),
          weight: data.w[i]!,
        });
      }
      scratch.observe({ values }, { value: y, weight: data.w[i]! });
    }
    const linear = this.#makeLinear();
    linear.fit(rows);
    const residual = this.#makeResidual();
    let rg = 0;
    let gg = 0;
    let scored = 0;
    if (residuals.length >= 10) {
      const held = Math.max(1, Math.floor(residuals.length * 0.2));
      residual.fit(residuals.slice(0, residuals.length - held));
      for (const row of residuals.slice(residuals.length - held)) {
        const g = residual.predict({ values: Float64Array.from(row.features) });
        rg += row.value * g;
        gg += g * g;
        scored++;
      }
      rg /= scored;
      gg /= scored;
    }
    if (residuals.length > 0) residual.fit(residuals);
    this.#residual.stop();
    this.#linear = linear;
    this.#residual = residual;
    this.#rg = rg;
    this.#gg = gg;
    this.#scored = scored;
    this.#reweigh();
    this.#samples += data.n;
    this.#fits++;
  }

  toJSON(): ModelJson {
    const options: JsonObject = {
      linear: this.#linearOptions,
      residualFamily: this.#residualFamily,
      residual: this.#residualOptions,
      decay: this.#decay,
      evidence: this.#evidence,
      warmup: this.#warmup,
      seed: this.#seed,
    };
    if (this.#range !== undefined) options.range = [this.#range[0], this.#range[1]];
    return {
      format: MODEL_FORMAT,
      family: 'hybrid',
      version: MODEL_VERSION,
      dimension: this.dimension,
      samples: this.#samples,
      fits: this.#fits,
      options,
      model: {
        linear: this.#linear.toJSON(),
        residual: this.#residual.toJSON(),
        moments: { rg: this.#rg, gg: this.#gg, scored: this.#scored },
      },
    };
  }

  snapshot(): JsonValue {
    return this.toJSON();
  }

  /** Brings back a {@link toJSON} of the same dimension. Nothing changes when it throws. */
  restore(snapshot: JsonValue): void {
    const reader = new ModelReader('Hybrid.restore');
    this.#load(reader, reader.envelope(snapshot, 'hybrid', this.dimension), this.#runtime);
  }

  #load(reader: ModelReader, root: ModelJson, runtime: RuntimeOptions): void {
    const model = reader.object(root.model, 'json.model');
    const linearJson = reader.object(model.linear, 'json.model.linear');
    const residualJson = reader.object(model.residual, 'json.model.residual');
    const moments = reader.object(model.moments, 'json.model.moments');
    const rg = reader.number(moments.rg, 'json.model.moments.rg');
    const gg = reader.number(moments.gg, 'json.model.moments.gg', 0);
    const scored = reader.integer(moments.scored, 'json.model.moments.scored', 0);
    const family = this.#residualFamily;
    if (residualJson.family !== family)
      reader.fail('json.model.residual.family', `"${family}"`, residualJson.family);
    // Check both parts on copies first (a throw leaves this model unchanged), then swap them in.
    const linear = this.#part(() => {
      const copy = this.#makeLinear(runtime);
      copy.restore(linearJson);
      return copy;
    }, 'json.model.linear');
    const residual = this.#part(() => {
      const copy = this.#makeResidual(runtime);
      copy.restore(residualJson);
      return copy;
    }, 'json.model.residual');
    this.#residual.stop();
    this.#linear = linear;
    this.#residual = residual;
    this.#rg = rg;
    this.#gg = gg;
    this.#scored = scored;
    this.#samples = root.samples;
    this.#fits = root.fits;
    this.#reweigh();
  }

  #part<T>(build: () => T, path: string): T {
    try {
      return build();
    } catch (error) {
      if (!(error instanceof SwitchyardError)) throw error;
      throw new SwitchyardError(
        'config',
        `Hybrid.restore: ${path}: ${error.message.replace(/^[^:]+: (json\.)?/, '')}`,
        { cause: error },
      );
    }
  }
}

/** Options as plain JSON (functions and undefined dropped). */
function plainOptions(options: object): JsonObject {
  return JSON.parse(JSON.stringify(options)) as JsonObject;
}
