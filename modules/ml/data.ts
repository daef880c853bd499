import { SwitchyardError } from '../../src/index.js';

/** One training example: a feature vector, the observed value and an optional weight. */
export interface TrainingRow {
  /** Feature values, in the order of the predictor's features (`dimension` of them). */
  readonly features: ArrayLike<number>;
  /** The observed value (latency in ms, 1/0 for a failure, …). */
  readonly value: number;
  /** Weight of this example (> 0). @default 1 */
  readonly weight?: number;
}

/**
 * Training data in flat arrays, oldest row first: `x` is row-major `n × d`. Trainers read it and
 * never change it.
 */
export interface Dataset {
  readonly n: number;
  readonly d: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly w: Float64Array;
}

/**
 * Checks `rows` for a batch fit and copies them into a {@link Dataset}.
 * @throws {SwitchyardError} `config` naming the first bad row and field: no rows, a feature
 * vector of the wrong length, a non-finite feature or value, a weight that is not > 0.
 */
export function datasetOf(owner: string, rows: readonly TrainingRow[], dimension: number): Dataset {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new SwitchyardError(
      'config',
      `${owner}: rows: expected at least one training row, got ${Array.isArray(rows) ? 'none' : typeof rows}`,
    );
  }
  const n = rows.length;
  const d = dimension;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    const features = row?.features;
    if (features === undefined || typeof features.length !== 'number') {
      throw new SwitchyardError('config', `${owner}: rows[${i}].features: expected an array of ${d} numbers`);
    }
    if (features.length !== d) {
      throw new SwitchyardError(
        'config',
        `${owner}: rows[${i}].features: expected ${d} features (the model's dimension), got ${features.length}`,
      );
    }
    for (let j = 0; j < d; j++) {
      const v = features[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new SwitchyardError(
          'config',
          `${owner}: rows[${i}].features[${j}]: expected a finite number, got ${String(v)}`,
        );
      }
      x[i * d + j] = v;
    }
    const value = row!.value;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new SwitchyardError(
        'config',
        `${owner}: rows[${i}].value: expected a finite number, got ${String(value)}`,
      );
    }
    y[i] = value;
    const weight = row!.weight ?? 1;
    if (typeof weight !== 'number' || !(weight > 0) || !Number.isFinite(weight)) {
      throw new SwitchyardError(
        'config',
        `${owner}: rows[${i}].weight: expected a finite number > 0, got ${String(weight)}`,
      );
    }
    w[i] = weight;
  }
  return { n, d, x, y, w };
}

/** Rows `[from, to)` of `data` as a new dataset (a time-ordered slice). */
export function sliceDataset(data: Dataset, from: number, to: number): Dataset {
  const d = data.d;
  return {
    n: to - from,
    d,
    x: data.x.slice(from * d, to * d),
    y: data.y.slice(from, to),
    w: data.w.slice(from, to),
  };
}

/**
 * The bounded training window of an online model: the most recent `capacity` observations (a
 * sliding window in a ring buffer, allocated once: `capacity × (d + 2) × 8` bytes).
 */
export class TrainingWindow {
  readonly #x: Float64Array;
  readonly #y: Float64Array;
  readonly #w: Float64Array;
  #next = 0;
  #size = 0;

  constructor(
    readonly capacity: number,
    readonly dimension: number,
  ) {
    this.#x = new Float64Array(capacity * dimension);
    this.#y = new Float64Array(capacity);
    this.#w = new Float64Array(capacity);
  }

  /** Rows held (≤ capacity). */
  get size(): number {
    return this.#size;
  }

  /** Adds a row, evicting the oldest when full. The caller has checked the values. */
  push(features: ArrayLike<number>, value: number, weight: number): void {
    const d = this.dimension;
    const at = this.#next;
    for (let j = 0; j < d; j++) this.#x[at * d + j] = features[j]!;
    this.#y[at] = value;
    this.#w[at] = weight;
    this.#next = (at + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
  }

  /** Adds the last `capacity` rows of `data`. */
  pushAll(data: Dataset): void {
    const from = Math.max(0, data.n - this.capacity);
    for (let i = from; i < data.n; i++)
      this.push(data.x.subarray(i * data.d, (i + 1) * data.d), data.y[i]!, data.w[i]!);
  }

  /** Forgets every row. */
  clear(): void {
    this.#next = 0;
    this.#size = 0;
  }

  /** A copy of the rows, oldest first (what a background refit trains on). */
  toDataset(): Dataset {
    const n = this.#size;
    const d = this.dimension;
    const x = new Float64Array(n * d);
    const y = new Float64Array(n);
    const w = new Float64Array(n);
    const start = n < this.capacity ? 0 : this.#next;
    for (let k = 0; k < n; k++) {
      const at = (start + k) % this.capacity;
      x.set(this.#x.subarray(at * d, (at + 1) * d), k * d);
      y[k] = this.#y[at]!;
      w[k] = this.#w[at]!;
    }
    return { n, d, x, y, w };
  }
}

/** Whether every value of `features` is finite and there are `dimension` of them. */
export function usableFeatures(features: ArrayLike<number>, dimension: number): boolean {
  if (features.length !== dimension) return false;
  for (let j = 0; j < dimension; j++) if (!Number.isFinite(features[j])) return false;
  return true;
}

/** Weighted mean and standard deviation of `values` (standard deviation 1 when it is ~0). */
export function meanAndScale(
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
  stride = 1,
  offset = 0,
): [number, number] {
  let sw = 0;
  let s = 0;
  const n = weights.length;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    sw += w;
    s += w * values[i * stride + offset]!;
  }
  const mean = s / sw;
  let q = 0;
  for (let i = 0; i < n; i++) {
    const r = values[i * stride + offset]! - mean;
    q += weights[i]! * r * r;
  }
  const sd = Math.sqrt(q / sw);
  return [mean, sd > 1e-12 * Math.max(1, Math.abs(mean)) ? sd : 1];
}

/** A random permutation of `0..n-1` (Fisher–Yates with `random`). */
export function shuffled(n: number, random: () => number, into = new Int32Array(n)): Int32Array {
  for (let i = 0; i < n; i++) into[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = into[i]!;
    into[i] = into[j]!;
    into[j] = t;
  }
  return into;
}
