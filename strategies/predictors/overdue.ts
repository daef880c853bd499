import type { AttemptOutcome, CompletionRequest, FirstTokenOutcome } from '../../src/index.js';
import { standardNormalCdf } from './normal.js';
import { isOnTime } from './on-time.js';
import { PendingRing } from './pending-ring.js';

/**
 * Spread (σ of log latency) of an attempt around its prediction: the providers' noise plus the
 * models' error. Wide on purpose: it makes a few young attempts that are all still pending count
 * as evidence early (docs/decisions/0006-overdue-spread.md).
 */
const SPREAD = 1;
/** Bisection steps of {@link OverdueTracker.slowdown}: a precision of about 1e-6 on log s. */
const STEPS = 24;

/**
 * Censored latency evidence from attempts still in flight. Each attempt is recorded with the
 * latency the strategy predicted for it when it picked the target; one pending for `age` ms has a
 * latency of at least `age`. Had the target stayed as predicted, some of the pending attempts
 * would likely have finished by now: when the expected number of them exceeds `evidence`, the
 * target is slower than predicted, and {@link slowdown} says by how much — seconds after a
 * slowdown starts, long before the first slow attempt ends.
 *
 * Only attempts started after the target's freshest on-time success count: a later attempt that
 * finished in time says that the slowness of older ones is over (a spike that has ended) or was
 * their own (an outlier).
 *
 * Attempts are matched to outcomes by target and request object; attempts the router starts
 * without asking the strategy (a single candidate) are never recorded and are ignored.
 * O(pending on the target) per call (× 24 for {@link slowdown}), O(pending) memory.
 *
 * @example
 * ```ts
 * const overdue = new OverdueTracker(targets.length, 2);
 * overdue.picked(t.index, context.request, now, predictedMs); // in pick
 * overdue.settled(outcome);                                  // in observe, for every outcome
 * latency *= overdue.slowdown(t.index, now);
 * ```
 */
export class OverdueTracker {
  readonly #evidence: number;
  readonly #pending: PendingRing[];
  /** Start time of the latest attempt that succeeded on time (`isOnTime` against its prediction). */
  readonly #fresh: Float64Array;
  /** Scratch buffer of {@link slowdown}: log(age / expected) of each counted attempt. */
  readonly #logs: number[] = [];

  /**
   * @param evidence How many pending attempts should have finished by now (by their predictions)
   * before their silence counts as a slowdown; 0 turns {@link slowdown} off (always 1).
   */
  constructor(targetCount: number, evidence: number) {
    this.#evidence = evidence;
    this.#pending = Array.from({ length: targetCount }, () => new PendingRing());
    this.#fresh = new Float64Array(targetCount).fill(Number.NEGATIVE_INFINITY);
  }

  /**
   * Records an attempt on target `index` started at `now`, predicted to take `expectedMs`; for a
   * stream, `firstTokenMs` (> 0) is when its first token is expected: until {@link firstToken}
   * reports it, the attempt is judged against that, much sooner.
   */
  picked(index: number, request: CompletionRequest, now: number, expectedMs: number, firstTokenMs = 0): void {
    if (this.#evidence === 0 || !(expectedMs > 0) || !Number.isFinite(expectedMs)) return;
    const first = firstTokenMs > 0 && firstTokenMs < expectedMs ? firstTokenMs : 0;
    this.#pending[index]?.push(request, now, expectedMs, first);
  }

  /** Records the first token of a streamed attempt: from now on it is judged against its whole latency. */
  firstToken(event: FirstTokenOutcome): void {
    const ring = this.#pending[event.target.index];
    const slot = ring?.find(event.request, event.startedAt) ?? -1;
    if (slot >= 0) ring!.firstTokenMs[slot] = 0;
  }

  /** Records the end of an attempt (any outcome). */
  settled(outcome: AttemptOutcome): void {
    const t = outcome.target.index;
    const ring = this.#pending[t];
    if (ring === undefined) return;
    const slot = ring.remove(outcome.request, outcome.startedAt);
    if (slot < 0) return;
    const startedAt = ring.startedAt[slot]!;
    const onTime = outcome.ok && isOnTime(outcome.latencyMs, ring.expectedMs[slot]!);
    if (onTime && startedAt > this.#fresh[t]!) this.#fresh[t] = startedAt;
  }

  /**
   * Start time of target `index`'s latest on-time success (−Infinity before one): a strategy's
   * snapshot keeps it; the pending attempts are bookkeeping of this process and are not kept.
   */
  freshAt(index: number): number {
    return this.#fresh[index] ?? Number.NEGATIVE_INFINITY;
  }

  /** Sets what {@link freshAt} returns (for a restore); pending attempts are left as they are. */
  setFreshAt(index: number, startedAt: number): void {
    this.#fresh[index] = startedAt;
  }

  /** Attempts recorded on target `index` that have not finished. */
  pending(index: number): number {
    return this.#pending[index]?.live ?? 0;
  }

  /**
   * Latency multiplier for target `index` (≥ 1; 1 = on time). If the target were `s` times slower
   * than predicted, a counted attempt of age `a` predicted to take `e` would have finished with
   * probability `Φ(ln(a / (s·e)) / SPREAD)`; none has, so the slowdown is the `s` at which the
   * expected number finished falls to `evidence`.
   */
  slowdown(index: number, now: number): number {
    const ring = this.#pending[index];
    // Each pending attempt adds at most 1 to the expected number finished: no more of them than
    // `evidence` can never be evidence (the common case, and O(1)).
    if (ring === undefined || this.#evidence === 0 || ring.live <= this.#evidence) return 1;
    const fresh = this.#fresh[index]!;
    const logs = this.#logs;
    let count = 0;
    let top = Number.NEGATIVE_INFINITY;
    for (let i = ring.head; i < ring.tail; i++) {
      const slot = i & ring.mask;
      if (ring.requests[slot] === undefined) continue;
      const startedAt = ring.startedAt[slot]!;
      if (startedAt <= fresh || now <= startedAt) continue;
      const first = ring.firstTokenMs[slot]!;
      const value = Math.log((now - startedAt) / (first > 0 ? first : ring.expectedMs[slot]!));
      logs[count++] = value;
      if (value > top) top = value;
    }
    if (count === 0 || expectedDone(logs, count, 0) <= this.#evidence) return 1;
    // expectedDone falls as log s grows; at top + 4·SPREAD it is below count · 4e-5 < evidence.
    let low = 0;
    let high = top + 4 * SPREAD;
    for (let i = 0; i < STEPS; i++) {
      const mid = (low + high) / 2;
      if (expectedDone(logs, count, mid) > this.#evidence) low = mid;
      else high = mid;
    }
    return Math.exp((low + high) / 2);
  }
}

/** Expected number of the attempts finished by now if the target is `exp(logSlowdown)` times slower. */
function expectedDone(logs: readonly number[], count: number, logSlowdown: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += standardNormalCdf((logs[i]! - logSlowdown) / SPREAD);
  return sum;
}
