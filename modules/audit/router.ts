import type {
  AttemptFailureEvent,
  BudgetThresholdEvent,
  RequestFailureEvent,
  Router,
  TargetEjectedEvent,
} from '../../index.js';
import type { AuditEventType, AuditSink, AuditValue } from './types.js';

/** Options of {@link auditRouter}. */
export interface AuditRouterOptions {
  /** Record `auth.failure` for attempts a provider refused (401/403, billing). @default true */
  readonly authFailures?: boolean;
  /** Where the log's own failures (a full disk, a closed log) go; they never reach a call. @default ignored */
  readonly onError?: (error: unknown) => void;
}

/**
 * Writes a router's security-relevant events into an audit log: budget refusals
 * (`budget:threshold` with `reason: 'refusal'`, and calls that failed `budget_exceeded`) as
 * `budget.exceeded`, circuit-breaker ejections as `breaker.ejected`, and provider auth failures
 * as `auth.failure`. Only ids, kinds and amounts are written — no prompt, answer or key.
 * Returns a function that stops recording.
 */
export function auditRouter(log: AuditSink, router: Router, options: AuditRouterOptions = {}): () => void {
  const report = (error: unknown): void => {
    try {
      options.onError?.(error);
    } catch {
      // a failing error handler must not reach the call either
    }
  };
  const write = (type: AuditEventType, data: Record<string, AuditValue>): void => {
    try {
      const written = log.record(type, data);
      if (isThenable(written)) written.then(undefined, report);
    } catch (error) {
      report(error);
    }
  };
  const onThreshold = (e: BudgetThresholdEvent): void => {
    if (e.reason !== 'refusal') return;
    write('budget.exceeded', {
      source: 'threshold',
      budget: e.budget,
      period: e.period,
      periodKey: e.periodKey,
      limitUsd: e.limitUsd,
      spentUsd: e.spentUsd,
    });
  };
  const onFailure = (e: RequestFailureEvent): void => {
    if (e.error.kind !== 'budget_exceeded') return;
    write('budget.exceeded', {
      source: 'call',
      requestId: e.requestId,
      budget: e.error.budget?.id ?? null,
      requiredUsd: e.error.budget?.requiredUsd ?? null,
      limitUsd: e.error.budget?.limitUsd ?? null,
      spentUsd: e.error.budget?.spentUsd ?? null,
    });
  };
  const onEjected = (e: TargetEjectedEvent): void => {
    write('breaker.ejected', {
      target: e.target,
      errorKind: e.errorKind,
      consecutiveFailures: e.consecutiveFailures,
      cooldownMs: e.cooldownMs,
    });
  };
  const onAttemptFailure = (e: AttemptFailureEvent): void => {
    if (e.error.kind !== 'auth') return;
    write('auth.failure', {
      source: 'provider',
      requestId: e.requestId,
      target: e.target,
      status: e.error.status ?? null,
    });
  };
  router.on('budget:threshold', onThreshold);
  router.on('request:failure', onFailure);
  router.on('target:ejected', onEjected);
  if (options.authFailures !== false) router.on('attempt:failure', onAttemptFailure);
  return () => {
    router.off('budget:threshold', onThreshold);
    router.off('request:failure', onFailure);
    router.off('target:ejected', onEjected);
    router.off('attempt:failure', onAttemptFailure);
  };
}

/** Whether a sink's answer is a promise (an async sink such as RedisAuditLog). */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
