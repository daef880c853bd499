import type { JsonValue, RandomSource } from '../../src/index.js';
import type { LeafValue, TreeEnsembleSettings } from './cart.js';
import { binData, growTree, TreeSet, TreeSetBuilder, treeEnsembleOptions } from './cart.js';
import { type Dataset, shuffled } from './data.js';
import type { JsonObject, ModelReader } from './json.js';
import {
  type FittedModel,
  modelFromJson,
  OnlineModel,
  type OnlineOptions,
  type RuntimeOptions,
} from './online-model.js';
import { choiceOption, numberOption } from './options.js';

/**
 * The loss gradient boosting minimises: `squared` for a quantity such as latency, `log` (log
 * loss, predictions are probabilities) for 0/1 outcomes such as failure.
 */
export type BoostingLoss = 'squared' | 'log';

/** Options of {@link GradientBoosting}. */
export interface GradientBoostingOptions extends OnlineOptions {
  /** Number of boosting rounds (trees). @default 50 */
  readonly trees?: number;
  /** Deepest level of a tree (shallow trees: 2–4). @default 3 */
  readonly maxDepth?: number;
  /** Fewest observations in a leaf. @default 5 */
  readonly minLeaf?: number;
  /** Shrinkage (learning rate) applied to every tree. @default 0.1 */
  readonly shrinkage?: number;
  /** Fraction of the rows each round fits (drawn without replacement). @default 0.8 */
  readonly subsample?: number;
  /** The loss. @default 'squared' */
  readonly loss?: BoostingLoss;
  /** Most histogram bins per feature in the split search (2–256). @default 32 */
  readonly bins?: number;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** A fitted boosted model: `init + Σ trees`, through the sigmoid for log loss. */
class BoostedModel implements FittedModel {
  constructor(
    readonly init: number,
    readonly trees: TreeSet,
    readonly logistic: boolean,
  ) {}

  predict(x: Float64Array): number {
    const z = this.init + this.trees.sum(x);
    return this.logistic ? sigmoid(z) : z;
  }

  toJSON(): JsonValue {
    return { init: this.init, trees: this.trees.toJSON() };
  }
}

/**
 * Gradient boosting with shallow regression trees: starting from the mean (or the log-odds of
 * the mean for log loss), each round fits a CART tree to the current residuals (the negative
 * gradient) on a random `subsample` of the rows and adds it scaled by `shrinkage`. For log loss
 * the leaves take a Newton step (`Σ (y − p) / Σ p(1 − p)`) and predictions are probabilities.
 *
 * Online: keeps the last `window` observations and refits in the background every `refitEvery`
 * of them (see {@link OnlineOptions}).
 *
 * Cost: predict O(trees × depth); a fit O(trees × (n + depth × n × d)).
 * Memory: the window (`window × (d + 2) × 8` bytes: 64 KB for d = 6 and 1000 rows) plus at most
 * `trees × (2^(maxDepth+1) − 1)` nodes of 16 bytes (50 trees of depth 3: ≤ 750 nodes, 12 KB),
 * twice during a refit, and 4 arrays of `window` numbers while training.
 *
 * @example
 * ```ts
 * const failures = new GradientBoosting(6, { loss: 'log', trees: 50, maxDepth: 3 });
 * failures.fit(rows); // values 1 (failed) or 0
 * failures.predict(features); // a probability
 * ```
 */
export class GradientBoosting extends OnlineModel<BoostedModel> {
  readonly family = 'boosting' as const;
  readonly #tree: TreeEnsembleSettings;
  readonly #shrinkage: number;
  readonly #subsample: number;
  readonly #loss: BoostingLoss;

  constructor(dimension: number, options: GradientBoostingOptions = {}) {
    super('GradientBoosting', dimension, options);
    const owner = 'GradientBoosting';
    this.#tree = treeEnsembleOptions(owner, options, 3);
    this.#shrinkage = numberOption(owner, 'shrinkage', options.shrinkage, 0.1, 0, 1, true);
    this.#subsample = numberOption(owner, 'subsample', options.subsample, 0.8, 0, 1, true);
    this.#loss = choiceOption(owner, 'loss', options.loss, 'squared', ['squared', 'log']);
  }

  /** Builds a model from its {@link toJSON}; `runtime` gives the clock, scheduler, random source. */
  static fromJSON(json: JsonValue, runtime: RuntimeOptions = {}): GradientBoosting {
    return modelFromJson(GradientBoosting, 'GradientBoosting', 'boosting', json, runtime);
  }

  protected *train(data: Dataset, random: RandomSource): Generator<void, BoostedModel | undefined> {
    const { n, d, x, y, w } = data;
    const logistic = this.#loss === 'log';
    const binned = binData(data, this.#tree.bins);
    let sw = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      sw += w[i]!;
      sy += w[i]! * y[i]!;
    }
    const mean = sy / sw;
    if (logistic && (mean < 0 || mean > 1)) return undefined;
    const p0 = Math.min(1 - 1e-6, Math.max(1e-6, mean));
    const init = logistic ? Math.log(p0 / (1 - p0)) : mean;
    const score = new Float64Array(n).fill(init);
    const residual = new Float64Array(n);
    const prob = new Float64Array(n);
    const shrinkage = this.#shrinkage;
    const leaf: LeafValue = (rows, from, to) => {
      let num = 0;
      let den = 0;
      for (let i = from; i < to; i++) {
        const r = rows[i]!;
        num += w[r]! * residual[r]!;
        den += logistic ? w[r]! * prob[r]! * (1 - prob[r]!) : w[r]!;
      }
      return den > 1e-12 ? (shrinkage * num) / den : 0;
    };
    const size = Math.max(1, Math.round(n * this.#subsample));
    const order = new Int32Array(n);
    const limits = { maxDepth: this.#tree.maxDepth, minLeaf: this.#tree.minLeaf, featuresPerSplit: d };
    const builder = new TreeSetBuilder();
    yield;
    for (let t = 0; t < this.#tree.trees; t++) {
      for (let i = 0; i < n; i++) {
        if (logistic) {
          prob[i] = sigmoid(score[i]!);
          residual[i] = y[i]! - prob[i]!;
        } else residual[i] = y[i]! - score[i]!;
      }
      shuffled(n, random, order);
      const rows = order.slice(0, size);
      const root = yield* growTree(binned, residual, rows, limits, random, builder, leaf);
      for (let i = 0; i < n; i++) score[i] = score[i]! + builder.predictFrom(root, x, i * d);
    }
    const model = new BoostedModel(init, builder.build(), logistic);
    return Number.isFinite(model.trees.value.reduce((a, b) => a + b, 0)) ? model : undefined;
  }

  protected readModel(reader: ModelReader, json: JsonValue, path: string): BoostedModel {
    const root = reader.object(json, path);
    const init = reader.number(root.init, `${path}.init`);
    const trees = TreeSet.read(
      reader,
      reader.object(root.trees, `${path}.trees`),
      `${path}.trees`,
      this.dimension,
    );
    return new BoostedModel(init, trees, this.#loss === 'log');
  }

  protected familyOptions(): JsonObject {
    return {
      trees: this.#tree.trees,
      maxDepth: this.#tree.maxDepth,
      minLeaf: this.#tree.minLeaf,
      shrinkage: this.#shrinkage,
      subsample: this.#subsample,
      loss: this.#loss,
      bins: this.#tree.bins,
    };
  }
}
