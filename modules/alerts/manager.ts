import {
  type AttemptFailureEvent,
  type Clock,
  type FallbackEvent,
  type RequestFailureEvent,
  type RequestSuccessEvent,
  type Router,
  systemClock,
  type TargetEjectedEvent,
  type TargetRestoredEvent,
  type TimerHandle,
} from '../../index.js';
import { configError } from './config/config-error.js';
import { type AlertManagerOptions, type AlertSettings, readOptions } from './config/options.js';
import { SinkDispatcher } from './delivery/dispatcher.js';
import { AlertEmitter, type AlertEventName, type AlertEvents } from './events.js';
import { Grouper } from './lifecycle/grouper.js';
import { isInhibited } from './lifecycle/inhibition.js';
import { type Silence, type SilenceOptions, Silences } from './lifecycle/silences.js';
import { AlertTracker, type Transition, toAlert } from './lifecycle/tracker.js';
import { BudgetBook, type BudgetThresholdEvent } from './rules/budget-book.js';
import { compileRule } from './rules/compile.js';
import { CounterBoard } from './rules/counters.js';
import type { CompiledRule, EvalContext } from './rules/rule.js';
import type { Alert, Notification } from './types.js';

/**
 * Alert rules over a router's events and a usage ledger, with an Alertmanager-like lifecycle
 * and delivery to sinks (email, Slack, Teams, webhook, PagerDuty, SMS).
 *
 * The call path only increments a counter (one listener per call outcome); rules are
 * evaluated on a timer of the injected clock. Alerts go pending → firing after the rule's
 * `forMs`, resolve once the clear condition held for `keepFiringForMs` (and below the clear
 * threshold: hysteresis), are grouped per rule within `groupWindowMs`, repeated every
 * `repeatIntervalMs`, inhibited (a critical suppresses the matching warning) and silenced.
 * Each sink has its own queue, timeout, retries and breaker; failures are events, never
 * exceptions.
 *
 * @example
 * ```ts
 * const alerts = new AlertManager({
 *   rules: [{ name: 'errors', type: 'error_rate', severity: 'critical', windowMs: 300_000, threshold: 0.2 }],
 *   sinks: { slack: slackSink({ webhookUrl: process.env.SLACK_URL! }) },
 *   clock: router.clock,
 * });
 * alerts.attach(router);
 * ```
 * @throws {SwitchyardError} `config` at construction when an option is invalid (the message names the field).
 */
export class AlertManager {
  readonly #s: AlertSettings;
  readonly #clock: Clock;
  readonly #rules: readonly CompiledRule[];
  readonly #keepMs: number;
  readonly #events = new AlertEmitter();
  readonly #tracker = new AlertTracker();
  readonly #silences = new Silences();
  readonly #budgets = new BudgetBook();
  readonly #grouper: Grouper;
  readonly #dispatchers = new Map<string, SinkDispatcher>();
  #board = new CounterBoard([]);
  #timer: TimerHandle | undefined;
  #detach: (() => void) | undefined;
  #closed = false;

  constructor(options: AlertManagerOptions) {
    this.#s = readOptions(options);
    this.#clock = this.#s.clock ?? systemClock;
    this.#rules = this.#s.rules.map(compileRule);
    this.#keepMs = Math.max(0, ...this.#rules.map((r) => r.windowMs)) + this.#s.intervalMs;
    this.#grouper = new Grouper(this.#s.groupWindowMs, this.#clock, (n) => this.#route(n));
    for (const [name, { sink, delivery }] of this.#s.sinks) {
      this.#dispatchers.set(
        name,
        new SinkDispatcher(name, sink, delivery, this.#clock, this.#s.random, this.#events),
      );
    }
    this.#schedule();
  }

  /**
   * Starts counting `router`'s call outcomes and following its breaker's ejections. Per call
   * this costs one counter increment. Returns a function that stops listening.
   * @throws {SwitchyardError} `config` when already attached to a router.
   */
  attach(router: Router): () => void {
    if (this.#detach !== undefined)
      throw configError('attach', 'already attached to a router (detach first)');
    const board = new CounterBoard(
      router.targets.map((t) => ({ id: t.id, aliases: t.config.aliases ?? [] })),
    );
    this.#board = board;
    const onSuccess = (e: RequestSuccessEvent) => {
      board.of(e.target).current.successes++;
    };
    const onAttemptFailure = (e: AttemptFailureEvent) => {
      const c = board.of(e.target).current;
      c.failures++;
      if (e.error.kind === 'rate_limited') c.rateLimited++;
    };
    const onFailure = (e: RequestFailureEvent) => {
      board.of(e.attempts[e.attempts.length - 1]?.target).current.failedCalls++;
    };
    const onFallback = (e: FallbackEvent) => {
      board.of(e.from).current.fallbacks++;
    };
    const onEjected = (e: TargetEjectedEvent) => {
      board.ejected.set(e.target, this.#clock.now());
    };
    const onRestored = (e: TargetRestoredEvent) => {
      board.ejected.delete(e.target);
    };
    router.on('request:success', onSuccess);
    router.on('attempt:failure', onAttemptFailure);
    router.on('request:failure', onFailure);
    router.on('fallback', onFallback);
    router.on('target:ejected', onEjected);
    router.on('target:restored', onRestored);
    const detach = () => {
      if (this.#detach !== detach) return;
      this.#detach = undefined;
      router.off('request:success', onSuccess);
      router.off('attempt:failure', onAttemptFailure);
      router.off('request:failure', onFailure);
      router.off('fallback', onFallback);
      router.off('target:ejected', onEjected);
      router.off('target:restored', onRestored);
    };
    this.#detach = detach;
    return detach;
  }

  /**
   * Feeds a budget threshold crossing (the payload of the router's `budget:threshold` event)
   * to the `budget` rules. Wire it with `router.on('budget:threshold', (e) => alerts.onBudgetThreshold(e))`
   * once the router emits that event.
   */
  onBudgetThreshold(event: BudgetThresholdEvent): void {
    if (
      typeof event?.budget !== 'string' ||
      typeof event.spentUsd !== 'number' ||
      typeof event.limitUsd !== 'number'
    ) {
      this.#events.emit('error', {
        source: 'onBudgetThreshold',
        message: 'ignored a malformed budget event',
      });
      return;
    }
    this.#budgets.record(event);
  }

  /** Listens to an event; returns a function that stops listening. */
  on<E extends AlertEventName>(event: E, listener: AlertEvents[E]): () => void {
    return this.#events.on(event, listener);
  }

  off<E extends AlertEventName>(event: E, listener: AlertEvents[E]): void {
    this.#events.off(event, listener);
  }

  /** Alerts followed now (pending and firing), firing first. */
  alerts(): Alert[] {
    const now = this.#clock.now();
    return [...this.#tracker.all()]
      .map((t) => toAlert(t, t.state, now))
      .sort((a, b) => (a.state === b.state ? a.startsAt - b.startsAt : a.state === 'firing' ? -1 : 1));
  }

  /** Mutes the notifications of matching alerts until the silence ends. */
  silence(options: SilenceOptions): Silence {
    const now = this.#clock.now();
    const endsAt =
      options.endsAt ?? (options.durationMs === undefined ? undefined : now + options.durationMs);
    if (endsAt === undefined || !Number.isFinite(endsAt) || endsAt <= now) {
      throw configError('silence.durationMs', 'expected a positive duration or an endsAt in the future');
    }
    if (
      typeof options.matchers !== 'object' ||
      options.matchers === null ||
      Object.keys(options.matchers).length === 0
    ) {
      throw configError('silence.matchers', 'expected at least one label matcher');
    }
    return this.#silences.add(options.matchers, endsAt, options.comment);
  }

  /** Ends a silence early; `false` when there was none with this id. */
  unsilence(id: string): boolean {
    return this.#silences.remove(id);
  }

  /** Silences in force. */
  silences(): Silence[] {
    return this.#silences.active(this.#clock.now());
  }

  /** Runs one evaluation now (the timer does this every `intervalMs`). */
  evaluate(): void {
    if (this.#closed) return;
    const now = this.#clock.now();
    this.#board.close(now, this.#keepMs);
    const ctx: EvalContext = {
      now,
      board: this.#board,
      ledger: this.#s.ledger,
      budgets: this.#budgets,
      hysteresis: this.#s.hysteresis,
    };
    for (const rule of this.#rules) {
      let transitions: Transition[];
      try {
        transitions = this.#tracker.observe(rule, rule.evaluate(ctx), now);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.#events.emit('error', { source: `rule ${rule.config.name}`, message });
        continue;
      }
      for (const { tracked, to } of transitions) {
        const alert = toAlert(tracked, to, now);
        this.#events.emit(`alert:${to}`, alert);
        if (to === 'resolved' && tracked.notified) this.#grouper.add(alert, false);
      }
    }
    this.#notifyFiring(now);
    this.#grouper.flushImmediate();
  }

  /** Sends what the group windows hold now and resolves once every sink's queue is empty. */
  async flush(): Promise<void> {
    this.#grouper.flushAll();
    await Promise.all([...this.#dispatchers.values()].map((d) => d.idle()));
  }

  /**
   * Stops the timer, detaches from the router, cancels group windows and drops queued
   * notifications (each with a `delivery:dropped` event), then closes the sinks.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#detach?.();
    this.#grouper.close();
    for (const d of this.#dispatchers.values()) d.close();
    await Promise.all([...this.#dispatchers.values()].map((d) => d.sink.close?.().catch(() => undefined)));
    this.#events.clear();
  }

  #notifyFiring(now: number): void {
    const firing = [...this.#tracker.all()].filter((t) => t.state === 'firing');
    const alerts = firing.map((t) => toAlert(t, 'firing', now));
    firing.forEach((t, i) => {
      const alert = alerts[i] as Alert;
      if (this.#silences.matches(alert, now) || isInhibited(alert, alerts, this.#s.inhibitions)) return;
      if (!t.notified) {
        t.notified = true;
        t.lastSentAt = now;
        this.#grouper.add(alert, false);
      } else if (now - t.lastSentAt >= this.#s.repeatIntervalMs) {
        t.lastSentAt = now;
        this.#grouper.add(alert, true);
      }
    });
  }

  #route(n: Notification): void {
    const rule = this.#rules.find((r) => r.config.name === n.rule);
    const names = rule?.config.sinks ?? this.#s.routes[n.severity];
    for (const name of names) {
      const d = this.#dispatchers.get(name);
      if (d === undefined) continue;
      this.#events.emit('notification', { sink: name, notification: n });
      d.enqueue(n);
    }
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = this.#clock.setTimeout(() => {
      try {
        this.evaluate();
      } catch (error) {
        this.#events.emit('error', {
          source: 'evaluate',
          message: error instanceof Error ? error.message : String(error),
        });
      }
      this.#schedule();
    }, this.#s.intervalMs);
    this.#clock.unref?.(this.#timer);
  }
}
