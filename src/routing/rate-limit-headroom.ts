import type { TargetRuntime } from '../target-runtime.js';
import type { RateLimitInfo, RateLimitState } from '../types/rate-limit.js';

/** A report on the router's clock: relative resets become clock times. */
export function rateLimitState(info: RateLimitInfo, now: number): RateLimitState {
  return {
    ...info,
    at: now,
    resetRequestsAt:
      info.resetRequestsMs === undefined ? Number.POSITIVE_INFINITY : now + info.resetRequestsMs,
    resetTokensAt: info.resetTokensMs === undefined ? Number.POSITIVE_INFINITY : now + info.resetTokensMs,
  };
}

/**
 * Whether `target`'s reported headroom is used up at `now` for a call needing about `tokens`:
 * no request left once the attempts already in flight take theirs, or fewer tokens left than the
 * call needs, before the window's reset. A report whose reset has passed says nothing any more.
 */
export function headroomExhausted(target: TargetRuntime, now: number, tokens: number): boolean {
  const r = target.rateLimit;
  if (r === undefined) return false;
  if (
    r.remainingRequests !== undefined &&
    now < r.resetRequestsAt &&
    r.remainingRequests - target.inFlight <= 0
  ) {
    return true;
  }
  return r.remainingTokens !== undefined && now < r.resetTokensAt && r.remainingTokens < tokens;
}

/**
 * Drops from `pool` (in place) the targets whose provider reported its headroom used up, unless
 * that would leave none: the strategy then picks among those that will not answer 429.
 * `tokens` is computed only when a target has a report.
 */
export function avoidExhausted(
  pool: TargetRuntime[],
  now: number,
  tokens: (t: TargetRuntime) => number,
): void {
  let reported = false;
  for (const t of pool) if (t.rateLimit !== undefined) reported = true;
  if (!reported) return;
  let kept = 0;
  for (const t of pool) if (!headroomExhausted(t, now, tokens(t))) kept++;
  if (kept === 0 || kept === pool.length) return;
  let w = 0;
  for (const t of pool) if (!headroomExhausted(t, now, tokens(t))) pool[w++] = t;
  pool.length = w;
}
