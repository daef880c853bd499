/**
 * OpenAI's rate-limit headers: `x-ratelimit-limit-{requests,tokens}`,
 * `x-ratelimit-remaining-{requests,tokens}` and `x-ratelimit-reset-{requests,tokens}`, the reset
 * as a duration in OpenAI's (Go's) format: `12ms`, `1s`, `1.5s`, `6m0s`.
 */

/** A duration in OpenAI's reset format: `ms` under a second, else `[<h>h][<m>m]<s>s` with up to 3 decimals. */
export function formatReset(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = (total % 60_000) / 1000;
  const s = `${Number.isInteger(seconds) ? seconds : seconds.toFixed(3).replace(/0+$/, '')}s`;
  if (hours > 0) return `${hours}h${minutes}m${s}`;
  if (minutes > 0) return `${minutes}m${s}`;
  return s;
}

/** One limited dimension's state, for its headers. */
export interface LimitState {
  readonly limit: number;
  readonly used: number;
  /** ms until the oldest counted units leave the window. */
  readonly resetMs: number;
}

/** Sets the three headers of `kind` (`requests` or `tokens`) in `headers`. */
export function rateLimitHeaders(
  headers: Record<string, string>,
  kind: 'requests' | 'tokens',
  state: LimitState,
): void {
  headers[`x-ratelimit-limit-${kind}`] = String(state.limit);
  headers[`x-ratelimit-remaining-${kind}`] = String(Math.max(0, Math.floor(state.limit - state.used)));
  headers[`x-ratelimit-reset-${kind}`] = formatReset(state.resetMs);
}
