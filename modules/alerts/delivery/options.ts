/** How notifications reach one sink. */
export interface DeliveryOptions {
  /** Time allowed for one attempt, in ms. @default 10_000 */
  readonly timeoutMs?: number;
  /** Attempts after the first on 5xx, 429, timeouts and network errors. @default 3 */
  readonly maxRetries?: number;
  /** First backoff in ms (doubled each retry, ±20% jitter). @default 1_000 */
  readonly backoffMs?: number;
  /** Longest backoff in ms. @default 60_000 */
  readonly maxBackoffMs?: number;
  /** Longest Retry-After honoured, in ms (a longer one is cut to this). @default 300_000 */
  readonly maxRetryAfterMs?: number;
  /** Notifications waiting per sink; overflow drops the oldest info, then warning, never a critical. @default 100 */
  readonly queueSize?: number;
  /** Failed deliveries in a row that open the sink's breaker. @default 5 */
  readonly breakerFailures?: number;
  /** How long an open breaker waits before one trial delivery, in ms. @default 60_000 */
  readonly breakerCooldownMs?: number;
}

/** {@link DeliveryOptions} with defaults. */
export type DeliverySettings = Required<DeliveryOptions>;

/** Defaults of {@link DeliveryOptions}. */
export const DEFAULT_DELIVERY: DeliverySettings = {
  timeoutMs: 10_000,
  maxRetries: 3,
  backoffMs: 1_000,
  maxBackoffMs: 60_000,
  maxRetryAfterMs: 300_000,
  queueSize: 100,
  breakerFailures: 5,
  breakerCooldownMs: 60_000,
};
