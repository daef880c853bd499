/**
 * When an answer counts as "on time": within twice what was expected of it. The in-flight and
 * overdue trackers both let go of older pending attempts after such an answer (the slowness they
 * showed is over, or was their own), so they share the one rule. Internal to `strategies/`.
 */

/** An answer within this multiple of its expected latency is on time. */
export const ON_TIME_RATIO = 2;

/** Whether an answer of `latencyMs` is on time against `expectedMs` (false when nothing is expected yet). */
export function isOnTime(latencyMs: number, expectedMs: number): boolean {
  return expectedMs > 0 && latencyMs <= ON_TIME_RATIO * expectedMs;
}

/**
 * Whether a failed attempt that started at `startedAt` is old news: the target has since answered
 * an attempt that started more than {@link ON_TIME_RATIO} × its usual latency (`usualMs`) later,
 * i.e. after this one was already late. Then the conditions it failed in had ended (a timeout
 * still in flight from a spike that is over). A failure that merely ends after quicker successes
 * that started soon after it (a provider whose failures take 8 s while its successes take 3 s)
 * is not old: it describes the target as it is, and it counts in full (issue #19 §4).
 */
export function isStaleFailure(startedAt: number, freshestSuccessStart: number, usualMs: number): boolean {
  return freshestSuccessStart - startedAt > ON_TIME_RATIO * Math.max(0, usualMs);
}
