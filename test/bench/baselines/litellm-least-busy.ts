/**
 * LiteLLM's `least-busy` strategy (`litellm/router_strategy/least_busy.py`,
 * `LeastBusyLoggingHandler`) re-implemented as a Switchyard `Strategy` for the lab.
 *
 * Both versions keep their own in-flight counter per deployment: +1 just before the call
 * (`log_pre_api_call`; here: on pick, since the router starts the attempt right after), −1 on
 * success and on failure.
 *
 * `'current'` (`litellm-least-busy`): LiteLLM as of 2026, from BerriAI/litellm `main`,
 * `tests/test_litellm/router_strategy/test_least_busy.py` at commit 2f2e0cf8 and
 * `test_least_busy_clamp.py` at commit 20b638c7 (the indexed copy of the source file was older,
 * so those tests are the spec): the decrement is clamped at 0 (`max(count - 1, 0)`); the minimum
 * is taken over the healthy deployments only (a stale, unhealthy entry with a lower count is
 * skipped); ties go to a uniformly random one of the tied deployments (`ties: 'first'` gives
 * them to the first listed instead, as the source did before that test).
 *
 * `'v1'` (`litellm-least-busy-v1`): LiteLLM v1.51 to early 2026, `least_busy.py` at commit
 * 00e06b86 (the version in the lab before issue #21): the counter map keeps every deployment
 * ever seen, in first-seen order; the pick is the first entry with the smallest count over ALL
 * known deployments, and when that one is not healthy (ejected, cooling down), a uniformly
 * random healthy deployment. No clamp.
 *
 * One difference we cannot avoid: the Switchyard router does not call `pick` when a single
 * candidate is left, so such attempts are not counted; their outcomes are recognised by start
 * time and ignored, so that the counters never drift below the picks in flight.
 */
import type {
  AttemptOutcome,
  CandidateScore,
  PickContext,
  Strategy,
  StrategyFactory,
  StrategyInit,
  TargetView,
} from '../../../src/index.js';

/** Options of {@link litellmLeastBusy}. */
export interface LitellmLeastBusyOptions {
  /** Which LiteLLM (see the file's comment). @default 'current' */
  readonly version?: 'current' | 'v1';
  /** How the current version breaks ties. @default 'random' */
  readonly ties?: 'random' | 'first';
}

/** Factory of a LiteLLM least-busy baseline, `litellm-least-busy` (or `-v1`) in the lab. */
export function litellmLeastBusy(options: LitellmLeastBusyOptions = {}): StrategyFactory {
  return (_init: StrategyInit) => new LitellmLeastBusy(options);
}

class LitellmLeastBusy implements Strategy {
  readonly name: string;
  readonly #v1: boolean;
  readonly #randomTies: boolean;
  /** Target index → its own in-flight count, in first-seen order (a Map keeps insertion order). */
  readonly #counts = new Map<number, number>();
  /** Target index → start time → picks in flight that started then (to match outcomes to picks). */
  readonly #picks = new Map<number, Map<number, number>>();
  /** Scratch: the tied candidates of a pick. */
  readonly #tied: TargetView[] = [];

  constructor(options: LitellmLeastBusyOptions) {
    this.#v1 = options.version === 'v1';
    this.#randomTies = (options.ties ?? 'random') === 'random';
    this.name = this.#v1 ? 'litellm-least-busy-v1' : 'litellm-least-busy';
  }

  pick(candidates: readonly TargetView[], context: PickContext): TargetView {
    for (const c of candidates) if (!this.#counts.has(c.index)) this.#counts.set(c.index, 0);
    const picked = this.#v1 ? this.#pickV1(candidates, context) : this.#pickCurrent(candidates, context);
    this.#counts.set(picked.index, (this.#counts.get(picked.index) ?? 0) + 1);
    let byTime = this.#picks.get(picked.index);
    if (byTime === undefined) {
      byTime = new Map();
      this.#picks.set(picked.index, byTime);
    }
    byTime.set(context.now, (byTime.get(context.now) ?? 0) + 1);
    return picked;
  }

  observe(outcome: AttemptOutcome): void {
    const i = outcome.target.index;
    const byTime = this.#picks.get(i);
    const open = byTime?.get(outcome.startedAt) ?? 0;
    if (byTime === undefined || open === 0) return; // an attempt the router started without a pick
    if (open === 1) byTime.delete(outcome.startedAt);
    else byTime.set(outcome.startedAt, open - 1);
    const next = (this.#counts.get(i) ?? 0) - 1;
    this.#counts.set(i, this.#v1 ? next : Math.max(next, 0));
  }

  /** Score = the strategy's own in-flight count; lower is better. */
  describe(candidates: readonly TargetView[]): readonly CandidateScore[] {
    return candidates.map((c) => ({
      target: c.id,
      score: this.#counts.get(c.index) ?? 0,
      note: 'own in-flight count',
    }));
  }

  /** The fewest in flight among the healthy candidates; ties at random (or to the first listed). */
  #pickCurrent(candidates: readonly TargetView[], context: PickContext): TargetView {
    const tied = this.#tied;
    tied.length = 0;
    let min = Number.POSITIVE_INFINITY;
    for (const c of candidates) {
      const count = this.#counts.get(c.index) ?? 0;
      if (count < min) {
        min = count;
        tied.length = 0;
      }
      if (count === min) tied.push(c);
    }
    return this.#randomTies ? tied[Math.floor(context.random() * tied.length)]! : tied[0]!;
  }

  /** v1: the first known deployment with the fewest; a random healthy one when it is not healthy. */
  #pickV1(candidates: readonly TargetView[], context: PickContext): TargetView {
    let min = Number.POSITIVE_INFINITY;
    let minIndex = -1;
    for (const [index, count] of this.#counts) {
      if (count < min) {
        min = count;
        minIndex = index;
      }
    }
    return (
      candidates.find((c) => c.index === minIndex) ??
      candidates[Math.floor(context.random() * candidates.length)]!
    );
  }
}
