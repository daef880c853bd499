import type { StrategyRegistry } from './registry.js';
import type { RetryOptions } from './reliability/backoff.js';
import type { BreakerOptions } from './reliability/circuit-breaker.js';
import type { RouterSnapshot } from './state/router-snapshot.js';
import type { StateStore } from './state/store.js';
import type { AffinityOptions } from './types/affinity.js';
import type { BudgetConfig } from './types/budget.js';
import type { Clock, RandomSource } from './types/clock.js';
import type { HedgeOptions } from './types/hedge.js';
import type { Middleware } from './types/middleware.js';
import type { RouteRule } from './types/route-rule.js';
import type { Strategy, StrategyFactory } from './types/strategy.js';
import type { TargetConfig } from './types/target.js';

/**
 * Options of a {@link Router}.
 *
 * @example
 * ```ts
 * new Router({
 *   targets: [{ id: 'a', adapter, model: 'gpt-4o-mini' }, { id: 'b', adapter: other, model: 'claude-haiku-4-5' }],
 *   strategy: 'response-time',
 *   retry: { maxAttempts: 3 },
 *   timeoutMs: 30_000,
 * });
 * ```
 */
export interface RouterOptions {
  /** The targets to route across. At least one; ids unique. */
  readonly targets: readonly TargetConfig[];
  /**
   * How to pick a target: a registered name, a {@link Strategy} object, or a factory.
   * @default 'round-robin'
   */
  readonly strategy?: string | Strategy | StrategyFactory;
  /** Where strategy names are looked up. @default Router.strategies (the global registry) */
  readonly strategies?: StrategyRegistry;
  /** Retries and fallback. @default { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 8000, maxRetryAfterMs: 60000 } */
  readonly retry?: RetryOptions;
  /** Whole-call deadline in ms, retries included; a request's `timeoutMs` overrides it. @default 120000 */
  readonly timeoutMs?: number;
  /**
   * A stream attempt that gets no event for this long is aborted (and falls back when no
   * content was sent yet). @default off (the call deadline still applies)
   */
  readonly streamIdleTimeoutMs?: number;
  /**
   * A stream attempt with no content this long after it started is aborted and falls back (no
   * content was sent). Unlike the idle timeout, events without content (metadata, tool-input
   * starts) do not count. Streams only. Targets and calls
   * may override it. @default off
   */
  readonly firstTokenTimeoutMs?: number;
  /**
   * A stream that sent content and then sends none for this long is aborted: it ends as
   * `stream_interrupted` with the partial text (never restarted elsewhere). Streams only. Targets and calls may override it.
   * @default off
   */
  readonly interTokenTimeoutMs?: number;
  /** Per-target circuit breaker, or `false` to disable it. @default { failureThreshold: 5, cooldownMs: 10000, maxCooldownMs: 300000 } */
  readonly breaker?: BreakerOptions | false;
  /** Time source. @default systemClock */
  readonly clock?: Clock;
  /** Random source (see `createSeededRandom`). @default Math.random */
  readonly random?: RandomSource;
  /** Where per-target breaker and limit state lives. @default a new MemoryStateStore */
  readonly store?: StateStore;
  /** Put prompts (`request:start`) and completions (`request:success`) into events. @default false */
  readonly includeContentInEvents?: boolean;
  /** Validate every request before routing it (turn off only for trusted, pre-validated input). @default true */
  readonly validateRequests?: boolean;
  /**
   * Wait for capacity instead of failing: when every candidate is at its concurrency limit,
   * cooling down or blocked, a call waits (first come, first served) for the first target that
   * frees up, for at most `maxWaitMs` in all and never past its deadline.
   * @default off: a full target is skipped, and a call with no available target fails with `no_target`
   */
  readonly queue?: { readonly maxWaitMs: number };
  /** A `router.snapshot()` to start from (applied synchronously; with an async store use `await router.restore()`). */
  readonly restore?: RouterSnapshot;
  /** Middleware around every call and attempt; the first is the outermost. See {@link Middleware}. @default [] */
  readonly middleware?: readonly Middleware[];
  /**
   * Spend caps, enforced before each attempt: a call that a budget cannot cover on any target
   * fails with `budget_exceeded`. Every target needs a `price`. See {@link BudgetConfig}. @default []
   */
  readonly budgets?: readonly BudgetConfig[];
  /**
   * Conditional routes: the first rule whose `when` matches a call narrows its targets and/or
   * sets its strategy, before the strategy picks. See {@link RouteRule}. @default []
   */
  readonly routes?: readonly RouteRule[];
  /**
   * Session and prompt-cache affinity: calls with the same `sessionId` (or, opt-in, the same long
   * prompt prefix) go back to the same target while it is available and not overloaded, so the
   * provider's prompt cache can hit. Needs at least two targets. See {@link AffinityOptions}.
   * @default off
   */
  readonly affinity?: AffinityOptions;
  /**
   * Hedged requests for every call: when an attempt has produced nothing within the delay (no
   * answer; no first content for a stream), the call is also sent to the strategy's next-best
   * target, and the first to produce content wins. Needs at least two targets, a delay below
   * `timeoutMs` and `retry.maxAttempts` above `maxHedges`. A route's `hedge` and a request's
   * `hedge` override it. See {@link HedgeOptions} and docs/hedging.md.
   * @default off
   */
  readonly hedge?: HedgeOptions;
}
