import type { JsonValue, PredictionFeatures, RandomSource } from '../../src/index.js';
import type { TreeEnsembleSettings } from './cart.js';
import { binData, growTree, meanLeaf, TreeSet, TreeSetBuilder, treeEnsembleOptions } from './cart.js';
import type { Dataset } from './data.js';
import type { JsonObject, ModelReader } from './json.js';
import {
  type FittedModel,
  modelFromJson,
  OnlineModel,
  type OnlineOptions,
  type RuntimeOptions,
} from './online-model.js';
import { numberOption } from './options.js';

/** Options of {@link RandomForest}. */
export interface RandomForestOptions extends OnlineOptions {
  /** Number of trees. @default 50 */
  readonly trees?: number;
  /** Deepest level of a tree (the root is 0). @default 6 */
  readonly maxDepth?: number;
  /** Fewest observations in a leaf. @default 5 */
  readonly minLeaf?: number;
  /**
   * Fraction of the features tried at each split (at least one). Lower decorrelates the trees
   * more; with the few features of routing (6–14, one of them the constant bias) a high
   * fraction is both more accurate and less noisy. @default 0.8
   */
  readonly featureFraction?: number;
  /** Size of each tree's bootstrap sample, as a fraction of the rows (drawn with replacement). @default 1 */
  readonly sampleFraction?: number;
  /** Most histogram bins per feature in the split search (2–256). @default 32 */
  readonly bins?: number;
}

/**
 * A fitted forest: the mean of its trees. `predict` also keeps the spread of the trees at the
 * features it was given, so that `spread` of the same features right after it (what the
 * `intelligent` strategy asks: a prediction, then its uncertainty) does not walk every tree again.
 */
class ForestModel implements FittedModel {
  /** Features of the last `predict` (a copy) and the trees' spread there. */
  #lastX: Float64Array | undefined;
  #lastSpread = Number.NaN;
  #walkedSpread = Number.NaN;

  constructor(readonly trees: TreeSet) {}

  predict(x: Float64Array): number {
    const mean = this.#walk(x);
    let last = this.#lastX;
    if (last === undefined || last.length !== x.length) last = this.#lastX = new Float64Array(x.length);
    last.set(x);
    this.#lastSpread = this.#walkedSpread;
    return mean;
  }

  /** Standard deviation of the trees' outputs. */
  spread(x: Float64Array): number {
    const last = this.#lastX;
    if (last !== undefined && last.length === x.length) {
      let same = true;
      for (let j = 0; j < x.length && same; j++) same = last[j] === x[j];
      if (same) return this.#lastSpread;
    }
    this.#walk(x);
    return this.#walkedSpread;
  }

  /**
   * Mean of the trees' outputs (summed in tree order, as `TreeSet.sum`); their standard deviation
   * goes to `#walkedSpread` (no object per call).
   */
  #walk(x: Float64Array): number {
    const t = this.trees;
    const n = t.size;
    let s = 0;
    let q = 0;
    for (let i = 0; i < n; i++) {
      const v = t.predictTree(i, x);
      s += v;
      q += v * v;
    }
    const mean = s / n;
    this.#walkedSpread = Math.sqrt(Math.max(0, q / n - mean * mean));
    return mean;
  }

  toJSON(): JsonValue {
    return this.trees.toJSON();
  }
}

/**
 * Random forest regression: `trees` CART trees, each grown on a bootstrap sample of the training
 * window with variance-reduction splits over a random subset of the features, limited by
 * `maxDepth` and `minLeaf`. Predicts the mean of the trees; `uncertainty` is their spread
 * (standard deviation), which is large where the trees disagree (little or conflicting data).
 * On 0/1 outcomes it predicts a probability.
 *
 * Online: keeps the last `window` observations and refits in the background every `refitEvery`
 * of them (see {@link OnlineOptions}).
 *
 * Cost: predict O(trees × depth); a fit O(trees × depth × n × features tried) after binning.
 * Memory: the window (`window × (d + 2) × 8` bytes: 64 KB for d = 6 and 1000 rows) plus at most
 * `trees × (2^(maxDepth+1) − 1)` nodes of 16 bytes (50 trees of depth 6: ≤ 6,350 nodes, 102 KB;
 * 5,172 on 1000 rows of routing history), twice during a refit.
 *
 * @example
 * ```ts
 * const forest = new RandomForest(3, { trees: 50, maxDepth: 6, seed: 7 });
 * forest.fit(rows);
 * forest.predict({ values: Float64Array.of(1, 0.5, 0) });
 * ```
 */
export class RandomForest extends OnlineModel<ForestModel> {
  readonly family = 'forest' as const;
  readonly #tree: TreeEnsembleSettings;
  readonly #featureFraction: number;
  readonly #sampleFraction: number;

  constructor(dimension: number, options: RandomForestOptions = {}) {
    super('RandomForest', dimension, options);
    const owner = 'RandomForest';
    this.#tree = treeEnsembleOptions(owner, options, 6);
    this.#featureFraction = numberOption(owner, 'featureFraction', options.featureFraction, 0.8, 0, 1, true);
    this.#sampleFraction = numberOption(owner, 'sampleFraction', options.sampleFraction, 1, 0, 10, true);
  }

  /** Builds a forest from its {@link toJSON}; `runtime` gives the clock, scheduler, random source. */
  static fromJSON(json: JsonValue, runtime: RuntimeOptions = {}): RandomForest {
    return modelFromJson(RandomForest, 'RandomForest', 'forest', json, runtime);
  }

  /** Spread (standard deviation) of the trees' predictions; `Infinity` before the first fit. */
  uncertainty(features: PredictionFeatures): number {
    const model = this.model;
    if (model === undefined || features.values.length !== this.dimension) return Number.POSITIVE_INFINITY;
    const s = model.spread(features.values);
    return Number.isFinite(s) ? s : Number.POSITIVE_INFINITY;
  }

  protected *train(data: Dataset, random: RandomSource): Generator<void, ForestModel> {
    const binned = binData(data, this.#tree.bins);
    yield;
    const builder = new TreeSetBuilder();
    const size = Math.max(1, Math.round(data.n * this.#sampleFraction));
    const rows = new Int32Array(size);
    const limits = {
      maxDepth: this.#tree.maxDepth,
      minLeaf: this.#tree.minLeaf,
      featuresPerSplit: Math.max(1, Math.round(data.d * this.#featureFraction)),
    };
    const leaf = meanLeaf(data.y, data.w);
    for (let t = 0; t < this.#tree.trees; t++) {
      for (let i = 0; i < size; i++) rows[i] = Math.floor(random() * data.n);
      yield* growTree(binned, data.y, rows, limits, random, builder, leaf);
    }
    return new ForestModel(builder.build());
  }

  protected readModel(reader: ModelReader, json: JsonValue, path: string): ForestModel {
    const trees = TreeSet.read(reader, reader.object(json, path), path, this.dimension);
    if (trees.size === 0) reader.fail(`${path}.roots`, 'at least one tree', []);
    return new ForestModel(trees);
  }

  protected familyOptions(): JsonObject {
    return {
      trees: this.#tree.trees,
      maxDepth: this.#tree.maxDepth,
      minLeaf: this.#tree.minLeaf,
      featureFraction: this.#featureFraction,
      sampleFraction: this.#sampleFraction,
      bins: this.#tree.bins,
    };
  }
}
