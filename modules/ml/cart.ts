import type { RandomSource } from '../../src/index.js';
import type { Dataset } from './data.js';
import { type JsonObject, type ModelReader, plain } from './json.js';
import { wholeOption } from './options.js';

/**
 * Regression trees (CART, variance reduction), shared by the random forest and gradient
 * boosting. Splits are searched on per-feature histograms: each feature's values are cut into
 * at most `bins` quantile bins once per fit, so a node costs O(rows × features tried + bins)
 * and a fit is deterministic for a given random source.
 */

/** Feature values binned for split search: `bin[i*d + j]` is row i's bin of feature j. */
export interface BinnedData {
  readonly data: Dataset;
  readonly bin: Uint8Array;
  /** Per feature, the cut values: bin b holds values `<= cuts[j][b]` (and > the previous cut). */
  readonly cuts: readonly Float64Array[];
}

/** Bins every feature of `data` into at most `bins` (≤ 256) quantile bins. O(n log n · d). */
export function binData(data: Dataset, bins: number): BinnedData {
  const { n, d, x } = data;
  const bin = new Uint8Array(n * d);
  const cuts: Float64Array[] = [];
  const column = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) column[i] = x[i * d + j]!;
    column.sort();
    const found: number[] = [];
    let distinct = 1;
    for (let i = 1; i < n; i++) if (column[i]! > column[i - 1]!) distinct++;
    if (distinct <= bins) {
      for (let i = 1; i < n; i++)
        if (column[i]! > column[i - 1]!) found.push((column[i - 1]! + column[i]!) / 2);
    } else {
      for (let q = 1; q < bins; q++) {
        let k = Math.floor((q * n) / bins);
        while (k < n && column[k]! === column[k - 1]!) k++;
        if (k >= n) break;
        const cut = (column[k - 1]! + column[k]!) / 2;
        if (found.length === 0 || cut > found[found.length - 1]!) found.push(cut);
      }
    }
    const c = Float64Array.from(found);
    cuts.push(c);
    for (let i = 0; i < n; i++) {
      const v = x[i * d + j]!;
      let lo = 0;
      let hi = c.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (v <= c[mid]!) hi = mid;
        else lo = mid + 1;
      }
      bin[i * d + j] = lo;
    }
  }
  return { data, bin, cuts };
}

/** Limits of one tree. */
export interface TreeLimits {
  /** Deepest level (the root is depth 0). */
  readonly maxDepth: number;
  /** Fewest rows in a leaf. */
  readonly minLeaf: number;
  /** Features tried per split (a random subset when < d). */
  readonly featuresPerSplit: number;
}

/** The options every tree ensemble (forest, boosting) takes, checked. */
export interface TreeEnsembleSettings {
  /** Number of trees. */
  readonly trees: number;
  /** Deepest level of a tree. */
  readonly maxDepth: number;
  /** Fewest observations in a leaf. */
  readonly minLeaf: number;
  /** Most histogram bins per feature in the split search. */
  readonly bins: number;
}

/**
 * Checks the options shared by the tree ensembles (`trees` 1–10,000 default 50, `maxDepth` 0–30,
 * `minLeaf` ≥ 1 default 5, `bins` 2–256 default 32); only the default depth differs per family.
 */
export function treeEnsembleOptions(
  owner: string,
  options: {
    readonly trees?: number;
    readonly maxDepth?: number;
    readonly minLeaf?: number;
    readonly bins?: number;
  },
  defaultMaxDepth: number,
): TreeEnsembleSettings {
  return {
    trees: wholeOption(owner, 'trees', options.trees, 50, 1, 10_000),
    maxDepth: wholeOption(owner, 'maxDepth', options.maxDepth, defaultMaxDepth, 0, 30),
    minLeaf: wholeOption(owner, 'minLeaf', options.minLeaf, 5, 1),
    bins: wholeOption(owner, 'bins', options.bins, 32, 2, 256),
  };
}

/**
 * Value of a leaf holding rows `rows[from..to)`: the weighted mean of `y` by default; gradient
 * boosting with log loss passes its Newton step.
 */
export type LeafValue = (rows: Int32Array, from: number, to: number) => number;

/**
 * Trees in flat arrays, many per set. Node k is a leaf when `feature[k] < 0` (its value is
 * `value[k]`); otherwise rows with `x[feature[k]] <= value[k]` go to `left[k]`, the others to
 * `left[k] + 1`.
 */
export class TreeSet {
  constructor(
    readonly feature: Int32Array,
    readonly value: Float64Array,
    readonly left: Int32Array,
    readonly roots: Int32Array,
  ) {}

  /** Number of trees. */
  get size(): number {
    return this.roots.length;
  }

  /** Output of tree `t` for the features at `x[offset..]`. O(depth). */
  predictTree(t: number, x: Float64Array, offset = 0): number {
    const feature = this.feature;
    const value = this.value;
    const left = this.left;
    let k = this.roots[t]!;
    let f = feature[k]!;
    while (f >= 0) {
      k = x[offset + f]! <= value[k]! ? left[k]! : left[k]! + 1;
      f = feature[k]!;
    }
    return value[k]!;
  }

  /** Sum of every tree's output. O(trees × depth). */
  sum(x: Float64Array): number {
    const feature = this.feature;
    const value = this.value;
    const left = this.left;
    const roots = this.roots;
    let total = 0;
    for (let t = 0; t < roots.length; t++) {
      let k = roots[t]!;
      let f = feature[k]!;
      while (f >= 0) {
        k = x[f]! <= value[k]! ? left[k]! : left[k]! + 1;
        f = feature[k]!;
      }
      total += value[k]!;
    }
    return total;
  }

  toJSON(): JsonObject {
    return {
      feature: plain(this.feature),
      value: plain(this.value),
      left: plain(this.left),
      roots: plain(this.roots),
    };
  }

  /** Reads {@link toJSON}'s output, checking that every index points inside the set. */
  static read(reader: ModelReader, json: JsonObject, path: string, dimension: number): TreeSet {
    const value = reader.numbers(json.value, `${path}.value`);
    const nodes = value.length;
    const feature = reader.integers(json.feature, `${path}.feature`, -1, dimension - 1);
    const left = reader.integers(json.left, `${path}.left`, 0, Math.max(0, nodes - 2));
    const roots = reader.integers(json.roots, `${path}.roots`, 0, Math.max(0, nodes - 1));
    if (feature.length !== nodes)
      reader.fail(`${path}.feature`, `an array of ${nodes} whole numbers`, feature.length);
    if (left.length !== nodes) reader.fail(`${path}.left`, `an array of ${nodes} whole numbers`, left.length);
    // Children come after their parent, so a walk always ends.
    for (let k = 0; k < nodes; k++) {
      if (feature[k]! >= 0 && !(left[k]! > k))
        reader.fail(`${path}.left[${k}]`, `a node index > ${k}`, left[k]);
    }
    return new TreeSet(feature, value, left, roots);
  }
}

/** Builds a {@link TreeSet} one tree at a time. */
export class TreeSetBuilder {
  #feature: number[] = [];
  #value: number[] = [];
  #left: number[] = [];
  #roots: number[] = [];

  /** Adds a node (a leaf until split) and returns its index. */
  node(): number {
    this.#feature.push(-1);
    this.#value.push(0);
    this.#left.push(0);
    return this.#feature.length - 1;
  }

  leaf(k: number, value: number): void {
    this.#feature[k] = -1;
    this.#value[k] = value;
  }

  /** Splits node k; returns the index of its left child (the right one follows it). */
  split(k: number, feature: number, threshold: number): number {
    const left = this.node();
    this.node();
    this.#feature[k] = feature;
    this.#value[k] = threshold;
    this.#left[k] = left;
    return left;
  }

  root(k: number): void {
    this.#roots.push(k);
  }

  /** A tree set of the trees so far. */
  build(): TreeSet {
    return new TreeSet(
      Int32Array.from(this.#feature),
      Float64Array.from(this.#value),
      Int32Array.from(this.#left),
      Int32Array.from(this.#roots),
    );
  }

  /** Output of node `k`'s tree, for a tree built but not yet in a set (boosting's residuals). */
  predictFrom(k: number, x: Float64Array, offset: number): number {
    let f = this.#feature[k]!;
    while (f >= 0) {
      k = x[offset + f]! <= this.#value[k]! ? this.#left[k]! : this.#left[k]! + 1;
      f = this.#feature[k]!;
    }
    return this.#value[k]!;
  }
}

/** The weighted mean of `y` over the rows: the default {@link LeafValue}. */
export function meanLeaf(y: Float64Array, w: Float64Array): LeafValue {
  return (rows, from, to) => {
    let sw = 0;
    let s = 0;
    for (let i = from; i < to; i++) {
      const r = rows[i]!;
      sw += w[r]!;
      s += w[r]! * y[r]!;
    }
    return sw > 0 ? s / sw : 0;
  };
}

/**
 * Grows one regression tree on `rows` (row indices into `binned.data`; repeats allowed, for
 * bootstrap samples) fitting `y`, into `builder`; yields after every node so that a background
 * fit can pause. Returns the root's index. `rows` is reordered in place.
 */
export function* growTree(
  binned: BinnedData,
  y: Float64Array,
  rows: Int32Array,
  limits: TreeLimits,
  random: RandomSource,
  builder: TreeSetBuilder,
  leafValue: LeafValue,
): Generator<void, number> {
  const { d, w } = binned.data;
  const bin = binned.bin;
  const maxBins = binned.cuts.reduce((m, c) => Math.max(m, c.length + 1), 1);
  const histW = new Float64Array(maxBins);
  const histS = new Float64Array(maxBins);
  const histN = new Int32Array(maxBins);
  const order = new Int32Array(d);
  for (let j = 0; j < d; j++) order[j] = j;
  const tried = Math.min(d, limits.featuresPerSplit);
  const root = builder.node();
  const stack: [node: number, from: number, to: number, depth: number][] = [[root, 0, rows.length, 0]];
  while (stack.length > 0) {
    const [node, from, to, depth] = stack.pop()!;
    const count = to - from;
    let bestGain = 1e-12;
    let bestFeature = -1;
    let bestBin = -1;
    if (depth < limits.maxDepth && count >= 2 * limits.minLeaf) {
      let totalW = 0;
      let totalS = 0;
      for (let i = from; i < to; i++) {
        const r = rows[i]!;
        totalW += w[r]!;
        totalS += w[r]! * y[r]!;
      }
      const base = (totalS * totalS) / totalW;
      // A random subset of features: a partial Fisher–Yates shuffle of `order`.
      for (let t = 0; t < tried; t++) {
        const pick = t + Math.floor(random() * (d - t));
        const f = order[pick]!;
        order[pick] = order[t]!;
        order[t] = f;
        const bins = binned.cuts[f]!.length + 1;
        if (bins < 2) continue;
        histW.fill(0, 0, bins);
        histS.fill(0, 0, bins);
        histN.fill(0, 0, bins);
        for (let i = from; i < to; i++) {
          const r = rows[i]!;
          const b = bin[r * d + f]!;
          histW[b] = histW[b]! + w[r]!;
          histS[b] = histS[b]! + w[r]! * y[r]!;
          histN[b] = histN[b]! + 1;
        }
        let leftW = 0;
        let leftS = 0;
        let leftN = 0;
        for (let b = 0; b < bins - 1; b++) {
          leftW += histW[b]!;
          leftS += histS[b]!;
          leftN += histN[b]!;
          if (leftN < limits.minLeaf) continue;
          if (count - leftN < limits.minLeaf) break;
          const rightW = totalW - leftW;
          const rightS = totalS - leftS;
          if (leftW <= 0 || rightW <= 0) continue;
          const gain = (leftS * leftS) / leftW + (rightS * rightS) / rightW - base;
          if (gain > bestGain) {
            bestGain = gain;
            bestFeature = f;
            bestBin = b;
          }
        }
      }
    }
    if (bestFeature < 0) {
      builder.leaf(node, leafValue(rows, from, to));
      continue;
    }
    // Partition rows[from..to) so that those in bins <= bestBin come first.
    let i = from;
    let j = to - 1;
    while (i <= j) {
      if (bin[rows[i]! * d + bestFeature]! <= bestBin) i++;
      else {
        const t = rows[i]!;
        rows[i] = rows[j]!;
        rows[j] = t;
        j--;
      }
    }
    const left = builder.split(node, bestFeature, binned.cuts[bestFeature]![bestBin]!);
    stack.push([left + 1, i, to, depth + 1], [left, from, i, depth + 1]);
    yield;
  }
  builder.root(root);
  return root;
}
