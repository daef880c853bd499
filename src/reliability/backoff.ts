import type { RandomSource } from '../types/clock.js';

/** Retry options. */
export interface RetryOptions {
  /** Most upstream requests per call, across all targets, the first included. @default 3 */
  readonly maxAttempts?: number;
  /** Backoff base in ms: the n-th retry waits up to `baseDelayMs × 2^(n-1)`. @default 200 */
  readonly baseDelayMs?: number;
  /** Backoff cap in ms. @default 8000 */
  readonly maxDelayMs?: number;
  /**
   * The longest provider Retry-After the router waits for. A longer one blocks the target for
   * that long but the call does not wait: it falls back or fails. @default 60000
   */
  readonly maxRetryAfterMs?: number;
}

/** Retry options with defaults applied. */
export type ResolvedRetryOptions = Required<RetryOptions>;

/** Applies defaults to {@link RetryOptions}. */
export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  return {
    maxAttempts: options.maxAttempts ?? 3,
    baseDelayMs: options.baseDelayMs ?? 200,
    maxDelayMs: options.maxDelayMs ?? 8000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
  };
}

/**
 * "Full jitter" exponential backoff (AWS architecture blog): a uniform wait in
 * `[0, min(maxDelayMs, baseDelayMs × 2^(retry-1)))`, so that synchronized clients spread out.
 *
 * @param retry 1 for the first retry.
 */
export function fullJitterDelay(retry: number, options: ResolvedRetryOptions, random: RandomSource): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
