import type { AbortSignalLike } from './types/abort.js';
import type { Clock, RandomSource, TimerHandle } from './types/clock.js';

const origin = performance.timeOrigin;
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The real clock: epoch milliseconds with sub-millisecond precision that never go backwards
 * (`performance.timeOrigin + performance.now()`), and Node timers.
 *
 * Timers keep the process alive: a pending backoff or deadline is real work, and the router
 * clears its timers as soon as a call settles. A timer never fires before `now()` has reached
 * its due time (Node's timers can run up to a millisecond early by that measure).
 */
export const systemClock: Clock = {
  now,
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle: { timer: ReturnType<typeof setTimeout> | undefined } = { timer: undefined };
    const due = now() + ms;
    const fire = () => {
      const left = due - now();
      if (left <= 0) return fn();
      // Node fires timers longer than 2^31-1 ms after 1 ms: cap each leg at ~24.8 days.
      const refed = handle.timer?.hasRef() ?? true;
      handle.timer = setTimeout(fire, Math.min(Math.ceil(left), MAX_TIMER_MS));
      if (!refed) handle.timer.unref();
    };
    handle.timer = setTimeout(fire, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    return handle;
  },
  clearTimeout(handle: TimerHandle): void {
    const timer = (handle as { timer?: ReturnType<typeof setTimeout> } | undefined)?.timer;
    if (timer !== undefined) clearTimeout(timer);
  },
  unref(handle: TimerHandle): void {
    (handle as { timer?: ReturnType<typeof setTimeout> } | undefined)?.timer?.unref();
  },
  ref(handle: TimerHandle): void {
    (handle as { timer?: ReturnType<typeof setTimeout> } | undefined)?.timer?.ref();
  },
};

function now(): number {
  return origin + performance.now();
}

/**
 * A fast seeded pseudo-random source (mulberry32): the same seed gives the same sequence.
 *
 * @example
 * ```ts
 * const router = new Router({ targets, random: createSeededRandom(42) });
 * ```
 */
export function createSeededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Resolves after `ms` of `clock` time, or rejects with the signal's reason when it aborts first
 * (an `AbortSignal`, an `AbortLatch`, or an adapter's `options.cancellation`). Leaves no timer or
 * listener behind.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignalLike): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
