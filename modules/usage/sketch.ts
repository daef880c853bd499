/**
 * A log-bucketed latency histogram (the DDSketch layout): bucket `i` holds the values in
 * `(γ^(i-1), γ^i]` with `γ = (1 + α) / (1 - α)`, and reports `2γ^i / (γ + 1)` for them, which is
 * within a relative error `α` of every value in the bucket. Quantiles are nearest-rank, so a
 * quantile is within `α` (1%) of the exact nearest-rank value of the same data.
 *
 * Memory: one map entry per occupied bucket. From 1 µs to 1 day there are at most ~1,270
 * buckets whatever the number of values; real latencies occupy a few hundred. Two sketches
 * merge exactly (bucket counts add), which is how time buckets roll up.
 */

/** Relative accuracy of {@link LatencySketch} quantiles: 1%. */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

const GAMMA = (1 + SKETCH_RELATIVE_ACCURACY) / (1 - SKETCH_RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Values at or below this (ms) count as zero. */
const MIN_VALUE = 0.001;

/** A mergeable latency histogram with 1% relative error on quantiles. */
export class LatencySketch {
  readonly #bins = new Map<number, number>();
  #zeros = 0;
  #count = 0;
  #sum = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = Number.NEGATIVE_INFINITY;

  /** Number of values recorded. */
  get count(): number {
    return this.#count;
  }

  /** Sum of the values recorded (exact). */
  get sum(): number {
    return this.#sum;
  }

  /** Number of occupied buckets (the memory the sketch holds). */
  get buckets(): number {
    return this.#bins.size + (this.#zeros > 0 ? 1 : 0);
  }

  /** Records `value` (ms) `n` times. Negative and non-finite values are ignored. */
  add(value: number, n = 1): void {
    if (!(value >= 0) || !Number.isFinite(value) || n <= 0) return;
    this.#count += n;
    this.#sum += value * n;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
    if (value <= MIN_VALUE) {
      this.#zeros += n;
      return;
    }
    const index = Math.ceil(Math.log(value) / LOG_GAMMA);
    this.#bins.set(index, (this.#bins.get(index) ?? 0) + n);
  }

  /** Adds every value of `other` to this sketch. */
  merge(other: LatencySketch): void {
    if (other.#count === 0) return;
    for (const [index, n] of other.#bins) this.#bins.set(index, (this.#bins.get(index) ?? 0) + n);
    this.#zeros += other.#zeros;
    this.#count += other.#count;
    this.#sum += other.#sum;
    if (other.#min < this.#min) this.#min = other.#min;
    if (other.#max > this.#max) this.#max = other.#max;
  }

  /**
   * The nearest-rank `q`-quantile (`q` in [0, 1]) within 1% relative error, clamped to the
   * exact minimum and maximum; `undefined` when the sketch is empty.
   */
  quantile(q: number): number | undefined {
    if (this.#count === 0) return undefined;
    const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, q)) * this.#count));
    if (rank <= this.#zeros) return Math.max(0, this.#min);
    let seen = this.#zeros;
    const indexes = [...this.#bins.keys()].sort((a, b) => a - b);
    for (const index of indexes) {
      seen += this.#bins.get(index)!;
      if (seen >= rank) {
        const value = (2 * GAMMA ** index) / (GAMMA + 1);
        return Math.min(this.#max, Math.max(this.#min, value));
      }
    }
    return this.#max;
  }
}
