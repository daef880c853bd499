import {
  type JsonValue,
  type PredictionFeatures,
  type PredictionTarget,
  SwitchyardError,
} from '../../src/index.js';
import { datasetOf, sliceDataset, type TrainingRow, usableFeatures } from './data.js';
import { MODEL_FORMAT, MODEL_VERSION, type ModelJson, ModelReader, plain } from './json.js';
import { createSingle, readSingle, type SingleFamily, type SingleFamilyOptions } from './members.js';
import type { MlPredictor, RuntimeOptions } from './online-model.js';
import { numberOption, wholeOption } from './options.js';

/** One member of an {@link Ensemble}: a family and its options. */
export type EnsembleMember = {
  [F in SingleFamily]: { readonly family: F; readonly options?: SingleFamilyOptions[F] };
}[SingleFamily];

/** Options of {@link Ensemble}. */
export interface EnsembleOptions extends RuntimeOptions {
  /**
   * The members (their runtime options come from the ensemble's; a member without `seed` gets
   * the ensemble's seed + its index). @default linear, forest, boosting
   */
  readonly members?: readonly EnsembleMember[];
  /** Weight of the newest residual in each member's error average (0–1). @default 0.02 */
  readonly decay?: number;
  /** Weights are `error^−power`, normalised. @default 2 */
  readonly power?: number;
  /** Fraction of the rows `fit` holds out (the newest) to set the first weights. @default 0.2 */
  readonly validation?: number;
  /** Seed of the members. @default 1 */
  readonly seed?: number;
}

const DEFAULT_MEMBERS: readonly EnsembleMember[] = [
  { family: 'linear' },
  { family: 'forest' },
  { family: 'boosting' },
];

/**
 * An error-weighted blend of other families. Every member learns from every observation; before
 * it does, the ensemble scores each member's prediction of it (a one-step-ahead, out-of-sample
 * residual) into an exponentially weighted mean absolute error (newest weight `decay`), and
 * blends the members with weights `∝ error^−power`. `fit` fits the members on the older rows,
 * sets the errors from the newest `validation` fraction, then refits the members on all rows.
 * `uncertainty` combines the members' own (where they have one) with their disagreement.
 *
 * Cost: the sum of the members' (predict and observe). Memory: the members' plus 2 numbers each.
 *
 * @example
 * ```ts
 * const blend = new Ensemble(6, { members: [{ family: 'linear' }, { family: 'forest', options: { trees: 30 } }] });
 * blend.fit(rows);
 * blend.weights(); // e.g. [0.2, 0.8]
 * ```
 */
export class Ensemble implements MlPredictor {
  readonly family = 'ensemble' as const;
  readonly dimension: number;
  readonly #members: MlPredictor[];
  readonly #specs: readonly EnsembleMember[];
  readonly #errors: Float64Array;
  readonly #weights: Float64Array;
  readonly #decay: number;
  readonly #power: number;
  readonly #validation: number;
  readonly #seed: number;
  #fallbacks = 0;
  #fits = 0;
  #samples = 0;

  constructor(dimension: number, options: EnsembleOptions = {}) {
    const owner = 'Ensemble';
    const specs = options.members ?? DEFAULT_MEMBERS;
    if (!Array.isArray(specs) || specs.length === 0) {
      throw new SwitchyardError(
        'config',
        `${owner}: members: expected at least one member, got ${JSON.stringify(specs)}`,
      );
    }
    this.#decay = numberOption(owner, 'decay', options.decay, 0.02, 0, 1, true);
    this.#power = numberOption(owner, 'power', options.power, 2, 0, 16);
    this.#validation = numberOption(owner, 'validation', options.validation, 0.2, 0, 0.9, true);
    this.#seed = wholeOption(owner, 'seed', options.seed, 1, 0, 2 ** 32 - 1);
    const runtime: RuntimeOptions = {
      clock: options.clock,
      random: options.random,
      scheduler: options.scheduler,
      timer: options.timer,
    };
    this.#members = specs.map((spec, i) => {
      const family = spec?.family as string;
      if (family === 'ensemble')
        throw new SwitchyardError('config', `${owner}: members[${i}].family: an ensemble cannot be a member`);
      const own = (spec.options ?? {}) as { seed?: number };
      const seeded = family === 'linear' ? {} : { seed: own.seed ?? this.#seed + i };
      try {
        return createSingle(spec.family, dimension, { ...spec.options, ...seeded, ...runtime } as never);
      } catch (error) {
        if (!(error instanceof SwitchyardError)) throw error;
        throw new SwitchyardError('config', `${owner}: members[${i}]: ${error.message}`, { cause: error });
      }
    });
    this.#specs = specs.map(
      (s) => JSON.parse(JSON.stringify({ family: s.family, options: s.options ?? {} })) as EnsembleMember,
    );
    this.dimension = dimension;
    this.#errors = new Float64Array(specs.length).fill(Number.NaN);
    this.#weights = new Float64Array(specs.length).fill(1 / specs.length);
  }

  /** Builds an ensemble (and its members) from its {@link toJSON}. */
  static fromJSON(json: JsonValue, runtime: RuntimeOptions = {}): Ensemble {
    const reader = new ModelReader('Ensemble.fromJSON');
    const root = reader.envelope(json, 'ensemble');
    let model: Ensemble;
    try {
      model = new Ensemble(root.dimension, { ...(root.options as EnsembleOptions), ...runtime });
    } catch (error) {
      if (!(error instanceof SwitchyardError) || error.kind !== 'config') throw error;
      throw new SwitchyardError(
        'config',
        `Ensemble.fromJSON: json.options.${error.message.replace(/^[^:]+: /, '')}`,
        { cause: error },
      );
    }
    model.#load(reader, root, runtime);
    return model;
  }

  get samples(): number {
    return this.#samples;
  }

  /**
   * Predictions asked for unusable features (wrong length, non-finite values) or whose blend was
   * not finite; the members count their own fallbacks too.
   */
  get fallbacks(): number {
    return this.#fallbacks;
  }

  /** The members, in order (to read their counters; do not feed them directly). */
  get members(): readonly MlPredictor[] {
    return this.#members;
  }

  /** The current blend weights, in member order. */
  weights(): number[] {
    return Array.from(this.#weights);
  }

  predict(features: PredictionFeatures): number {
    const members = this.#members;
    const weights = this.#weights;
    // Members fall back on bad features themselves; the ensemble counts it once too.
    if (!usableFeatures(features.values, this.dimension)) this.#fallbacks++;
    let s = 0;
    for (let i = 0; i < members.length; i++) s += weights[i]! * members[i]!.predict(features);
    if (s - s === 0) return s;
    this.#fallbacks++;
    // Members never return NaN, so this is an overflow: fall back to the plain mean.
    let mean = 0;
    for (const m of members) mean += m.predict(features) / members.length;
    return Number.isFinite(mean) ? mean : 0;
  }

  /** `sqrt(Σ wᵢ·(σᵢ² + (μᵢ − μ)²))`, σᵢ from members that have an uncertainty (0 otherwise). */
  uncertainty(features: PredictionFeatures): number {
    const members = this.#members;
    const weights = this.#weights;
    const mu = this.predict(features);
    let v = 0;
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      const sigma = m.uncertainty?.(features) ?? 0;
      const diff = m.predict(features) - mu;
      v += weights[i]! * (sigma * sigma + diff * diff);
    }
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : Math.sqrt(v);
  }

  observe(features: PredictionFeatures, target: PredictionTarget): void {
    const y = target.value;
    if (!Number.isFinite(y) || !usableFeatures(features.values, this.dimension)) return;
    const members = this.#members;
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      if (m.samples > 0) this.#score(i, Math.abs(y - m.predict(features)));
      m.observe(features, target);
    }
    this.#samples++;
    this.#reweigh();
  }

  #score(i: number, error: number): void {
    const e = this.#errors[i]!;
    this.#errors[i] = Number.isNaN(e) ? error : e + this.#decay * (error - e);
  }

  #reweigh(): void {
    const errors = this.#errors;
    const weights = this.#weights;
    let floor = Number.POSITIVE_INFINITY;
    for (const e of errors) if (e > 0 && e < floor) floor = e;
    // Members not yet scored get the worst known error; a perfect member the smallest positive one.
    let worst = 0;
    for (const e of errors) if (e > worst) worst = e;
    let total = 0;
    for (let i = 0; i < errors.length; i++) {
      let e = errors[i]!;
      if (Number.isNaN(e)) e = worst;
      e = Math.max(e, Number.isFinite(floor) ? floor * 1e-3 : 1e-12, 1e-12);
      const w = e ** -this.#power;
      weights[i] = w;
      total += w;
    }
    for (let i = 0; i < weights.length; i++)
      weights[i] = total > 0 && Number.isFinite(total) ? weights[i]! / total : 1 / weights.length;
  }

  /**
   * Fits the members on the older rows, scores them on the newest `validation` fraction (their
   * mean absolute error sets the weights), then refits them on all rows.
   * @throws {SwitchyardError} `config` for bad rows (see the members' `fit`).
   */
  fit(rows: readonly TrainingRow[]): void {
    const data = datasetOf('Ensemble.fit', rows, this.dimension);
    const held = data.n >= 10 ? Math.max(1, Math.floor(data.n * this.#validation)) : 0;
    const d = data.d;
    if (held > 0) {
      const older = rows.slice(0, data.n - held);
      const newer = sliceDataset(data, data.n - held, data.n);
      for (let i = 0; i < this.#members.length; i++) {
        const m = this.#members[i]!;
        m.fit(older);
        let sum = 0;
        let weight = 0;
        for (let r = 0; r < newer.n; r++) {
          const p = m.predict({ values: newer.x.subarray(r * d, (r + 1) * d) });
          sum += newer.w[r]! * Math.abs(newer.y[r]! - p);
          weight += newer.w[r]!;
        }
        this.#errors[i] = sum / weight;
      }
      this.#reweigh();
    }
    for (const m of this.#members) m.fit(rows);
    this.#samples += data.n;
    this.#fits++;
  }

  toJSON(): ModelJson {
    return {
      format: MODEL_FORMAT,
      family: 'ensemble',
      version: MODEL_VERSION,
      dimension: this.dimension,
      samples: this.#samples,
      fits: this.#fits,
      options: {
        members: this.#specs as unknown as JsonValue,
        decay: this.#decay,
        power: this.#power,
        validation: this.#validation,
        seed: this.#seed,
      },
      model: {
        errors: plain(this.#errors).map((e) => (Number.isNaN(e) ? null : e)),
        members: this.#members.map((m) => m.toJSON()),
      },
    };
  }

  snapshot(): JsonValue {
    return this.toJSON();
  }

  /** Brings back a {@link toJSON} with the same members. Nothing changes when it throws. */
  restore(snapshot: JsonValue): void {
    const reader = new ModelReader('Ensemble.restore');
    this.#load(reader, reader.envelope(snapshot, 'ensemble', this.dimension), {});
  }

  #load(reader: ModelReader, root: ModelJson, runtime: RuntimeOptions): void {
    const model = reader.object(root.model, 'json.model');
    const members = model.members;
    if (!Array.isArray(members) || members.length !== this.#members.length) {
      reader.fail('json.model.members', `an array of ${this.#members.length} models`, members);
    }
    const errors = model.errors;
    if (!Array.isArray(errors) || errors.length !== this.#members.length) {
      reader.fail('json.model.errors', `an array of ${this.#members.length} numbers or nulls`, errors);
    }
    const read = errors.map((e, i) =>
      e === null ? Number.NaN : reader.number(e, `json.model.errors[${i}]`, 0),
    );
    // Check every member first (a throw leaves this ensemble unchanged), then restore them.
    for (let i = 0; i < members.length; i++) {
      const family = this.#members[i]!.family;
      const json = members[i]!;
      const m = reader.object(json, `json.model.members[${i}]`);
      if (m.family !== family) reader.fail(`json.model.members[${i}].family`, `"${family}"`, m.family);
      readSingle(json, runtime, `Ensemble: json.model.members[${i}]`);
    }
    for (let i = 0; i < members.length; i++) this.#members[i]!.restore(members[i]!);
    this.#errors.set(read);
    this.#samples = root.samples;
    this.#fits = root.fits;
    this.#reweigh();
  }
}
