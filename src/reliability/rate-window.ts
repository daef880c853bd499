/** Length of the requests-per-minute window. */
export const RATE_WINDOW_MS = 60_000;

/** The start times of recent attempts of one target, in a ring buffer of `limit` entries. */
export interface RateLog {
  stamps: Float64Array | undefined;
  /** Index of the oldest stamp. */
  head: number;
}

/**
 * Requests-per-minute limit as a sliding log in a ring buffer of `limit` start times: O(1) per
 * check, exact (no bucket-edge bursts).
 */
export const rateWindow = {
  /** Whether one more attempt may start at `now`. */
  available(log: RateLog, limit: number, now: number): boolean {
    const stamps = log.stamps;
    if (stamps === undefined) return true;
    // A changed limit resets the window on the next acquire.
    return stamps.length !== limit || stamps[log.head]! <= now - RATE_WINDOW_MS;
  },
  /** Records an attempt that starts at `now`. */
  acquire(log: RateLog, limit: number, now: number): void {
    if (log.stamps === undefined || log.stamps.length !== limit) {
      log.stamps = new Float64Array(limit).fill(Number.NEGATIVE_INFINITY);
      log.head = 0;
    }
    log.stamps[log.head] = now;
    log.head = (log.head + 1) % limit;
  },
  /** Clock time at which the next attempt may start. */
  nextFreeAt(log: RateLog, now: number): number {
    const stamps = log.stamps;
    if (stamps === undefined) return now;
    return Math.max(now, stamps[log.head]! + RATE_WINDOW_MS);
  },
  /** The finite stamps, oldest first (for snapshots). */
  list(log: RateLog): number[] {
    const stamps = log.stamps;
    if (stamps === undefined) return [];
    const out: number[] = [];
    for (let i = 0; i < stamps.length; i++) {
      const stamp = stamps[(log.head + i) % stamps.length]!;
      if (Number.isFinite(stamp)) out.push(stamp);
    }
    return out;
  },
  /** Refills a log from a list of stamps (oldest first) for `limit`; keeps the newest `limit`. */
  fill(log: RateLog, limit: number, list: readonly number[]): void {
    log.stamps = undefined;
    log.head = 0;
    if (limit <= 0) return;
    for (const stamp of list.slice(-limit)) rateWindow.acquire(log, limit, stamp);
  },
};
