import {
  type Clock,
  type CompletionRequest,
  estimateInputTokens,
  type QuotaStateHandle,
  type StateStore,
  type Usage,
} from '../../index.js';
import type { Principal } from './auth.js';
import { type ErrorAnswer, errorAnswer } from './errors.js';
import { type LimitState, rateLimitHeaders } from './ratelimit-headers.js';

/** The window of the per-principal limits. */
export const LIMIT_WINDOW_MS = 60_000;
/** Output tokens counted for a call without `max_tokens`, until its real usage is known. */
export const DEFAULT_OUTPUT_ESTIMATE = 256;

/** A call admitted by {@link PrincipalLimiter.admit}: its headers, and the correction once it ends. */
export interface LimitAdmission {
  readonly admitted: true;
  readonly headers: Record<string, string>;
  /** Corrects the token estimate to the real usage (`undefined`: the call failed, the estimate goes back). */
  settle(usage: Usage | undefined): void;
}

/** A call refused by {@link PrincipalLimiter.admit}: a 429 with `retry-after` and the headers. */
export interface LimitRefusal {
  readonly admitted: false;
  readonly headers: Record<string, string>;
  readonly answer: ErrorAnswer;
}

/** The quota ids of a principal: by key id when it has one, else by principal id. */
function quotaId(principal: Principal, kind: 'rpm' | 'tpm'): string {
  return `gw:${kind}:${principal.key ?? principal.id}`;
}

function positive(n: number | undefined): number {
  return n !== undefined && n > 0 ? n : 0;
}

/**
 * The tokens a call counts before it runs: the prompt's estimate (characters / 4) plus its
 * output cap (`max_tokens`, else {@link DEFAULT_OUTPUT_ESTIMATE}).
 */
export function tokenEstimate(request: CompletionRequest): number {
  return estimateInputTokens(request) + (request.maxOutputTokens ?? DEFAULT_OUTPUT_ESTIMATE);
}

/**
 * Per-principal requests and tokens per rolling minute, over the state store's `quota`
 * operation — so a shared store (Redis) makes them cluster-wide. A request counts 1 at admission;
 * tokens count the estimate at admission and are corrected to the real usage when the call ends.
 */
export class PrincipalLimiter {
  readonly #store: StateStore;
  readonly #clock: Clock;
  readonly #onError: (error: unknown) => void;

  constructor(store: StateStore, clock: Clock, onError: (error: unknown) => void) {
    this.#store = store;
    this.#clock = clock;
    this.#onError = onError;
  }

  #quota(principal: Principal, kind: 'rpm' | 'tpm'): QuotaStateHandle {
    return this.#store.quota!(quotaId(principal, kind), LIMIT_WINDOW_MS);
  }

  /** Whether the principal has a limit. */
  limited(principal: Principal | undefined): principal is Principal {
    const l = principal?.limits;
    return l !== undefined && (positive(l.requestsPerMinute) > 0 || positive(l.tokensPerMinute) > 0);
  }

  /** The headers of the principal's limits as last known (no use counted). */
  peek(principal: Principal): Record<string, string> {
    const headers: Record<string, string> = {};
    const now = this.#clock.now();
    const rpm = positive(principal.limits?.requestsPerMinute);
    const tpm = positive(principal.limits?.tokensPerMinute);
    if (rpm > 0) rateLimitHeaders(headers, 'requests', this.#state(this.#quota(principal, 'rpm'), rpm, now));
    if (tpm > 0) rateLimitHeaders(headers, 'tokens', this.#state(this.#quota(principal, 'tpm'), tpm, now));
    return headers;
  }

  #state(quota: QuotaStateHandle, limit: number, now: number): LimitState {
    const usage = quota.read(now);
    return { limit, used: usage.used, resetMs: usage.resetAt - now };
  }

  /**
   * Counts one request and the call's token estimate. Refused (nothing counted) when either
   * window is full: the answer is a 429 naming which, with `retry-after` in whole seconds.
   */
  async admit(principal: Principal, estimate: number): Promise<LimitAdmission | LimitRefusal> {
    const now = this.#clock.now();
    const rpm = positive(principal.limits?.requestsPerMinute);
    const tpm = positive(principal.limits?.tokensPerMinute);
    const headers: Record<string, string> = {};
    const requests = rpm > 0 ? this.#quota(principal, 'rpm') : undefined;
    const tokens = tpm > 0 ? this.#quota(principal, 'tpm') : undefined;
    if (requests !== undefined) {
      const a = await requests.take(now, 1, rpm);
      rateLimitHeaders(headers, 'requests', { limit: rpm, used: a.used, resetMs: a.resetAt - now });
      if (!a.admitted) {
        if (tokens !== undefined) rateLimitHeaders(headers, 'tokens', this.#state(tokens, tpm, now));
        return refuse(headers, 'requests', rpm, a.retryAt - now);
      }
    }
    if (tokens !== undefined) {
      const a = await tokens.take(now, estimate, tpm);
      rateLimitHeaders(headers, 'tokens', { limit: tpm, used: a.used, resetMs: a.resetAt - now });
      if (!a.admitted) {
        if (requests !== undefined) {
          this.#adjust(requests, now, -1); // the request was not made: give its slot back
          rateLimitHeaders(headers, 'requests', this.#state(requests, rpm, now));
        }
        return refuse(headers, 'tokens', tpm, a.retryAt - now);
      }
    }
    return {
      admitted: true,
      headers,
      settle: (usage) => {
        if (tokens === undefined) return;
        const actual = usage === undefined ? 0 : usage.inputTokens + usage.outputTokens;
        if (actual !== estimate) this.#adjust(tokens, now, actual - estimate);
      },
    };
  }

  #adjust(quota: QuotaStateHandle, takenAt: number, delta: number): void {
    try {
      const done = quota.adjust(this.#clock.now(), takenAt, delta);
      if (done !== undefined) Promise.resolve(done).catch(this.#onError);
    } catch (error) {
      this.#onError(error);
    }
  }
}

function refuse(
  headers: Record<string, string>,
  kind: 'requests' | 'tokens',
  limit: number,
  waitMs: number,
): LimitRefusal {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return {
    admitted: false,
    headers,
    answer: errorAnswer(
      429,
      `Rate limit reached for ${kind} per minute of this key: limit ${limit}. Try again in ${seconds}s.`,
      kind,
      'rate_limit_exceeded',
      null,
      seconds,
    ),
  };
}
