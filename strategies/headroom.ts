/**
 * Rate-limit headroom, graded (issue #20): how close a target is to the end of the requests or
 * tokens its provider last reported left in the current window (`TargetView.rateLimit`). The
 * router already sets aside a target whose headroom is used up; the learning strategies use this
 * to steer away *before* that, in proportion to how little is left. Internal to `strategies/`
 * (`adaptive`, `intelligent` and `least-connections` use it).
 */
import {
  type CompletionRequest,
  DEFAULT_TPM_OUTPUT_ESTIMATE,
  estimateInputTokens,
  type TargetView,
} from '../src/index.js';

/**
 * Share of a window's limit below which a target starts to be avoided: with 10% of its requests
 * (or tokens) left, the pressure starts to rise, and it reaches 1 when nothing is left.
 */
export const HEADROOM_SHARE = 0.1;
/**
 * Calls below which a target starts to be avoided when its provider reports what is left but
 * not the limit (and the least such margin when it does): the pressure rises as fewer than this
 * many calls like this one fit in what is left.
 */
export const HEADROOM_CALLS = 10;

/**
 * The rate-limit pressure on `target` for a call needing about `tokens` tokens at `now`: 0 with
 * ample headroom (or no report, or a report whose window has reset since), rising linearly to 1
 * as the calls that still fit in the reported requests or tokens left, once the attempts already
 * in flight take theirs, fall from the margin (`HEADROOM_SHARE` of the window's limit, at least
 * `HEADROOM_CALLS` calls) to none. The larger of the requests' and the tokens' pressure.
 *
 * The learning strategies read it as the chance that the call is refused with a 429 and price it
 * like a failure: a candidate's expected utility loses `pressure × error weight`.
 */
export function headroomPressure(target: TargetView, now: number, tokens: number): number {
  const r = target.rateLimit;
  if (r === undefined) return 0;
  let pressure = 0;
  if (r.remainingRequests !== undefined && now < r.resetRequestsAt) {
    const left = r.remainingRequests - target.inFlight;
    const margin = Math.max(HEADROOM_CALLS, HEADROOM_SHARE * (r.limitRequests ?? 0));
    pressure = graded(left, margin);
  }
  if (r.remainingTokens !== undefined && now < r.resetTokensAt && tokens > 0) {
    const left = r.remainingTokens / tokens - target.inFlight;
    const margin = Math.max(HEADROOM_CALLS, (HEADROOM_SHARE * (r.limitTokens ?? 0)) / tokens);
    pressure = Math.max(pressure, graded(left, margin));
  }
  return pressure;
}

/** 0 at `margin` calls left or more, 1 at none (or fewer), linear in between. */
function graded(left: number, margin: number): number {
  if (left >= margin) return 0;
  if (left <= 0) return 1;
  return 1 - left / margin;
}

/** Tokens a call will need, for the tokens' headroom: its input estimate plus its output cap. */
export function tokensOf(request: CompletionRequest): number {
  return estimateInputTokens(request) + (request.maxOutputTokens ?? DEFAULT_TPM_OUTPUT_ESTIMATE);
}

/**
 * `least-connections`' load with the headroom graded in: a target under rate-limit pressure `p`
 * counts as if it had `(inFlight + 1) / (1 − p) − 1` calls in flight (its load unchanged with
 * ample headroom, twice as busy plus one at `p` = 0.5, never picked at `p` = 1 while another can
 * be).
 */
export function loadWithHeadroom(target: TargetView, now: number, tokens: number): number {
  const pressure = headroomPressure(target, now, tokens);
  if (pressure === 0) return target.inFlight;
  if (pressure >= 1) return Number.POSITIVE_INFINITY;
  return (target.inFlight + 1) / (1 - pressure) - 1;
}
