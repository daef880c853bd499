import type { JsonValue } from '../../src/index.js';
import { encodeNumber, encodeNumbers, type SnapshotReader } from '../snapshot.js';
import { bandOf, bandPriorWeight } from './bands.js';

/** One target's band sums, as read from a snapshot. */
export interface BandTargetState {
  readonly n: readonly number[];
  readonly sums: readonly number[];
  readonly squares: readonly number[];
  readonly weight: number;
  readonly total: number;
  readonly prior: number;
}

/**
 * Per target, a speed factor per band of one request size (the prompt's length, or the answer's
 * cap): how the target's outcomes in that band compare with its mean, 1 meaning "as usual". A
 * factor is the band's discounted mean shrunk toward 1 by a prior whose weight comes from how
 * much the target's bands differ ({@link bandPriorWeight}, at most `maxPrior` outcomes), over the
 * mean of all the target's factors (likewise shrunk), so that a target's factors average 1.
 *
 * The owner discounts the sums with the target's other sums ({@link decay}) and feeds each outcome
 * that tells speed to {@link learn}. Factors are read as of the target's last outcome: a shape
 * does not fade with idle time. O(1) to read, O(bands) to learn, O(targets × bands) memory.
 * Internal to `strategies/`.
 */
export class BandFactors {
  /** Sizes (ascending) at which a new band starts; `edges.length + 1` bands. */
  readonly edges: readonly number[];
  readonly bands: number;
  readonly #maxPrior: number;
  // The sums are public (read-only by contract) so that a pick path can compute {@link shape}
  // inline, for the pick budget (docs/decisions/0005-inline-posterior-on-the-pick-path.md).
  /** Per target and band (index `target × bands + band`): the weight of its outcomes. */
  readonly n: Float64Array;
  /** Per target and band: the sum of its outcomes' factors. */
  readonly sums: Float64Array;
  /** Per target and band: the sum of their squares. */
  readonly squares: Float64Array;
  /** Per target: the weight of all its bands' outcomes. */
  readonly weight: Float64Array;
  /** Per target: the sum of all its factors (to normalise them to a mean of 1). */
  readonly total: Float64Array;
  /** Per target: the weight of a factor of 1 in each band's estimate. */
  readonly prior: Float64Array;

  constructor(targetCount: number, edges: readonly number[], maxPrior: number) {
    this.edges = edges;
    this.bands = edges.length + 1;
    this.#maxPrior = maxPrior;
    this.n = new Float64Array(targetCount * this.bands);
    this.sums = new Float64Array(targetCount * this.bands);
    this.squares = new Float64Array(targetCount * this.bands);
    this.weight = new Float64Array(targetCount);
    this.total = new Float64Array(targetCount);
    this.prior = new Float64Array(targetCount).fill(maxPrior);
  }

  /** The band of a request of this `size` (the number of edges it reaches). */
  bandOf(size: number): number {
    return bandOf(size, this.edges);
  }

  /**
   * Target `t`'s factor in `band`: `(sums + prior) / (n + prior)` over the same for all its
   * bands, `(total + prior) / (weight + prior)`.
   */
  shape(t: number, band: number): number {
    const b = t * this.bands + band;
    const prior = this.prior[t]!;
    return (
      ((this.sums[b]! + prior) * (this.weight[t]! + prior)) /
      ((this.n[b]! + prior) * (this.total[t]! + prior))
    );
  }

  /** Multiplies target `t`'s sums by `keep` (with its other sums, at each of its outcomes). */
  decay(t: number, keep: number): void {
    this.weight[t] = this.weight[t]! * keep;
    this.total[t] = this.total[t]! * keep;
    const first = t * this.bands;
    for (let b = first; b < first + this.bands; b++) {
      this.n[b] = this.n[b]! * keep;
      this.sums[b] = this.sums[b]! * keep;
      this.squares[b] = this.squares[b]! * keep;
    }
  }

  /** Target `t`'s sums as JSON, for a strategy's snapshot (read as of its last outcome). */
  targetJson(t: number): JsonValue {
    const first = t * this.bands;
    return {
      n: encodeNumbers(this.n, first, first + this.bands),
      sums: encodeNumbers(this.sums, first, first + this.bands),
      squares: encodeNumbers(this.squares, first, first + this.bands),
      weight: encodeNumber(this.weight[t]!),
      total: encodeNumber(this.total[t]!),
      prior: encodeNumber(this.prior[t]!),
    };
  }

  /** Reads what {@link targetJson} wrote for bands like these (throws `config` errors naming `path`'s fields). */
  readTarget(read: SnapshotReader, value: JsonValue | undefined, path: string): BandTargetState {
    const object = read.object(value, path);
    return {
      n: read.numbers(object.n, `${path}.n`, this.bands, 'nonNegative'),
      sums: read.numbers(object.sums, `${path}.sums`, this.bands, 'nonNegative'),
      squares: read.numbers(object.squares, `${path}.squares`, this.bands, 'nonNegative'),
      weight: read.number(object.weight, `${path}.weight`, 'nonNegative'),
      total: read.number(object.total, `${path}.total`, 'nonNegative'),
      prior: read.number(object.prior, `${path}.prior`, 'nonNegative'),
    };
  }

  /** Sets target `t`'s sums to `state`, or to a fresh target's (no outcomes) when undefined. */
  setTarget(t: number, state: BandTargetState | undefined): void {
    const first = t * this.bands;
    for (let b = 0; b < this.bands; b++) {
      this.n[first + b] = state?.n[b] ?? 0;
      this.sums[first + b] = state?.sums[b] ?? 0;
      this.squares[first + b] = state?.squares[b] ?? 0;
    }
    this.weight[t] = state?.weight ?? 0;
    this.total[t] = state?.total ?? 0;
    this.prior[t] = state?.prior ?? this.#maxPrior;
  }

  /** Adds an outcome of `weight` whose speed, over the target's mean, was `factor`, in `band`. */
  learn(t: number, band: number, weight: number, factor: number): void {
    const first = t * this.bands;
    const b = first + band;
    this.weight[t] = this.weight[t]! + weight;
    this.n[b] = this.n[b]! + weight;
    this.sums[b] = this.sums[b]! + weight * factor;
    this.total[t] = this.total[t]! + weight * factor;
    this.squares[b] = this.squares[b]! + weight * factor * factor;
    const prior = bandPriorWeight(this.n, this.sums, this.squares, first, this.bands, this.#maxPrior);
    if (prior !== undefined) this.prior[t] = prior;
  }
}
