import {
  type Clock,
  type JsonValue,
  type PredictionFeatures,
  type PredictionTarget,
  type Predictor,
  SwitchyardError,
} from '../../src/index.js';
import { encodeNumber, encodeNumbers, SNAPSHOT_VERSION, SnapshotReader } from '../snapshot.js';

/** Options of {@link OnlineRidge}. */
export interface OnlineRidgeOptions {
  /**
   * Forgetting factor λ in (0, 1]: each observation multiplies the weight of all older ones by
   * λ, so the model follows drift. The memory is about `1 / (1 − λ)` observations (100 at 0.99);
   * 1 never forgets.
   * @default 0.99
   */
  readonly forgetting?: number;
  /**
   * Ridge strength: a prior that pulls every coefficient toward `prior` with the weight of this
   * many observations. It is not forgotten, so directions the data never explores stay well
   * defined (no covariance wind-up). Must be > 0.
   * @default 0.01
   */
  readonly ridge?: number;
  /**
   * Prior coefficients (one per feature), what the model predicts before it has data.
   * @default all 0
   */
  readonly prior?: readonly number[];
  /**
   * Also forget with clock time: data loses half its weight every `halfLifeMs` between
   * observations, so after a quiet spell (a target that got no traffic) the first new
   * observations count for more. Time forgets confidence, not the estimate: the ridge prior
   * moves to the current coefficients at each observation, so a model whose data has aged away
   * keeps predicting what it last learned (rather than sliding back to `prior`) and follows new
   * data quickly. Needs `clock`.
   * @default off
   */
  readonly halfLifeMs?: number;
  /** Clock for `halfLifeMs`. */
  readonly clock?: Clock;
}

/**
 * Online ridge regression with exponential forgetting: recursive least squares that minimises
 * `Σ λ^age · weight · (y − w·x)² + ridge · |w − prior|²` after every observation.
 *
 * It keeps the weighted normal equations `A = Σ λ^age·x·xᵀ + ridge·I` and `b`, and after each
 * observation re-solves `A·w = b` through a Cholesky factor. That costs O(d³/6) per observation
 * (about 90 multiply-adds for d = 8) instead of the O(d²) of a Sherman–Morrison update, but it
 * keeps the ridge prior exact under forgetting, where the classic RLS recursion lets the
 * covariance of never-excited directions grow without bound. `predict` is O(d) and
 * `uncertainty` O(d²). Memory is O(d²), allocated once.
 *
 * `uncertainty` is the standard deviation of the prediction of the mean:
 * `σ̂ · sqrt(xᵀ A⁻¹ x)`, with `σ̂²` a forgetting average of the squared residuals; it shrinks as
 * observations near `x` accumulate and is `Infinity` before the first one.
 *
 * @example
 * ```ts
 * const model = new OnlineRidge(3, { forgetting: 0.995 });
 * const x = { values: new Float64Array([1, 2, 0]) };
 * model.observe(x, { value: 420 });
 * model.predict(x); // ≈ 420
 * ```
 */
export class OnlineRidge implements Predictor {
  /** Number of features d. */
  readonly dimension: number;
  readonly #forgetting: number;
  readonly #ridge: number;
  readonly #prior: Float64Array;
  /** Data part of the normal matrix: Σ λ^age·weight·x·xᵀ, row-major d×d. */
  readonly #gram: Float64Array;
  /** Σ λ^age·weight·x·(y − prior·x). */
  readonly #moment: Float64Array;
  /** Lower Cholesky factor of gram + ridge·I, row-major d×d. */
  readonly #chol: Float64Array;
  /** Coefficients: prior + solution. */
  readonly #coef: Float64Array;
  /** Scratch vector for solves. */
  readonly #scratch: Float64Array;
  /** Forgetting sums of weights and of squared residuals (for σ̂). */
  readonly #clock: Clock | undefined;
  readonly #ln2PerMs: number = 0;
  #stamp = 0;
  #weightSum = 0;
  #residualSum = 0;
  #samples = 0;

  constructor(dimension: number, options: OnlineRidgeOptions = {}) {
    if (!Number.isInteger(dimension) || dimension < 1 || dimension > 32) {
      throw new SwitchyardError(
        'config',
        `OnlineRidge: dimension: expected a whole number in [1, 32], got ${String(dimension)}`,
      );
    }
    const forgetting = options.forgetting ?? 0.99;
    if (!(forgetting > 0 && forgetting <= 1)) {
      throw new SwitchyardError(
        'config',
        `OnlineRidge: forgetting: expected a number in (0, 1], got ${String(forgetting)}`,
      );
    }
    const ridge = options.ridge ?? 0.01;
    if (!(ridge > 0 && Number.isFinite(ridge))) {
      throw new SwitchyardError(
        'config',
        `OnlineRidge: ridge: expected a finite number > 0, got ${String(ridge)}`,
      );
    }
    const prior = options.prior ?? [];
    if (prior.length !== 0 && prior.length !== dimension) {
      throw new SwitchyardError(
        'config',
        `OnlineRidge: prior: expected ${dimension} coefficients, got ${prior.length}`,
      );
    }
    const halfLifeMs = options.halfLifeMs;
    if (halfLifeMs !== undefined) {
      if (!(halfLifeMs > 0 && Number.isFinite(halfLifeMs))) {
        throw new SwitchyardError(
          'config',
          `OnlineRidge: halfLifeMs: expected a finite number of ms > 0, got ${String(halfLifeMs)}`,
        );
      }
      if (options.clock === undefined) {
        throw new SwitchyardError('config', 'OnlineRidge: clock: expected a clock when halfLifeMs is set');
      }
      this.#clock = options.clock;
      this.#ln2PerMs = Math.LN2 / halfLifeMs;
    }
    this.dimension = dimension;
    this.#forgetting = forgetting;
    this.#ridge = ridge;
    this.#prior = new Float64Array(dimension);
    for (let i = 0; i < prior.length; i++) {
      const p = prior[i]!;
      if (!Number.isFinite(p)) {
        throw new SwitchyardError(
          'config',
          `OnlineRidge: prior[${i}]: expected a finite number, got ${String(p)}`,
        );
      }
      this.#prior[i] = p;
    }
    this.#gram = new Float64Array(dimension * dimension);
    this.#moment = new Float64Array(dimension);
    this.#chol = new Float64Array(dimension * dimension);
    this.#coef = Float64Array.from(this.#prior);
    this.#scratch = new Float64Array(dimension);
    this.#factor();
  }

  /**
   * Keeps `keep` (0–1) of the data's weight, and so of its confidence, with the estimate
   * unchanged: the next observations then move the prediction as if the model had just started
   * from it. Only with `halfLifeMs` (a model that forgets in clock time); a no-op otherwise.
   */
  discount(keep: number): void {
    if (this.#clock === undefined || this.#samples === 0 || !(keep >= 0 && keep < 1)) return;
    this.#recenter();
    const d = this.dimension;
    for (let i = 0; i < d * d; i++) this.#gram[i] = this.#gram[i]! * keep;
    for (let i = 0; i < d; i++) this.#moment[i] = this.#moment[i]! * keep;
    this.#weightSum *= keep;
    this.#residualSum *= keep;
    this.#factor();
  }

  /** Whether it forgets with clock time (`halfLifeMs` set): only then does {@link discount} act. */
  get forgetsInClockTime(): boolean {
    return this.#clock !== undefined;
  }

  /** Clock time of the last observation (with `halfLifeMs`; 0 before any, or without a clock). */
  get lastObservedAt(): number {
    return this.#stamp;
  }

  /** Number of observations so far. */
  get samples(): number {
    return this.#samples;
  }

  /** The current coefficients (a copy), in feature order. */
  coefficients(): number[] {
    return Array.from(this.#coef);
  }

  /** Learns from one observation. Non-finite values and weights ≤ 0 are ignored. */
  observe(features: PredictionFeatures, target: PredictionTarget): void {
    const x = features.values;
    const y = target.value;
    const weight = target.weight ?? 1;
    if (!Number.isFinite(y) || !(weight > 0) || !Number.isFinite(weight)) return;
    const d = this.dimension;
    // Residual before the update: the honest one-step-ahead error, for σ̂.
    const residual = y - this.predict(features);
    let lambda = this.#forgetting;
    if (this.#clock !== undefined) {
      const now = features.now ?? this.#clock.now();
      const elapsed = now - this.#stamp;
      if (elapsed > 0 && this.#samples > 0) {
        lambda *= Math.exp(-elapsed * this.#ln2PerMs);
        this.#recenter();
      }
      if (now > this.#stamp) this.#stamp = now;
    }
    this.#weightSum = this.#weightSum * lambda + weight;
    this.#residualSum = this.#residualSum * lambda + weight * residual * residual;
    const gram = this.#gram;
    const moment = this.#moment;
    const prior = this.#prior;
    let priorY = 0;
    for (let i = 0; i < d; i++) priorY += prior[i]! * x[i]!;
    const centred = y - priorY;
    for (let i = 0; i < d; i++) {
      const wx = weight * x[i]!;
      moment[i] = moment[i]! * lambda + wx * centred;
      const row = i * d;
      for (let j = 0; j <= i; j++) gram[row + j] = gram[row + j]! * lambda + wx * x[j]!;
    }
    this.#samples++;
    this.#factor();
    this.#solveInto(moment, this.#coef);
    for (let i = 0; i < d; i++) this.#coef[i] = this.#coef[i]! + prior[i]!;
  }

  /**
   * Moves the ridge prior to the current coefficients. The moment is kept relative to the prior
   * (`Σ w·x·(y − prior·x)`), so it shifts by `gram·Δprior`. O(d²).
   */
  #recenter(): void {
    const d = this.dimension;
    const gram = this.#gram;
    const delta = this.#scratch;
    for (let i = 0; i < d; i++) delta[i] = this.#coef[i]! - this.#prior[i]!;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (i >= j ? gram[i * d + j]! : gram[j * d + i]!) * delta[j]!;
      this.#moment[i] = this.#moment[i]! - s;
    }
    for (let i = 0; i < d; i++) this.#prior[i] = this.#coef[i]!;
  }

  /**
   * What the model has learned, as JSON: the weighted normal equations (the gram matrix's lower
   * triangle, row by row, and the moment), the coefficients, the ridge prior they are centred on
   * (it moves with `halfLifeMs`), the sums behind `uncertainty`, the sample count and the clock
   * time of the last observation (absolute, on the clock given in the options). Options are not
   * part of it: a model restores into one built with its own options. O(d²).
   *
   * @example
   * ```ts
   * const copy = new OnlineRidge(3, { forgetting: 0.995 });
   * copy.restore(JSON.parse(JSON.stringify(model.snapshot())));
   * copy.predict(x) === model.predict(x); // true
   * ```
   */
  snapshot(): JsonValue {
    const d = this.dimension;
    const gram: (number | string)[] = [];
    for (let i = 0; i < d; i++) gram.push(...encodeNumbers(this.#gram, i * d, i * d + i + 1));
    return {
      version: SNAPSHOT_VERSION,
      dimension: d,
      samples: this.#samples,
      stamp: encodeNumber(this.#stamp),
      weightSum: encodeNumber(this.#weightSum),
      residualSum: encodeNumber(this.#residualSum),
      prior: encodeNumbers(this.#prior),
      coefficients: encodeNumbers(this.#coef),
      gram,
      moment: encodeNumbers(this.#moment),
    };
  }

  /**
   * Replaces what the model has learned with a {@link snapshot} of a model of the same dimension.
   * Nothing changes when it throws.
   * @throws {SwitchyardError} `config` when `snapshot` is malformed, of another version or of
   * another dimension (the message names the field: `OnlineRidge: snapshot.gram[4]: expected …`).
   */
  restore(snapshot: JsonValue): void {
    const read = new SnapshotReader('OnlineRidge');
    const root = read.root(snapshot);
    const d = this.dimension;
    if (root.dimension !== d) read.fail('snapshot.dimension', String(d), root.dimension);
    const samples = read.number(root.samples, 'snapshot.samples', 'count');
    const stamp = read.number(root.stamp, 'snapshot.stamp', 'finite');
    const weightSum = read.number(root.weightSum, 'snapshot.weightSum', 'nonNegative');
    const residualSum = read.number(root.residualSum, 'snapshot.residualSum', 'nonNegative');
    const prior = read.numbers(root.prior, 'snapshot.prior', d, 'finite');
    const coefficients = read.numbers(root.coefficients, 'snapshot.coefficients', d, 'finite');
    const gram = read.numbers(root.gram, 'snapshot.gram', (d * (d + 1)) / 2, 'finite');
    const moment = read.numbers(root.moment, 'snapshot.moment', d, 'finite');
    this.#samples = samples;
    this.#stamp = stamp;
    this.#weightSum = weightSum;
    this.#residualSum = residualSum;
    this.#prior.set(prior);
    this.#coef.set(coefficients);
    this.#moment.set(moment);
    let k = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) this.#gram[i * d + j] = gram[k++]!;
    this.#factor();
  }

  /** Predicts `w·x`. O(d). */
  predict(features: PredictionFeatures): number {
    const x = features.values;
    const coef = this.#coef;
    let sum = 0;
    for (let i = 0; i < this.dimension; i++) sum += coef[i]! * x[i]!;
    return sum;
  }

  /**
   * Standard deviation of the predicted mean at `features`: `σ̂ · sqrt(xᵀ A⁻¹ x)`. `Infinity`
   * before the first observation; shrinks as data near `x` accumulates. O(d²).
   */
  uncertainty(features: PredictionFeatures): number {
    if (this.#samples === 0) return Number.POSITIVE_INFINITY;
    // xᵀ A⁻¹ x = |L⁻¹ x|², one forward substitution.
    const x = features.values;
    const d = this.dimension;
    const chol = this.#chol;
    const z = this.#scratch;
    let quad = 0;
    for (let i = 0; i < d; i++) {
      let s = x[i]!;
      const row = i * d;
      for (let k = 0; k < i; k++) s -= chol[row + k]! * z[k]!;
      const zi = s / chol[row + i]!;
      z[i] = zi;
      quad += zi * zi;
    }
    const variance = this.#residualSum / this.#weightSum;
    return Math.sqrt(variance * quad);
  }

  /** Cholesky factor of gram + ridge·I (lower triangle only; the gram is kept lower too). */
  #factor(): void {
    const d = this.dimension;
    const gram = this.#gram;
    const chol = this.#chol;
    const ridge = this.#ridge;
    for (let i = 0; i < d; i++) {
      const rowI = i * d;
      for (let j = 0; j <= i; j++) {
        const rowJ = j * d;
        let s = gram[rowI + j]! + (i === j ? ridge : 0);
        for (let k = 0; k < j; k++) s -= chol[rowI + k]! * chol[rowJ + k]!;
        // The ridge keeps the matrix positive definite; the guard only absorbs rounding.
        chol[rowI + j] = i === j ? Math.sqrt(Math.max(s, ridge * 1e-12)) : s / chol[rowJ + j]!;
      }
    }
  }

  /** Solves (L·Lᵀ)·out = rhs. */
  #solveInto(rhs: Float64Array, out: Float64Array): void {
    const d = this.dimension;
    const chol = this.#chol;
    const z = this.#scratch;
    for (let i = 0; i < d; i++) {
      let s = rhs[i]!;
      const row = i * d;
      for (let k = 0; k < i; k++) s -= chol[row + k]! * z[k]!;
      z[i] = s / chol[row + i]!;
    }
    for (let i = d - 1; i >= 0; i--) {
      let s = z[i]!;
      for (let k = i + 1; k < d; k++) s -= chol[k * d + i]! * out[k]!;
      out[i] = s / chol[i * d + i]!;
    }
  }
}
