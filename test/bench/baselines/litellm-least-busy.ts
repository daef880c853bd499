/**
 * A faithful re-implementation of LiteLLM's `least-busy` strategy, as a Switchyard `Strategy`,
 * for the routing-quality lab.
 *
 * Source read: BerriAI/litellm, `litellm/router_strategy/least_busy.py`, class
 * `LeastBusyLoggingHandler` (`log_pre_api_call`, `async_log_success_event`,
 * `async_log_failure_event`, `_get_available_deployments`). What we match:
 * - Its own in-flight counters: +1 just before the call (`log_pre_api_call`; here: on pick,
 *   since the router starts the attempt right after), −1 on success and on failure.
 * - The counter map keeps every deployment ever seen, in first-seen order; healthy ones not yet
 *   seen are added with 0.
 * - Pick: the first entry with the smallest count (strict `<`, so ties go to the earliest
 *   seen), over ALL known deployments; if that one is not among the healthy candidates (for
 *   instance ejected), a uniformly random healthy candidate (`random.choice`).
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

/** Factory of the LiteLLM least-busy baseline, registered in the lab as `litellm-least-busy`. */
export function litellmLeastBusy(): StrategyFactory {
  return (_init: StrategyInit) => new LitellmLeastBusy();
}

class LitellmLeastBusy implements Strategy {
  readonly name = 'litellm-least-busy';
  /** Target index → its own in-flight count, in first-seen order (a Map keeps insertion order). */
  readonly #counts = new Map<number, number>();
  /** Target index → start time → picks in flight that started then (to match outcomes to picks). */
  readonly #picks = new Map<number, Map<number, number>>();

  pick(candidates: readonly TargetView[], context: PickContext): TargetView {
    for (const c of candidates) if (!this.#counts.has(c.index)) this.#counts.set(c.index, 0);
    let min = Number.POSITIVE_INFINITY;
    let minIndex = -1;
    for (const [index, count] of this.#counts) {
      if (count < min) {
        min = count;
        minIndex = index;
      }
    }
    const picked =
      candidates.find((c) => c.index === minIndex) ??
      candidates[Math.floor(context.random() * candidates.length)]!;
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
    this.#counts.set(i, (this.#counts.get(i) ?? 0) - 1);
  }

  /** Score = the strategy's own in-flight count; lower is better. */
  describe(candidates: readonly TargetView[]): readonly CandidateScore[] {
    return candidates.map((c) => ({
      target: c.id,
      score: this.#counts.get(c.index) ?? 0,
      note: 'own in-flight count',
    }));
  }
}
