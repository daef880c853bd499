import type { Clock, TimerHandle } from '../../../index.js';
import type { Alert, Notification, Severity } from '../types.js';

interface Group {
  readonly rule: string;
  readonly severity: Severity;
  readonly alerts: Map<string, Alert>;
  repeatOnly: boolean;
  timer: TimerHandle | undefined;
}

/**
 * Batches the alerts of one rule that change within `windowMs` into one notification (the
 * group key is the rule name): the first change opens the window, the flush sends what
 * gathered. A window of 0 flushes at the end of the evaluation.
 */
export class Grouper {
  readonly #groups = new Map<string, Group>();

  constructor(
    readonly windowMs: number,
    readonly clock: Clock,
    readonly send: (n: Notification) => void,
  ) {}

  /** Adds `alert` (the latest state of a fingerprint replaces an earlier one in the window). */
  add(alert: Alert, repeat: boolean): void {
    let g = this.#groups.get(alert.rule);
    if (g === undefined) {
      g = {
        rule: alert.rule,
        severity: alert.severity,
        alerts: new Map(),
        repeatOnly: true,
        timer: undefined,
      };
      this.#groups.set(alert.rule, g);
      if (this.windowMs > 0) {
        const group = g;
        g.timer = this.clock.setTimeout(() => this.#flush(group), this.windowMs);
        this.clock.unref?.(g.timer);
      }
    }
    g.alerts.set(alert.fingerprint, alert);
    if (!repeat) g.repeatOnly = false;
  }

  /** Flushes groups whose window is 0 (called after each evaluation). */
  flushImmediate(): void {
    if (this.windowMs > 0) return;
    for (const g of [...this.#groups.values()]) this.#flush(g);
  }

  /** Flushes every group now. */
  flushAll(): void {
    for (const g of [...this.#groups.values()]) this.#flush(g);
  }

  /** Cancels the windows without sending. */
  close(): void {
    for (const g of this.#groups.values()) if (g.timer !== undefined) this.clock.clearTimeout(g.timer);
    this.#groups.clear();
  }

  #flush(g: Group): void {
    if (g.timer !== undefined) this.clock.clearTimeout(g.timer);
    this.#groups.delete(g.rule);
    const alerts = [...g.alerts.values()].sort(
      (a, b) => rank(a) - rank(b) || a.fingerprint.localeCompare(b.fingerprint),
    );
    if (alerts.length === 0) return;
    this.send({
      status: alerts.some((a) => a.state === 'firing') ? 'firing' : 'resolved',
      rule: g.rule,
      severity: g.severity,
      groupKey: g.rule,
      alerts,
      repeat: g.repeatOnly,
      at: this.clock.now(),
    });
  }
}

const rank = (a: Alert): number => (a.state === 'firing' ? 0 : 1);
