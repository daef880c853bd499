import type { Clock, RandomSource, TimerHandle } from './types/clock.js';

const origin = performance.timeOrigin;

/**
 * The real clock: epoch milliseconds with sub-millisecond precision that never go backwards
 * (`performance.timeOrigin + performance.now()`), and Node timers that do not keep the
 * process alive.
 */
export const systemClock: Clock = {
  now: () => origin + performance.now(),
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

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
 * Resolves after `ms` of `clock` time, or rejects with the signal's reason when it aborts first.
 * Leaves no timer or listener behind.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
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
