import type {
  AttemptFailureEvent,
  AttemptSuccessEvent,
  BudgetThresholdEvent,
  Clock,
  FallbackEvent,
  RetryEvent,
  RouteEvent,
  Router,
  RouterEventName,
  RouterEvents,
  TargetEjectedEvent,
  TargetRestoredEvent,
} from '../../index.js';
import type { Alert, AlertManager } from '../alerts/index.js';
import { TargetWindow } from './window.js';

/** How loud an event of the feed is. */
export type MonitorLevel = 'info' | 'warning' | 'critical';

/**
 * One line of the monitor's events feed. Built from ids, kinds and numbers only: never prompt
 * or completion text, never an error message.
 */
export interface MonitorEvent {
  /** The router or alert event it comes from, e.g. `target:ejected`, `alert:firing`. */
  readonly type: string;
  /** Clock time it was seen. */
  readonly at: number;
  readonly level: MonitorLevel;
  /** The target it is about, when one. */
  readonly target?: string;
  /** One line for people. */
  readonly text: string;
}

/** One routing decision of the `route` event: who was picked among which candidates. */
export interface RouteDecision {
  readonly at: number;
  readonly requestId: string;
  readonly attempt: number;
  readonly strategy: string;
  readonly picked: string;
  readonly rule?: string;
  readonly candidates: readonly { readonly target: string; readonly score: number; readonly note?: string }[];
}

/**
 * Follows a router (and an alert manager): per-target windows of outcomes, the last routing
 * decisions, and a feed of notable events handed to `onEvent`. One small update per event on the
 * call path; the `route` listener (which makes the router describe its candidates) is attached
 * only while `watchRoutes(true)`.
 */
/**
 * At most one routing decision is recorded per this many ms: while the `route` listener is
 * attached, the router builds every candidate's score for each call, so the listener is taken
 * off after a decision and put back by the next success after the interval.
 */
export const DECISION_SAMPLE_MS = 100;

export class Collector {
  readonly windows = new Map<string, TargetWindow>();
  readonly #decisions: RouteDecision[] = [];
  readonly #detach: (() => void)[] = [];
  #routeListener: ((e: RouteEvent) => void) | undefined;
  /** Whether someone watches the decisions (the listener may be off between samples). */
  #watchingRoutes = false;
  #lastDecisionAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly router: Router,
    private readonly clock: Clock,
    private readonly options: {
      readonly windowSeconds: number;
      readonly decisions: number;
      readonly alerts?: AlertManager;
      readonly onEvent: (event: MonitorEvent) => void;
    },
  ) {
    for (const t of router.targets) this.windows.set(t.id, new TargetWindow(options.windowSeconds + 1));
    this.#listen('attempt:success', (e: AttemptSuccessEvent) => {
      const now = this.clock.now();
      if (
        this.#watchingRoutes &&
        this.#routeListener === undefined &&
        now - this.#lastDecisionAt >= DECISION_SAMPLE_MS
      ) {
        this.#attachRoutes();
      }
      this.#window(e.target).success(now, e.durationMs, e.usage.totalTokens, e.costUsd, e.ttftMs);
    });
    this.#listen('attempt:failure', (e: AttemptFailureEvent) => {
      const kind = e.error.kind;
      this.#window(e.target).failure(this.clock.now(), kind);
      this.#emit(
        'attempt:failure',
        'info',
        e.target,
        `${e.target}: attempt ${e.attempt} failed (${kind})${e.willRetry ? ', will retry' : ''}`,
      );
    });
    this.#listen('retry', (e: RetryEvent) => {
      this.#emit(
        'retry',
        'info',
        undefined,
        `retry ${e.requestId} attempt ${e.attempt} after ${Math.round(e.delayMs)} ms (${e.errorKind})`,
      );
    });
    this.#listen('fallback', (e: FallbackEvent) => {
      this.#emit('fallback', 'warning', e.from, `fallback ${e.from} → ${e.to} (${e.errorKind})`);
    });
    this.#listen('target:ejected', (e: TargetEjectedEvent) => {
      this.#emit(
        'target:ejected',
        'critical',
        e.target,
        `${e.target} ejected for ${Math.round(e.cooldownMs)} ms after ${e.consecutiveFailures} failures (${e.errorKind})`,
      );
    });
    this.#listen('target:restored', (e: TargetRestoredEvent) => {
      this.#emit(
        'target:restored',
        'info',
        e.target,
        `${e.target} restored after ${Math.round(e.downMs)} ms`,
      );
    });
    this.#listen('budget:threshold', (e: BudgetThresholdEvent) => {
      this.#emit(
        'budget:threshold',
        e.threshold >= 1 ? 'critical' : 'warning',
        undefined,
        `budget ${e.budget} at ${Math.round(e.threshold * 100)}% ($${e.spentUsd.toFixed(4)} of $${e.limitUsd})`,
      );
    });
    const alerts = options.alerts;
    if (alerts !== undefined) {
      const onAlert = (type: 'alert:firing' | 'alert:resolved') => (a: Alert) =>
        this.#emit(
          type,
          type === 'alert:resolved' ? 'info' : a.severity,
          a.labels.target,
          `${a.rule} ${type === 'alert:firing' ? 'FIRING' : 'resolved'}: ${a.summary}`,
        );
      this.#detach.push(alerts.on('alert:firing', onAlert('alert:firing')));
      this.#detach.push(alerts.on('alert:resolved', onAlert('alert:resolved')));
    }
  }

  /** Attaches or detaches the `route` listener (decisions are only worth their cost while someone watches). */
  watchRoutes(on: boolean): void {
    this.#watchingRoutes = on && this.options.decisions > 0;
    if (this.#watchingRoutes) this.#attachRoutes();
    else this.#detachRoutes();
  }

  #attachRoutes(): void {
    if (this.#routeListener !== undefined) return;
    this.#routeListener = (e) => this.#decision(e);
    this.router.on('route', this.#routeListener);
  }

  #detachRoutes(): void {
    if (this.#routeListener === undefined) return;
    this.router.off('route', this.#routeListener);
    this.#routeListener = undefined;
  }

  /** The last routing decisions, newest first. */
  decisions(): readonly RouteDecision[] {
    return [...this.#decisions].reverse();
  }

  /** Stops listening to the router and the alert manager. */
  close(): void {
    this.watchRoutes(false);
    for (const d of this.#detach.splice(0)) d();
  }

  #decision(e: RouteEvent): void {
    const now = this.clock.now();
    this.#lastDecisionAt = now;
    this.#detachRoutes(); // sampled: back after DECISION_SAMPLE_MS (see the attempt:success listener)
    // Ids, scores and notes only: a route event carries no prompt, and none is copied.
    this.#decisions.push({
      at: now,
      requestId: e.requestId,
      attempt: e.attempt,
      strategy: e.strategy,
      picked: e.picked,
      ...(e.rule === undefined ? {} : { rule: e.rule }),
      candidates: e.candidates.map((c) => ({
        target: c.target,
        score: c.score,
        ...(c.note === undefined ? {} : { note: c.note }),
      })),
    });
    if (this.#decisions.length > this.options.decisions) this.#decisions.shift();
  }

  #window(target: string): TargetWindow {
    let w = this.windows.get(target);
    if (w === undefined) {
      w = new TargetWindow(this.options.windowSeconds + 1);
      this.windows.set(target, w);
    }
    return w;
  }

  #emit(type: string, level: MonitorLevel, target: string | undefined, text: string): void {
    this.options.onEvent({
      type,
      at: this.clock.now(),
      level,
      ...(target === undefined ? {} : { target }),
      text,
    });
  }

  #listen<E extends RouterEventName>(event: E, listener: RouterEvents[E]): void {
    this.router.on(event, listener);
    this.#detach.push(() => this.router.off(event, listener));
  }
}
