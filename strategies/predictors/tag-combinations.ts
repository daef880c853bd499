import type { JsonValue } from '../../src/index.js';
import type { SnapshotReader } from '../snapshot.js';
import { BASE_FEATURES } from './features.js';

/**
 * Which combinations of tag features each target has an outcome on, so that a target seen only
 * on `batch` calls counts as untried on the others: its models know nothing of how it answers
 * there (a linear model would extrapolate from the one combination it saw), and the `intelligent`
 * strategy tries it there once instead of guessing. With no tags there is one combination and
 * nothing is kept. Memory: targets × 2^tags bits (at most 256 bits a target); O(tags) per call.
 */
export class TagCombinations {
  readonly #tags: number;
  /** Per target, 2^tags bits, packed in bytes. */
  readonly #seen: Uint8Array;
  readonly #stride: number;

  constructor(targets: number, tags: number) {
    this.#tags = tags;
    this.#stride = tags === 0 ? 0 : Math.ceil(2 ** tags / 8);
    this.#seen = new Uint8Array(targets * this.#stride);
  }

  /** True when the strategy has tag features (otherwise every answer here is trivially true). */
  get active(): boolean {
    return this.#tags > 0;
  }

  /** The combination of tags set in `values` (a feature vector laid out by `RequestFeatures`). */
  combinationOf(values: ArrayLike<number>): number {
    let combination = 0;
    for (let i = 0; i < this.#tags; i++) if (values[BASE_FEATURES + i] === 1) combination |= 1 << i;
    return combination;
  }

  /** Whether target `t` has an outcome on `combination`. */
  has(t: number, combination: number): boolean {
    if (this.#tags === 0) return true;
    return (this.#seen[t * this.#stride + (combination >> 3)]! & (1 << (combination & 7))) !== 0;
  }

  /** Records an outcome of target `t` on `combination`. */
  add(t: number, combination: number): void {
    if (this.#tags === 0) return;
    const at = t * this.#stride + (combination >> 3);
    this.#seen[at] = this.#seen[at]! | (1 << (combination & 7));
  }

  /** Target `t`'s combinations, ascending, as JSON (for the strategy's snapshot). */
  toJson(t: number): JsonValue {
    const list: number[] = [];
    for (let c = 0; c < 2 ** this.#tags; c++) if (this.has(t, c)) list.push(c);
    return list;
  }

  /**
   * Reads a list written by {@link toJson} (each a whole number below 2^tags).
   * @throws {SwitchyardError} `config` naming `path` when it is malformed.
   */
  read(read: SnapshotReader, value: JsonValue | undefined, path: string): number[] {
    const list = read.list(value, path, 'count');
    const limit = 2 ** this.#tags;
    list.forEach((c, i) => {
      if (c >= limit) read.fail(`${path}[${i}]`, `a whole number below ${limit}`, c);
    });
    return list;
  }

  /** Replaces target `t`'s combinations with `list`. */
  set(t: number, list: readonly number[]): void {
    if (this.#tags === 0) return;
    this.#seen.fill(0, t * this.#stride, (t + 1) * this.#stride);
    for (const c of list) this.add(t, c);
  }
}
