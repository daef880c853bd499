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
