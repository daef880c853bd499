import type { TargetState } from '../state/store.js';

/** Length of the requests-per-minute window. */
export const RATE_WINDOW_MS = 60_000;

/**
 * Requests-per-minute limit as a sliding log in a ring buffer of `limit` start times: O(1) per
 * check, exact (no bucket-edge bursts).
 */
export const rateWindow = {
  /** Whether one more attempt may start at `now`. */
  available(state: TargetState, limit: number, now: number): boolean {
    const stamps = state.rateStamps;
    if (stamps === undefined) return true;
    // A changed limit resets the window on the next acquire.
    return stamps.length !== limit || stamps[state.rateHead]! <= now - RATE_WINDOW_MS;
  },
  /** Records an attempt that starts at `now`. */
  acquire(state: TargetState, limit: number, now: number): void {
    if (state.rateStamps === undefined || state.rateStamps.length !== limit) {
      state.rateStamps = new Float64Array(limit).fill(Number.NEGATIVE_INFINITY);
      state.rateHead = 0;
    }
    state.rateStamps[state.rateHead] = now;
    state.rateHead = (state.rateHead + 1) % limit;
  },
  /** Clock time at which the next attempt may start. */
  nextFreeAt(state: TargetState, now: number): number {
    const stamps = state.rateStamps;
    if (stamps === undefined) return now;
    return Math.max(now, stamps[state.rateHead]! + RATE_WINDOW_MS);
  },
};
