import {
  type Clock,
  type JsonValue,
  type PredictionFeatures,
  type PredictionTarget,
  type Predictor,
  SwitchyardError,
} from '../../src/index.js';
import { encodeNumber, SNAPSHOT_VERSION, SnapshotReader } from '../snapshot.js';

/** Options of {@link DecayingMean}. */
export interface DecayingMeanOptions {
  /** Clock the age of observations is measured on (the router's). */
  readonly clock: Clock;
  /**
   * Half-life of an observation's weight in ms of clock time: old news fades even while nothing
   * new arrives, so an estimate drifts back to `prior` for a target that is not being used.
   * @default 10_000
   */
  readonly halfLifeMs?: number;
  /** What the mean is before any data and returns to as data ages. @default 0 */
  readonly prior?: number;
  /**
   * Weight of the prior, in observations: how much data it takes to move the mean away from it.
   * @default 1
   */
  readonly priorWeight?: number;
  /**
   * Half-life in ms of clock time of the mean's distance from `prior` while no observation
   * arrives: besides its weight fading (`halfLifeMs`), the estimate itself returns to the prior,
   * whatever weight the old data had, so a target that failed and was then avoided looks healthy
   * again and gets retried. The fade is written into the sums at the next observation: new data
   * adds to the faded estimate. `Infinity` turns it off.
   * @default Infinity
   */
  readonly fadeHalfLifeMs?: number;
}

/**
 * A mean that forgets with clock time: each observation's weight halves every `halfLifeMs`, and
 * a `prior` with a fixed weight pulls the mean back to it as the data ages. Ignores the
 * features. The `intelligent` strategy uses it for failure probabilities (observe 1 for a
 * failure, 0 for a success): a target that failed during an outage looks healthy again some
 * half-lives later, so it gets retried and recovery is noticed. O(1) per call.
 *
 * @example
 * ```ts
 * const failure = new DecayingMean({ clock, halfLifeMs: 5_000, prior: 0.05, priorWeight: 2 });
 * failure.observe(features, { value: 1 });
 * failure.predict(features); // (1 + 0.05·2) / 3 ≈ 0.37
 * ```
 */
export class DecayingMean implements Predictor {
  readonly #clock: Clock;
  readonly #ln2PerMs: number;
  /** `ln 2 / fadeHalfLifeMs` (0: no fade). */
  readonly #fadeLn2PerMs: number;
  readonly #prior: number;
  readonly #priorWeight: number;
  /** Decayed sums at {@link #stamp}: weight, weight·value, weight·value². */
  #weight = 0;
  #sum = 0;
  #squares = 0;
  #stamp = 0;
  #samples = 0;
  readonly #scratch = { weight: 0, sum: 0, squares: 0 };

  constructor(options: DecayingMeanOptions) {
    const halfLifeMs = options.halfLifeMs ?? 10_000;
    if (!(halfLifeMs > 0 && Number.isFinite(halfLifeMs))) {
      throw new SwitchyardError(
        'config',
        `DecayingMean: halfLifeMs: expected a finite number of ms > 0, got ${String(halfLifeMs)}`,
      );
    }
    const prior = options.prior ?? 0;
    if (!Number.isFinite(prior)) {
      throw new SwitchyardError(
        'config',
        `DecayingMean: prior: expected a finite number, got ${String(prior)}`,
      );
    }
    const priorWeight = options.priorWeight ?? 1;
    if (!(priorWeight > 0 && Number.isFinite(priorWeight))) {
      throw new SwitchyardError(
        'config',
        `DecayingMean: priorWeight: expected a finite number > 0, got ${String(priorWeight)}`,
      );
    }
    const fadeHalfLifeMs = options.fadeHalfLifeMs ?? Number.POSITIVE_INFINITY;
    if (!(fadeHalfLifeMs > 0)) {
      throw new SwitchyardError(
        'config',
        `DecayingMean: fadeHalfLifeMs: expected a number of ms > 0 (Infinity: off), got ${String(fadeHalfLifeMs)}`,
      );
    }
    this.#clock = options.clock;
    this.#ln2PerMs = Math.LN2 / halfLifeMs;
    this.#fadeLn2PerMs = Math.LN2 / fadeHalfLifeMs;
    this.#prior = prior;
    this.#priorWeight = priorWeight;
  }

  get samples(): number {
    return this.#samples;
  }

  /** Learns one value; non-finite values and weights ≤ 0 are ignored. */
  observe(features: PredictionFeatures, target: PredictionTarget): void {
    const value = target.value;
    const weight = target.weight ?? 1;
    if (!Number.isFinite(value) || !(weight > 0) || !Number.isFinite(weight)) return;
    const now = features.now ?? this.#clock.now();
    this.#age(now);
    this.#weight += weight;
    this.#sum += weight * value;
    this.#squares += weight * value * value;
    if (now > this.#stamp) this.#stamp = now;
    this.#samples++;
  }

  /** The decayed mean, shrunk toward the prior: `(Σw·v + prior·priorWeight) / (Σw + priorWeight)`. */
  predict(features?: PredictionFeatures): number {
    const aged = this.#aged(features?.now ?? this.#clock.now());
    return (aged.sum + this.#prior * this.#priorWeight) / (aged.weight + this.#priorWeight);
  }

  /** Standard deviation of the mean: `sqrt(spread / (Σw + priorWeight))`; grows back as data ages. */
  uncertainty(features?: PredictionFeatures): number {
    const aged = this.#aged(features?.now ?? this.#clock.now());
    const n = aged.weight + this.#priorWeight;
    const mean = (aged.sum + this.#prior * this.#priorWeight) / n;
    const second = (aged.squares + this.#prior * this.#prior * this.#priorWeight) / n;
    // For 0/1 data the spread is p(1 − p); a floor keeps a fresh mean from claiming certainty.
    const spread = Math.max(second - mean * mean, 0.25 / (1 + n));
    return Math.sqrt(spread / n);
  }

  /** Effective number of observations left after decay (excluding the prior). */
  weight(): number {
    return this.#weight * this.#keep(this.#clock.now());
  }

  /**
   * What the mean has learned, as JSON: its decayed sums (weight, weight·value, weight·value²) as
   * of the clock time of its last observation (absolute, on the clock given in the options), and
   * the sample count. Options are not part of it.
   *
   * @example
   * ```ts
   * const copy = new DecayingMean({ clock, halfLifeMs: 5_000 });
   * copy.restore(JSON.parse(JSON.stringify(failure.snapshot())));
   * ```
   */
  snapshot(): JsonValue {
    return {
      version: SNAPSHOT_VERSION,
      samples: this.#samples,
      stamp: encodeNumber(this.#stamp),
      weight: encodeNumber(this.#weight),
      sum: encodeNumber(this.#sum),
      squares: encodeNumber(this.#squares),
    };
  }

  /**
   * Replaces what the mean has learned with a {@link snapshot}. Nothing changes when it throws.
   * @throws {SwitchyardError} `config` when `snapshot` is malformed or of another version (the
   * message names the field: `DecayingMean: snapshot.weight: expected …`).
   */
  restore(snapshot: JsonValue): void {
    const read = new SnapshotReader('DecayingMean');
    const root = read.root(snapshot);
    const samples = read.number(root.samples, 'snapshot.samples', 'count');
    const stamp = read.number(root.stamp, 'snapshot.stamp', 'finite');
    const weight = read.number(root.weight, 'snapshot.weight', 'nonNegative');
    const sum = read.number(root.sum, 'snapshot.sum', 'finite');
    const squares = read.number(root.squares, 'snapshot.squares', 'nonNegative');
    this.#samples = samples;
    this.#stamp = stamp;
    this.#weight = weight;
    this.#sum = sum;
    this.#squares = squares;
  }

  /** Writes the sums aged to `now` (decayed weight, faded mean) into the fields. */
  #age(now: number): void {
    const aged = this.#aged(now);
    this.#weight = aged.weight;
    this.#sum = aged.sum;
    this.#squares = aged.squares;
  }

  /**
   * The sums as of `now`, into a reused record: weight and sums decayed by `halfLifeMs`, then,
   * with a fade, the sum and squares moved so that the shrunk mean's distance from the prior is
   * faded and its spread kept.
   */
  #aged(now: number): { weight: number; sum: number; squares: number } {
    const keep = this.#keep(now);
    const out = this.#scratch;
    const weight = this.#weight * keep;
    out.weight = weight;
    out.sum = this.#sum * keep;
    out.squares = this.#squares * keep;
    const elapsed = now - this.#stamp;
    if (this.#fadeLn2PerMs === 0 || !(elapsed > 0) || weight === 0) return out;
    const fade = Math.exp(-elapsed * this.#fadeLn2PerMs);
    const prior = this.#prior;
    const pw = this.#priorWeight;
    const n = weight + pw;
    const mean = (out.sum + prior * pw) / n;
    const spread = Math.max(0, (out.squares + prior * prior * pw) / n - mean * mean);
    const faded = prior + (mean - prior) * fade;
    out.sum = faded * n - prior * pw;
    out.squares = Math.max(0, (spread + faded * faded) * n - prior * prior * pw);
    return out;
  }

  #keep(now: number): number {
    const elapsed = now - this.#stamp;
    return elapsed > 0 ? Math.exp(-elapsed * this.#ln2PerMs) : 1;
  }
}
