/** Opaque handle of a timer started with {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/**
 * Source of time. The router, strategies and reliability code read time only from here, so a
 * test or simulation can drive them with a virtual clock (`VirtualClock` in `switchyard-llm/testing`).
 */
export interface Clock {
  /** Current time in ms. Only differences matter. */
  now(): number;
  /** Calls `fn` after `ms` ms of this clock's time. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer. Unknown handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
  /** Lets a pending timer stop keeping the process alive (optional; real clocks only). */
  unref?(handle: TimerHandle): void;
  /** Makes a timer keep the process alive again after {@link unref} (optional). */
  ref?(handle: TimerHandle): void;
}

/** A source of uniform random numbers in [0, 1). Inject a seeded one for deterministic runs. */
export type RandomSource = () => number;
