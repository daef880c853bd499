import type { JsonValue } from '../../src/index.js';
import { encodeNumber, type SnapshotReader } from '../snapshot.js';

/** What a {@link RunningMoments} has learned (its `alpha` is configuration, not state). */
export interface MomentsState {
  readonly mean: number;
  readonly variance: number;
  readonly started: boolean;
}

/**
 * An exponentially weighted running mean and variance: each new value moves them by `alpha`, so
 * they follow the last `≈ 1 / alpha` values. The first value sets the mean; the variance starts
 * at `initialVariance` and grows or shrinks from there. O(1) per value, no allocation.
 *
 * The learning strategies use it for what all targets have in common (the spread of outcomes, the
 * average advantage): the prior that an idle target's estimate returns to.
 *
 * @example
 * ```ts
 * const moments = new RunningMoments(0.02);
 * moments.add(3);
 * moments.add(5);
 * moments.mean; // 3.04
 * ```
 */
export class RunningMoments {
  /** Running mean (0 before the first value). */
  mean = 0;
  /** Running variance. */
  variance: number;
  /** Whether a value has been added. */
  started = false;
  readonly #alpha: number;

  /**
   * @param alpha Weight of a new value, in (0, 1].
   * @param initialVariance The variance before the data has any spread. @default 0
   */
  constructor(alpha: number, initialVariance = 0) {
    this.#alpha = alpha;
    this.variance = initialVariance;
  }

  /** Mean square (`variance + mean²`): the second moment, for mixing into a posterior. */
  get second(): number {
    return this.variance + this.mean * this.mean;
  }

  /** Its state as JSON, for a strategy's snapshot. */
  toJson(): JsonValue {
    return { mean: encodeNumber(this.mean), variance: encodeNumber(this.variance), started: this.started };
  }

  /** Reads what {@link toJson} wrote (throws `config` errors naming `path`'s fields). */
  static read(read: SnapshotReader, value: JsonValue | undefined, path: string): MomentsState {
    const object = read.object(value, path);
    return {
      mean: read.number(object.mean, `${path}.mean`, 'finite'),
      variance: read.number(object.variance, `${path}.variance`, 'nonNegative'),
      started: read.boolean(object.started, `${path}.started`),
    };
  }

  /** Takes on a state read by {@link read}. */
  assign(state: MomentsState): void {
    this.mean = state.mean;
    this.variance = state.variance;
    this.started = state.started;
  }

  /** Adds one value; non-finite values are ignored. */
  add(value: number): void {
    if (!Number.isFinite(value)) return;
    if (!this.started) {
      this.started = true;
      this.mean = value;
      return;
    }
    const alpha = this.#alpha;
    const delta = value - this.mean;
    this.mean += alpha * delta;
    this.variance = (1 - alpha) * (this.variance + alpha * delta * delta);
  }
}
