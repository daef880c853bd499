/**
 * What went wrong, in one word. The router decides retries and fallback from it:
 *
 * | kind | meaning | retried on the same target | falls back |
 * |---|---|---|---|
 * | `rate_limited` | 429 / quota | yes, after Retry-After | yes |
 * | `timeout` | deadline or upstream timeout | yes | yes |
 * | `server` | 5xx, 409, overloaded | yes | yes |
 * | `connection` | reset, refused, DNS | yes | yes |
 * | `stream_interrupted` | a stream broke after content was sent | never (ends the stream) | no |
 * | `auth` | 401/403, billing | no | yes |
 * | `not_found` | 404, unknown model | no | yes |
 * | `invalid_request` | 400/422, bad input | no | no |
 * | `aborted` | the caller aborted | no | no |
 * | `no_target` | no healthy target can serve the call | — | — |
 * | `config` | invalid router configuration | — | — |
 * | `budget_exceeded` | a budget cannot cover the call's maximum cost | no | only to a target the budget still covers |
 */
export type ErrorKind =
  | 'rate_limited'
  | 'timeout'
  | 'server'
  | 'connection'
  | 'auth'
  | 'invalid_request'
  | 'not_found'
  | 'aborted'
  | 'stream_interrupted'
  | 'no_target'
  | 'config'
  | 'budget_exceeded';

/** Every {@link ErrorKind}, in a stable order. */
export const ERROR_KINDS: readonly ErrorKind[] = [
  'rate_limited',
  'timeout',
  'server',
  'connection',
  'auth',
  'invalid_request',
  'not_found',
  'aborted',
  'stream_interrupted',
  'no_target',
  'config',
  'budget_exceeded',
];

/** Whether a failure of this kind may succeed if tried again (on the same or another target). */
export function isRetryableKind(kind: ErrorKind): boolean {
  return kind === 'rate_limited' || kind === 'timeout' || kind === 'server' || kind === 'connection';
}

/** Whether a failure of this kind moves the call to another target. */
export function fallsBack(kind: ErrorKind): boolean {
  return isRetryableKind(kind) || kind === 'auth' || kind === 'not_found';
}

/** Whether a failure of this kind counts against the target's health (circuit breaker). */
export function countsAgainstHealth(kind: ErrorKind): boolean {
  return (
    kind !== 'invalid_request' &&
    kind !== 'aborted' &&
    kind !== 'no_target' &&
    kind !== 'config' &&
    kind !== 'budget_exceeded'
  );
}
