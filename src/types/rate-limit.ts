/**
 * A provider's rate-limit headroom as one response reported it (OpenAI's `x-ratelimit-*`,
 * Anthropic's `anthropic-ratelimit-*` headers). Every field is optional: providers report
 * different subsets. Times are relative to the moment of the report.
 */
export interface RateLimitInfo {
  /** Requests left in the current window. */
  readonly remainingRequests?: number;
  /** The window's request limit. */
  readonly limitRequests?: number;
  /** ms until the request window is full again. */
  readonly resetRequestsMs?: number;
  /** Tokens left in the current window. */
  readonly remainingTokens?: number;
  /** The window's token limit. */
  readonly limitTokens?: number;
  /** ms until the token window is full again. */
  readonly resetTokensMs?: number;
}

/**
 * A target's last reported headroom, on the router's clock (from {@link TargetView.rateLimit}):
 * the router steers calls away from a target whose headroom is used up until its reset.
 */
export interface RateLimitState extends RateLimitInfo {
  /** Clock time of the report. */
  readonly at: number;
  /** Clock time at which the request window is full again (`Infinity` when not reported). */
  readonly resetRequestsAt: number;
  /** Clock time at which the token window is full again (`Infinity` when not reported). */
  readonly resetTokensAt: number;
}
