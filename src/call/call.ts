import type { Budget, BudgetGate } from '../budgets/budget-gate.js';
import type { SwitchyardError } from '../errors/switchyard-error.js';
import type { RouterEmitter } from '../events.js';
import type { ResolvedRetryOptions } from '../reliability/backoff.js';
import type { CallScope } from '../reliability/call-scope.js';
import type { TargetLatency } from '../reliability/latency-quantile.js';
import type { RouterStreamController } from '../router-stream.js';
import type { AffinityTable } from '../routing/affinity.js';
import type { TargetRuntime } from '../target-runtime.js';
import type { Clock, RandomSource } from '../types/clock.js';
import type { Middleware } from '../types/middleware.js';
import type { CompletionRequest } from '../types/request.js';
import type { AttemptRecord } from '../types/response.js';
import type { Strategy } from '../types/strategy.js';
import type { RequestNeeds } from '../util/request-needs.js';
import type { CallContextImpl } from './contexts.js';
import type { ResolvedHedge } from './hedge-lane.js';
import type { TargetGate } from './target-gate.js';

/** What the call pipeline needs from its router; built once per router. */
export interface CallRuntime {
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly retry: ResolvedRetryOptions;
  /** Whether the breaker waits for an ejected target to recover (instead of failing at once). */
  readonly waitForRecovery: boolean;
  /** Most time a call may wait for capacity (`queue.maxWaitMs`); 0 when it never waits. */
  readonly maxQueueWaitMs: number;
  readonly gate: TargetGate;
  readonly events: RouterEmitter;
  readonly idleTimeoutMs: number;
  /** Router defaults of the stream token timeouts (0 = off); targets and calls override them. */
  readonly firstTokenTimeoutMs: number;
  readonly interTokenTimeoutMs: number;
  readonly includeContent: boolean;
  /** Router middleware with a `wrapAttempt` hook, outermost first. */
  readonly attemptMiddleware: readonly Middleware[];
  /** Router middleware with a `wrapAttemptStream` hook, outermost first. */
  readonly attemptStreamMiddleware: readonly Middleware[];
  /** Number of targets (for per-call marks). */
  readonly targetCount: number;
  /** All targets' learned latencies together (for `'p95'` hedge delays; targets record into it once they learn). */
  readonly latencyPool: TargetLatency;
  /** The session-to-target table (`RouterOptions.affinity`), when affinity is on. */
  readonly affinity: AffinityTable | undefined;
  /** The router's budgets, when it has any (set on the first `router.setBudget` of a router built without). */
  budgets: BudgetGate | undefined;
}

/** Per-call state of the attempt loop. */
export interface Call {
  readonly id: string;
  readonly request: CompletionRequest;
  readonly stream: boolean;
  /** Where a stream's events go (the caller's stream, or the innermost `wrapStream`'s). */
  readonly sink: RouterStreamController | undefined;
  readonly strategy: Strategy;
  readonly candidates: readonly TargetRuntime[];
  readonly scope: CallScope;
  readonly startedAt: number;
  readonly attempts: AttemptRecord[];
  readonly needs: RequestNeeds;
  /** The middleware context, when the router has middleware. */
  readonly context: CallContextImpl | undefined;
  /**
   * Per target index: 1 failed with a retryable error, 2 failed for good (auth, not_found),
   * 3 running an attempt of the call's hedged round.
   */
  failed: Uint8Array | undefined;
  lastError: SwitchyardError | undefined;
  lastTarget: TargetRuntime | undefined;
  retries: number;
  /** Time spent waiting for capacity so far (ms). */
  queuedMs: number;
  /** The conditional route that shaped the call, if one matched. */
  readonly rule: string | undefined;
  /** The call's affinity key, worked out at its first pick (routers with affinity only; `null` = none). */
  affinityKey?: string | null;
  /** The budgets covering the call, worked out at its first claim (routers with budgets only). */
  budgets?: readonly Budget[];
  /** The call's hedging (request, then route, then router), when on. */
  readonly hedge: ResolvedHedge | undefined;
  /** Hedges the call may still send. */
  hedgesLeft: number;
  /** Estimated cost of the hedged attempts that lost (added to the response's `costUsd`). */
  hedgeCostUsd: number;
}
