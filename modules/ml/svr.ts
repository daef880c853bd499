import type { JsonValue, RandomSource } from '../../src/index.js';
import { type Dataset, meanAndScale, shuffled } from './data.js';
import { type JsonObject, type ModelReader, plain } from './json.js';
import {
  type FittedModel,
  modelFromJson,
  OnlineModel,
  type OnlineOptions,
  type RuntimeOptions,
} from './online-model.js';
import { choiceOption, numberOption, wholeOption } from './options.js';
import { Standardizer } from './standardize.js';

/** The kernel of {@link SupportVectorRegression}: `linear`, or `rbf` through random Fourier features. */
export type SvrKernel = 'linear' | 'rbf';

/** Options of {@link SupportVectorRegression}. */
export interface SupportVectorRegressionOptions extends OnlineOptions {
  /** @default 'rbf' */
  readonly kernel?: SvrKernel;
  /** Random Fourier features approximating the RBF kernel (ignored for `linear`). @default 32 */
  readonly components?: number;
  /**
   * RBF width γ in `exp(−γ·|x − x'|²)` on standardised features.
   * @default 1 / (number of features that vary in the training rows), set at each fit
   */
  readonly gamma?: number;
  /** Half-width of the ε-insensitive tube, in standard deviations of the target. @default 0.1 */
  readonly epsilon?: number;
  /** Regularisation strength λ. @default 1e-4 */
  readonly lambda?: number;
  /** Passes over the training rows. @default 20 */
  readonly epochs?: number;
}

/** A fitted SVR: standardise, map (identity or Fourier features), dot product, unscale. */
class SvrModel implements FittedModel {
  readonly #z: Float64Array;

  constructor(
    readonly standardizer: Standardizer,
    /** Fourier frequencies, row-major `components × d` (empty for linear). */
    readonly omega: Float64Array,
    /** Fourier phases (empty for linear). */
    readonly phase: Float64Array,
    readonly weights: Float64Array,
    readonly bias: number,
    readonly yMean: number,
    readonly yScale: number,
  ) {
    this.#z = new Float64Array(standardizer.mean.length);
  }

  predict(x: Float64Array): number {
    const z = this.#z;
    this.standardizer.apply(x, z);
    return score(z, this.omega, this.phase, this.weights, this.bias) * this.yScale + this.yMean;
  }

  toJSON(): JsonValue {
    return {
      standardizer: this.standardizer.toJSON(),
      omega: plain(this.omega),
      phase: plain(this.phase),
      weights: plain(this.weights),
      bias: this.bias,
      yMean: this.yMean,
      yScale: this.yScale,
    };
  }
}

/**
 * `w·φ(z) + b` with φ(z) = z (linear) or `[z, cos(Ω z + β)]` (rbf: the linear features and the
 * Fourier features; the √(2/D) is folded into w). `weights` has d entries, then one per phase.
 */
function score(
  z: Float64Array,
  omega: Float64Array,
  phase: Float64Array,
  weights: Float64Array,
  bias: number,
): number {
  const d = z.length;
  let s = bias;
  for (let j = 0; j < d; j++) s += weights[j]! * z[j]!;
  for (let k = 0; k < phase.length; k++) {
    let a = phase[k]!;
    const row = k * d;
    for (let j = 0; j < d; j++) a += omega[row + j]! * z[j]!;
    s += weights[d + k]! * Math.cos(a);
  }
  return s;
}

/** A standard normal draw (Box–Muller). */
function gaussian(random: RandomSource): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * ε-insensitive support vector regression in the primal, solved Pegasos-style: stochastic
 * sub-gradient steps on `λ/2·|w|² + mean(max(0, |y − w·φ(x) − b| − ε))` with a decreasing step
 * `1 / (λ·(t + t₀))` and the average of the iterates after the first epoch as the answer.
 * Features and target are standardised. `kernel: 'linear'` uses φ(z) = z; `'rbf'` adds to the
 * features `components` random Fourier features approximating the Gaussian kernel
 * (`√(2/K)·cos(ω_k·z + β_k)`, ω ~ N(0, 2γ·I), β ~ U[0, 2π)), drawn from the fit's random source.
 * The RBF map is smooth: with a few dozen components it follows a sharp step only roughly (see
 * docs/ml.md), but it is the cheapest non-linear family to fit.
 *
 * Online: keeps the last `window` observations and refits in the background every `refitEvery`
 * of them, one epoch per slice step (see {@link OnlineOptions}).
 *
 * Cost: predict O(d) linear, O(K·d) + K cosines for rbf; a fit O(epochs × n × (d + K)).
 * Memory: the window (`window × (d + 2) × 8` bytes) plus `K·(d + 2) + 3d + 3` numbers for the
 * model (rbf, K = 32, d = 6: 2.1 KB) and, while training, the mapped rows
 * (`window × (d + K) × 8` bytes: 300 KB for 1000 rows).
 */
export class SupportVectorRegression extends OnlineModel<SvrModel> {
  readonly family = 'svr' as const;
  readonly #kernel: SvrKernel;
  readonly #components: number;
  readonly #gamma: number | undefined;
  readonly #epsilon: number;
  readonly #lambda: number;
  readonly #epochs: number;

  constructor(dimension: number, options: SupportVectorRegressionOptions = {}) {
    super('SupportVectorRegression', dimension, options);
    const owner = 'SupportVectorRegression';
    this.#kernel = choiceOption(owner, 'kernel', options.kernel, 'rbf', ['linear', 'rbf']);
    this.#components = wholeOption(owner, 'components', options.components, 32, 1, 4096);
    this.#gamma =
      options.gamma === undefined ? undefined : numberOption(owner, 'gamma', options.gamma, 1, 0, 1e6, true);
    this.#epsilon = numberOption(owner, 'epsilon', options.epsilon, 0.1, 0, 100);
    this.#lambda = numberOption(owner, 'lambda', options.lambda, 1e-4, 0, 100, true);
    this.#epochs = wholeOption(owner, 'epochs', options.epochs, 20, 1, 10_000);
  }

  /** Builds a model from its {@link toJSON}; `runtime` gives the clock, scheduler, random source. */
  static fromJSON(json: JsonValue, runtime: RuntimeOptions = {}): SupportVectorRegression {
    return modelFromJson(SupportVectorRegression, 'SupportVectorRegression', 'svr', json, runtime);
  }

  protected *train(data: Dataset, random: RandomSource): Generator<void, SvrModel | undefined> {
    const { n, d, w } = data;
    const standardizer = Standardizer.fit(data);
    const z = standardizer.applyAll(data);
    const [yMean, yScale] = meanAndScale(data.y, w);
    const rbf = this.#kernel === 'rbf';
    const K = rbf ? this.#components : 0;
    const D = d + K;
    const omega = new Float64Array(K * d);
    const phase = new Float64Array(K);
    let varying = 0;
    for (let j = 0; j < d; j++) {
      for (let i = 1; i < n; i++) {
        if (data.x[i * d + j] !== data.x[j]) {
          varying++;
          break;
        }
      }
    }
    const sd = Math.sqrt(2 * (this.#gamma ?? 1 / Math.max(1, varying)));
    for (let k = 0; k < omega.length; k++) omega[k] = sd * gaussian(random);
    for (let k = 0; k < phase.length; k++) phase[k] = 2 * Math.PI * random();
    // Mapped rows φ(x_i), row-major n × D: the standardised features, then √(2/K)·cos(ω_k·z + β_k)
    // (so that the Fourier part has a norm of about 1, like the features).
    const phi = new Float64Array(n * D);
    const norm = K > 0 ? Math.sqrt(2 / K) : 1;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) phi[i * D + j] = z[i * d + j]!;
      for (let k = 0; k < K; k++) {
        let a = phase[k]!;
        for (let j = 0; j < d; j++) a += omega[k * d + j]! * z[i * d + j]!;
        phi[i * D + d + k] = norm * Math.cos(a);
      }
    }
    yield;
    const lambda = this.#lambda;
    const epsilon = this.#epsilon;
    // t₀ keeps the first steps at most ~0.1 (Pegasos' 1/(λt) starts enormous for small λ).
    const t0 = 10 / lambda;
    const weights = new Float64Array(D);
    const average = new Float64Array(D);
    let bias = 0;
    let averageBias = 0;
    let averaged = 0;
    let t = 0;
    const order = new Int32Array(n);
    let meanWeight = 0;
    for (let i = 0; i < n; i++) meanWeight += w[i]! / n;
    for (let epoch = 0; epoch < this.#epochs; epoch++) {
      shuffled(n, random, order);
      for (let s = 0; s < n; s++) {
        const i = order[s]!;
        t++;
        const eta = 1 / (lambda * (t + t0));
        let r = (data.y[i]! - yMean) / yScale - bias;
        const row = i * D;
        for (let k = 0; k < D; k++) r -= weights[k]! * phi[row + k]!;
        const shrink = 1 - eta * lambda;
        for (let k = 0; k < D; k++) weights[k] = weights[k]! * shrink;
        if (r > epsilon || r < -epsilon) {
          const g = eta * (r > 0 ? 1 : -1) * (w[i]! / meanWeight);
          for (let k = 0; k < D; k++) weights[k] = weights[k]! + g * phi[row + k]!;
          bias += g;
        }
        if (epoch > 0 || this.#epochs === 1) {
          averaged++;
          const a = 1 / averaged;
          for (let k = 0; k < D; k++) average[k] = average[k]! + a * (weights[k]! - average[k]!);
          averageBias += a * (bias - averageBias);
        }
      }
      yield;
    }
    for (let k = 0; k < D; k++) {
      if (k >= d) average[k] = average[k]! * norm;
      if (!Number.isFinite(average[k]!)) return undefined;
    }
    if (!Number.isFinite(averageBias)) return undefined;
    return new SvrModel(standardizer, omega, phase, average, averageBias, yMean, yScale);
  }

  protected readModel(reader: ModelReader, json: JsonValue, path: string): SvrModel {
    const root = reader.object(json, path);
    const d = this.dimension;
    const standardizer = Standardizer.read(
      reader,
      reader.object(root.standardizer, `${path}.standardizer`),
      `${path}.standardizer`,
      d,
    );
    const phase = reader.numbers(root.phase, `${path}.phase`);
    const D = d + phase.length;
    const omega = reader.numbers(root.omega, `${path}.omega`, phase.length * d);
    const weights = reader.numbers(root.weights, `${path}.weights`, D);
    const bias = reader.number(root.bias, `${path}.bias`);
    const yMean = reader.number(root.yMean, `${path}.yMean`);
    const yScale = reader.number(root.yScale, `${path}.yScale`);
    if (!(yScale > 0)) reader.fail(`${path}.yScale`, 'a number > 0', yScale);
    return new SvrModel(standardizer, omega, phase, weights, bias, yMean, yScale);
  }

  protected familyOptions(): JsonObject {
    return {
      kernel: this.#kernel,
      components: this.#components,
      ...(this.#gamma === undefined ? {} : { gamma: this.#gamma }),
      epsilon: this.#epsilon,
      lambda: this.#lambda,
      epochs: this.#epochs,
    };
  }
}
