import { type JsonValue, type RandomSource, SwitchyardError } from '../../src/index.js';
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

/** The loss of the {@link NeuralNetwork}: `squared` for a quantity, `log` for a 0/1 outcome (sigmoid output). */
export type NeuralNetworkLoss = 'squared' | 'log';

/** Options of {@link NeuralNetwork}. */
export interface NeuralNetworkOptions extends OnlineOptions {
  /** Sizes of the hidden layers (one or two, ReLU). @default [16] */
  readonly hidden?: readonly number[];
  /** Adam's step size. @default 0.01 */
  readonly learningRate?: number;
  /** Rows per Adam step. @default 32 */
  readonly batchSize?: number;
  /** Most passes over the training rows. @default 200 */
  readonly maxEpochs?: number;
  /** Stop after this many epochs without a better held-out loss (the best weights are kept). @default 10 */
  readonly patience?: number;
  /** Fraction of the rows held out for early stopping: the newest ones. @default 0.15 */
  readonly validation?: number;
  /** The loss. @default 'squared' */
  readonly loss?: NeuralNetworkLoss;
}

/** A fitted network. Holds scratch buffers: one prediction at a time (JavaScript is single-threaded). */
class MlpModel implements FittedModel {
  readonly #buffers: Float64Array[];

  constructor(
    readonly standardizer: Standardizer,
    readonly sizes: readonly number[],
    readonly params: Float64Array,
    readonly yMean: number,
    readonly yScale: number,
    readonly logistic: boolean,
  ) {
    this.#buffers = sizes.map((s) => new Float64Array(s));
  }

  predict(x: Float64Array): number {
    const buffers = this.#buffers;
    this.standardizer.apply(x, buffers[0]!);
    const out = forward(this.sizes, this.params, buffers);
    return this.logistic ? 1 / (1 + Math.exp(-out)) : out * this.yScale + this.yMean;
  }

  toJSON(): JsonValue {
    return {
      standardizer: this.standardizer.toJSON(),
      sizes: [...this.sizes],
      params: plain(this.params),
      yMean: this.yMean,
      yScale: this.yScale,
    };
  }
}

/** Number of parameters of a network of layer `sizes`. */
function parameterCount(sizes: readonly number[]): number {
  let p = 0;
  for (let l = 0; l + 1 < sizes.length; l++) p += sizes[l + 1]! * (sizes[l]! + 1);
  return p;
}

/**
 * Forward pass: `acts[0]` holds the input; fills `acts[1..]` (ReLU on hidden layers) and returns
 * the output's pre-activation. Layer l's parameters: weights row-major `out × in`, then biases.
 */
function forward(sizes: readonly number[], params: Float64Array, acts: Float64Array[]): number {
  let p = 0;
  const last = sizes.length - 2;
  for (let l = 0; l <= last; l++) {
    const n = sizes[l]!;
    const m = sizes[l + 1]!;
    const input = acts[l]!;
    const output = acts[l + 1]!;
    const bias = p + m * n;
    for (let k = 0; k < m; k++) {
      let z = params[bias + k]!;
      const row = p + k * n;
      for (let j = 0; j < n; j++) z += params[row + j]! * input[j]!;
      output[k] = l < last && z < 0 ? 0 : z;
    }
    p = bias + m;
  }
  return acts[sizes.length - 1]![0]!;
}

/**
 * A small multilayer perceptron: one or two ReLU hidden layers on standardised features (and a
 * standardised target for squared loss; a sigmoid output and log loss for 0/1 outcomes), trained
 * with Adam on mini-batches, stopping early when the loss on a held-out slice (the newest
 * `validation` fraction of the rows, never shuffled into training) stops improving; the weights
 * of the best epoch are kept.
 *
 * Online: keeps the last `window` observations and refits in the background every `refitEvery`
 * of them, one epoch per slice step (see {@link OnlineOptions}).
 *
 * Cost: predict O(d·h₁ + h₁·h₂ + h); a fit O(epochs × n × parameters).
 * Memory: the window (`window × (d + 2) × 8` bytes) plus the parameters (`(d+1)·h₁ + (h₁+1)·h₂
 * + h₂ + 1` numbers, 8 bytes each; with d = 8 and h = [16]: 161, 1.3 KB), four times that while
 * training (Adam's moments, the best weights).
 *
 * @example
 * ```ts
 * const net = new NeuralNetwork(6, { hidden: [16, 8], seed: 3 });
 * net.fit(rows);
 * ```
 */
export class NeuralNetwork extends OnlineModel<MlpModel> {
  readonly family = 'mlp' as const;
  readonly #hidden: readonly number[];
  readonly #learningRate: number;
  readonly #batchSize: number;
  readonly #maxEpochs: number;
  readonly #patience: number;
  readonly #validation: number;
  readonly #loss: NeuralNetworkLoss;
  #epochs = 0;

  constructor(dimension: number, options: NeuralNetworkOptions = {}) {
    super('NeuralNetwork', dimension, options);
    const owner = 'NeuralNetwork';
    const hidden = options.hidden ?? [16];
    if (!Array.isArray(hidden) || hidden.length < 1 || hidden.length > 2) {
      throw new SwitchyardError(
        'config',
        `${owner}: hidden: expected one or two layer sizes, got ${JSON.stringify(hidden)}`,
      );
    }
    this.#hidden = hidden.map((h, i) => wholeOption(owner, `hidden[${i}]`, h, 16, 1, 1024));
    this.#learningRate = numberOption(owner, 'learningRate', options.learningRate, 0.01, 0, 1, true);
    this.#batchSize = wholeOption(owner, 'batchSize', options.batchSize, 32, 1);
    this.#maxEpochs = wholeOption(owner, 'maxEpochs', options.maxEpochs, 200, 1);
    this.#patience = wholeOption(owner, 'patience', options.patience, 10, 1);
    this.#validation = numberOption(owner, 'validation', options.validation, 0.15, 0, 0.5);
    this.#loss = choiceOption(owner, 'loss', options.loss, 'squared', ['squared', 'log']);
  }

  /** Builds a network from its {@link toJSON}; `runtime` gives the clock, scheduler, random source. */
  static fromJSON(json: JsonValue, runtime: RuntimeOptions = {}): NeuralNetwork {
    return modelFromJson(NeuralNetwork, 'NeuralNetwork', 'mlp', json, runtime);
  }

  /** Epochs the last completed fit ran (early stopping ends a fit before `maxEpochs`). */
  get epochs(): number {
    return this.#epochs;
  }

  protected *train(data: Dataset, random: RandomSource): Generator<void, MlpModel | undefined> {
    const { n, d, w } = data;
    const logistic = this.#loss === 'log';
    const standardizer = Standardizer.fit(data);
    const x = standardizer.applyAll(data);
    const [yMean, yScale] = logistic ? [0, 1] : meanAndScale(data.y, w);
    const y = data.y.map((v) => (v - yMean) / yScale);
    const sizes = [d, ...this.#hidden, 1];
    const count = parameterCount(sizes);
    const params = new Float64Array(count);
    let p = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const fanIn = sizes[l]!;
      const fanOut = sizes[l + 1]!;
      const a = Math.sqrt(6 / (fanIn + fanOut));
      for (let k = 0; k < fanIn * fanOut; k++) params[p + k] = (2 * random() - 1) * a;
      p += fanOut * (fanIn + 1);
    }
    const validation = n >= 20 ? Math.max(1, Math.floor(n * this.#validation)) : 0;
    const trainRows = n - validation;
    const acts = sizes.map((s) => new Float64Array(s));
    const deltas = sizes.map((s) => new Float64Array(s));
    const grad = new Float64Array(count);
    const m1 = new Float64Array(count);
    const m2 = new Float64Array(count);
    let best = params.slice();
    let bestLoss = Number.POSITIVE_INFINITY;
    let bad = 0;
    let step = 0;
    const order = new Int32Array(trainRows);
    const lossOf = (out: number, target: number): number => {
      if (!logistic) return (out - target) ** 2;
      const prob = Math.min(1 - 1e-12, Math.max(1e-12, 1 / (1 + Math.exp(-out))));
      return -(target * Math.log(prob) + (1 - target) * Math.log(1 - prob));
    };
    let epochs = 0;
    for (let epoch = 0; epoch < this.#maxEpochs; epoch++) {
      epochs++;
      shuffled(trainRows, random, order);
      for (let start = 0; start < trainRows; start += this.#batchSize) {
        const end = Math.min(trainRows, start + this.#batchSize);
        grad.fill(0);
        let batchWeight = 0;
        for (let b = start; b < end; b++) {
          const i = order[b]!;
          acts[0]!.set(x.subarray(i * d, (i + 1) * d));
          const out = forward(sizes, params, acts);
          const prediction = logistic ? 1 / (1 + Math.exp(-out)) : out;
          deltas[sizes.length - 1]![0] = (prediction - y[i]!) * w[i]!;
          batchWeight += w[i]!;
          backward(sizes, params, acts, deltas, grad);
        }
        step++;
        adam(params, grad, 1 / batchWeight, m1, m2, step, this.#learningRate);
      }
      if (validation === 0) continue;
      let loss = 0;
      for (let i = trainRows; i < n; i++) {
        acts[0]!.set(x.subarray(i * d, (i + 1) * d));
        loss += w[i]! * lossOf(forward(sizes, params, acts), y[i]!);
      }
      if (!Number.isFinite(loss)) return undefined;
      if (loss < bestLoss * (1 - 1e-9)) {
        bestLoss = loss;
        best = params.slice();
        bad = 0;
      } else if (++bad >= this.#patience) break;
      yield;
    }
    if (validation === 0) best = params;
    this.#epochs = epochs;
    for (let k = 0; k < count; k++) if (!Number.isFinite(best[k]!)) return undefined;
    return new MlpModel(standardizer, sizes, best, yMean, yScale, logistic);
  }

  protected readModel(reader: ModelReader, json: JsonValue, path: string): MlpModel {
    const root = reader.object(json, path);
    const standardizer = Standardizer.read(
      reader,
      reader.object(root.standardizer, `${path}.standardizer`),
      `${path}.standardizer`,
      this.dimension,
    );
    const sizes = Array.from(reader.integers(root.sizes, `${path}.sizes`, 1, 1024));
    if (sizes.length < 3 || sizes[0] !== this.dimension || sizes[sizes.length - 1] !== 1) {
      reader.fail(`${path}.sizes`, `[${this.dimension}, ...hidden, 1]`, sizes);
    }
    const params = reader.numbers(root.params, `${path}.params`, parameterCount(sizes));
    const yMean = reader.number(root.yMean, `${path}.yMean`);
    const yScale = reader.number(root.yScale, `${path}.yScale`);
    if (!(yScale > 0)) reader.fail(`${path}.yScale`, 'a number > 0', yScale);
    return new MlpModel(standardizer, sizes, params, yMean, yScale, this.#loss === 'log');
  }

  protected familyOptions(): JsonObject {
    return {
      hidden: [...this.#hidden],
      learningRate: this.#learningRate,
      batchSize: this.#batchSize,
      maxEpochs: this.#maxEpochs,
      patience: this.#patience,
      validation: this.#validation,
      loss: this.#loss,
    };
  }
}

/**
 * Back-propagates `deltas[last]` (dLoss/d output pre-activation) through the layers, adding the
 * parameter gradients to `grad`. `acts` are the forward pass's activations.
 */
function backward(
  sizes: readonly number[],
  params: Float64Array,
  acts: Float64Array[],
  deltas: Float64Array[],
  grad: Float64Array,
): void {
  const offsets: number[] = [];
  let p = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    offsets.push(p);
    p += sizes[l + 1]! * (sizes[l]! + 1);
  }
  for (let l = sizes.length - 2; l >= 0; l--) {
    const n = sizes[l]!;
    const m = sizes[l + 1]!;
    const base = offsets[l]!;
    const bias = base + m * n;
    const input = acts[l]!;
    const delta = deltas[l + 1]!;
    for (let k = 0; k < m; k++) {
      const dk = delta[k]!;
      if (dk === 0) continue;
      const row = base + k * n;
      for (let j = 0; j < n; j++) grad[row + j] = grad[row + j]! + dk * input[j]!;
      grad[bias + k] = grad[bias + k]! + dk;
    }
    if (l === 0) break;
    const below = deltas[l]!;
    for (let j = 0; j < n; j++) {
      if (input[j]! <= 0) {
        below[j] = 0;
        continue;
      }
      let s = 0;
      for (let k = 0; k < m; k++) s += params[base + k * n + j]! * delta[k]!;
      below[j] = s;
    }
  }
}

/** One Adam step (β₁ 0.9, β₂ 0.999, step size `rate`) with the gradient `grad × scale`. */
function adam(
  params: Float64Array,
  grad: Float64Array,
  scale: number,
  m1: Float64Array,
  m2: Float64Array,
  step: number,
  rate: number,
): void {
  const c1 = 1 - 0.9 ** step;
  const c2 = 1 - 0.999 ** step;
  for (let k = 0; k < params.length; k++) {
    const g = grad[k]! * scale;
    m1[k] = 0.9 * m1[k]! + 0.1 * g;
    m2[k] = 0.999 * m2[k]! + 0.001 * g * g;
    params[k] = params[k]! - (rate * (m1[k]! / c1)) / (Math.sqrt(m2[k]! / c2) + 1e-8);
  }
}
