import {
  type AdapterCallOptions,
  type HeaderSource,
  parseDuration,
  type RateLimitInfo,
  readHeader,
} from '../../src/index.js';

/**
 * The rate-limit headroom a provider's response headers report, for
 * `AdapterCallOptions.reportRateLimit`; `undefined` when they report none. Reads OpenAI's
 * (and most OpenAI-compatible providers') `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`
 * with Go-style durations (`6m0s`, `20ms`), and Anthropic's
 * `anthropic-ratelimit-{requests,tokens,input-tokens}-{limit,remaining,reset}` with RFC 3339
 * reset times (read against `nowMs`, the wall clock). Malformed values are ignored.
 *
 * @example
 * ```ts
 * const info = rateLimitFromHeaders(response.headers);
 * if (info) options.reportRateLimit?.(info);
 * ```
 */
export function rateLimitFromHeaders(headers: HeaderSource, nowMs = Date.now()): RateLimitInfo | undefined {
  if (!headers) return undefined;
  const get = (name: string): string | undefined => readHeader(headers, name);
  const info: { -readonly [K in keyof RateLimitInfo]: RateLimitInfo[K] } = {};
  for (const kind of ['requests', 'tokens'] as const) {
    const suffix = kind === 'requests' ? 'Requests' : 'Tokens';
    const openaiRemaining = count(get(`x-ratelimit-remaining-${kind}`));
    const anthropicKind =
      kind === 'tokens' && get('anthropic-ratelimit-tokens-remaining') === undefined ? 'input-tokens' : kind;
    const remaining = openaiRemaining ?? count(get(`anthropic-ratelimit-${anthropicKind}-remaining`));
    const limit =
      count(get(`x-ratelimit-limit-${kind}`)) ?? count(get(`anthropic-ratelimit-${anthropicKind}-limit`));
    const reset =
      duration(get(`x-ratelimit-reset-${kind}`)) ??
      untilTime(get(`anthropic-ratelimit-${anthropicKind}-reset`), nowMs);
    if (remaining !== undefined) info[`remaining${suffix}`] = remaining;
    if (limit !== undefined) info[`limit${suffix}`] = limit;
    if (reset !== undefined) info[`reset${suffix}Ms`] = reset;
  }
  return Object.keys(info).length === 0 ? undefined : info;
}

function count(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

/** An OpenAI-style duration (`6m0s`, `20ms`) in ms; a bare number is not one here. */
function duration(text: string | undefined): number | undefined {
  return text === undefined || /^\s*\d+(\.\d+)?\s*$/.test(text) ? undefined : parseDuration(text);
}

function untilTime(text: string | undefined, nowMs: number): number | undefined {
  if (text === undefined) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * Reads `headers` (a response's, or an SDK error's `headers` property: anything that is not
 * headers is ignored) and hands the headroom they report to `options.reportRateLimit`.
 */
export function reportRateLimit(headers: unknown, options: AdapterCallOptions): void {
  if (options.reportRateLimit === undefined || typeof headers !== 'object' || headers === null) return;
  const info = rateLimitFromHeaders(headers as HeaderSource);
  if (info !== undefined) options.reportRateLimit(info);
}
