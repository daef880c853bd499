import type { AttemptOutcome, JsonValue } from '../../src/index.js';
import { encodeNumber, type SnapshotReader } from '../snapshot.js';
import { isOnTime } from './on-time.js';

/**
 * What an {@link InFlightTracker} keeps of a target across a snapshot: its clock marks and usual
 * latency. Attempts in flight are not part of it.
 */
export interface InFlightLearned {
  readonly lastPickAt: number;
  readonly lastOutcomeAt: number;
  readonly meanLatencyMs: number;
  readonly freshAt: number;
}

/** Weight of a new success in the running mean of a target's latency. */
const LATENCY_ALPHA = 0.05;

/** Options of {@link InFlightTracker}. */
export interface InFlightTrackerOptions {
  /**
   * When an attempt succeeds on time (within twice the target's mean latency), the attempts
   * picked before that moment stop counting: its answer says the slowness of older ones is over
   * (a spike that has ended) or was their own. Without it, attempts still hanging from a spike
   * keep a recovered target "silent" until they drain.
   * @default false
   */
  readonly forgetOnTime?: boolean;
}

/**
 * What a learning strategy knows about the attempts it sent that have not finished yet, per
 * target: how many, their mean start time, when it last picked the target and when the target
 * last answered. Models learn only from finished attempts, so when a target suddenly becomes 10×
 * slower they see nothing until the first slow attempts end; this tracker sees it sooner, as
 * silence: attempts pending but none finishing.
 *
 * With `pending` attempts of the usual latency `L`, one should finish every `L / pending` ms.
 * {@link slowdown} returns `silence × pending / (L × lateAfter)` when that exceeds 1, where
 * `silence` is the time since the target's last outcome (capped at twice the pending attempts'
 * mean age, so a target that was idle is not "silent"). With `forgetOnTime`, an on-time success
 * clears the attempts picked before it. O(1) per call, O(targets) memory.
 *
 * Attempts the router starts without asking the strategy (a single candidate) finish without
 * having been counted; they are ignored.
 *
 * @example
 * ```ts
 * const tracker = new InFlightTracker(targets.length, 3);
 * tracker.picked(t.index, now);            // in pick
 * tracker.settled(outcome, clock.now());   // in observe, for every outcome
 * latency *= tracker.slowdown(t.index, now);
 * ```
 */
export class InFlightTracker {
  readonly #lateAfter: number;
  readonly #pending: Float64Array;
  readonly #pendingStarts: Float64Array;
  readonly #lastPick: Float64Array;
  readonly #lastOutcome: Float64Array;
  readonly #meanLatency: Float64Array;
  readonly #forgetOnTime: boolean;
  /** Clock time of the last on-time success (with `forgetOnTime`): earlier picks no longer count. */
  readonly #freshAt: Float64Array;

  /** `lateAfter` 0 turns {@link slowdown} off (always 1). */
  constructor(targetCount: number, lateAfter: number, options: InFlightTrackerOptions = {}) {
    this.#lateAfter = lateAfter;
    this.#forgetOnTime = options.forgetOnTime ?? false;
    this.#freshAt = new Float64Array(targetCount).fill(Number.NEGATIVE_INFINITY);
    this.#pending = new Float64Array(targetCount);
    this.#pendingStarts = new Float64Array(targetCount);
    this.#lastPick = new Float64Array(targetCount).fill(Number.NEGATIVE_INFINITY);
    this.#lastOutcome = new Float64Array(targetCount);
    this.#meanLatency = new Float64Array(targetCount);
  }

  /** Records that the strategy picked target `index` at `now`. */
  picked(index: number, now: number): void {
    this.#pending[index]! += 1;
    this.#pendingStarts[index]! += now;
    this.#lastPick[index] = now;
  }

  /** Records the end of an attempt (any outcome, also ones the strategy otherwise ignores). */
  settled(outcome: AttemptOutcome, now: number): void {
    const t = outcome.target.index;
    if (now > this.#lastOutcome[t]!) this.#lastOutcome[t] = now;
    let onTime = false;
    if (outcome.ok) {
      const ms = Math.max(0, outcome.latencyMs);
      const mean = this.#meanLatency[t]!;
      onTime = isOnTime(ms, mean);
      this.#meanLatency[t] = mean > 0 ? mean * (1 - LATENCY_ALPHA) + ms * LATENCY_ALPHA : ms;
    }
    if (onTime && this.#forgetOnTime) {
      this.#freshAt[t] = now;
      this.#pending[t] = 0;
      this.#pendingStarts[t] = 0;
      return;
    }
    // Attempts picked before the last on-time success were already let go.
    if (outcome.startedAt < this.#freshAt[t]! || this.#pending[t]! < 1) return;
    this.#pending[t]! -= 1;
    this.#pendingStarts[t] = this.#pending[t]! < 1 ? 0 : this.#pendingStarts[t]! - outcome.startedAt;
  }

  /**
   * Target `index`'s clock marks (last pick, last outcome, last on-time success; absolute clock
   * times) and running mean latency, as JSON for a strategy's snapshot. The attempts in flight
   * are bookkeeping of this process, not learned: they are left out.
   */
  learnedJson(index: number): JsonValue {
    return {
      lastPickAt: encodeNumber(this.#lastPick[index]!),
      lastOutcomeAt: encodeNumber(this.#lastOutcome[index]!),
      meanLatencyMs: encodeNumber(this.#meanLatency[index]!),
      freshAt: encodeNumber(this.#freshAt[index]!),
    };
  }

  /** Reads what {@link learnedJson} wrote (throws `config` errors naming `path`'s fields). */
  static readLearned(read: SnapshotReader, value: JsonValue | undefined, path: string): InFlightLearned {
    const object = read.object(value, path);
    return {
      lastPickAt: read.number(object.lastPickAt, `${path}.lastPickAt`, 'time'),
      lastOutcomeAt: read.number(object.lastOutcomeAt, `${path}.lastOutcomeAt`, 'finite'),
      meanLatencyMs: read.number(object.meanLatencyMs, `${path}.meanLatencyMs`, 'nonNegative'),
      freshAt: read.number(object.freshAt, `${path}.freshAt`, 'time'),
    };
  }

  /**
   * Sets target `index`'s clock marks and mean latency to `learned`, or to a fresh target's when
   * undefined. Its attempts in flight are left as they are.
   */
  setLearned(index: number, learned: InFlightLearned | undefined): void {
    this.#lastPick[index] = learned?.lastPickAt ?? Number.NEGATIVE_INFINITY;
    this.#lastOutcome[index] = learned?.lastOutcomeAt ?? 0;
    this.#meanLatency[index] = learned?.meanLatencyMs ?? 0;
    this.#freshAt[index] = learned?.freshAt ?? Number.NEGATIVE_INFINITY;
  }

  /** Clock time of the last pick of target `index` (−Infinity before the first). */
  lastPickAt(index: number): number {
    return this.#lastPick[index]!;
  }

  /** Clock time of target `index`'s last outcome (0 before the first). */
  lastOutcomeAt(index: number): number {
    return this.#lastOutcome[index]!;
  }

  /** Running mean of target `index`'s successful latencies in ms (0 before the first). */
  meanLatency(index: number): number {
    return this.#meanLatency[index]!;
  }

  /** Attempts picked for target `index` that have not finished (with `forgetOnTime`: since its last on-time success). */
  pending(index: number): number {
    return this.#pending[index]!;
  }

  /** How late target `index`'s pending attempts are (≥ 1; 1 = not late). */
  slowdown(index: number, now: number): number {
    const pending = this.#pending[index]!;
    const usual = this.#meanLatency[index]!;
    if (this.#lateAfter === 0 || pending < 1 || usual <= 0) return 1;
    const meanAge = now - this.#pendingStarts[index]! / pending;
    const silence = Math.min(now - this.#lastOutcome[index]!, 2 * meanAge);
    return Math.max(1, (silence * pending) / (usual * this.#lateAfter));
  }
}
