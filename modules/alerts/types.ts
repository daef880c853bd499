/** How urgent an alert is; routes it to sinks and drives inhibition. */
export type Severity = 'critical' | 'warning' | 'info';

/** Every {@link Severity}, most urgent first. */
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

/** Label names and values that identify one alert of a rule (e.g. `{ target: 'openai-mini' }`). */
export type Labels = Readonly<Record<string, string>>;

/** Where an alert is in its lifecycle. */
export type AlertState = 'pending' | 'firing' | 'resolved';

/** A link shown with an alert (runbook, dashboard). */
export interface AlertLink {
  readonly title: string;
  readonly url: string;
}

/** One alert: a rule's condition for one label set. */
export interface Alert {
  /** Stable id of the rule and label set (hex, 32 chars): PagerDuty's `dedup_key`. */
  readonly fingerprint: string;
  /** Name of the rule. */
  readonly rule: string;
  /** Type of the rule, e.g. `error_rate`. */
  readonly type: string;
  readonly severity: Severity;
  readonly state: AlertState;
  /** The rule's labels and the label set the alert is about. */
  readonly labels: Labels;
  /** One line: what is wrong. */
  readonly summary: string;
  /** The value that was measured at the last evaluation (e.g. 0.42 for a 42% error rate). */
  readonly value: number;
  /** The value the rule compares with. */
  readonly threshold: number;
  /** Unit of `value` and `threshold`: `ratio`, `ms`, `usd`, `usd/h`, `x` (burn rate), `s`, `bool`. */
  readonly unit: string;
  /** Clock time the condition first held (the alert went pending). */
  readonly startsAt: number;
  /** Clock time it resolved, when it has. */
  readonly endsAt?: number;
  readonly links: readonly AlertLink[];
}

/** What one sink receives: the alerts of one rule that changed within the group window. */
export interface Notification {
  /** `firing` when any alert in it fires, else `resolved`. */
  readonly status: 'firing' | 'resolved';
  readonly rule: string;
  readonly severity: Severity;
  /** Key of the group (the rule name). */
  readonly groupKey: string;
  /** Alerts, firing first. */
  readonly alerts: readonly Alert[];
  /** Whether this is a reminder of alerts still firing (repeat interval), not a change. */
  readonly repeat: boolean;
  /** Clock time the notification was built. */
  readonly at: number;
}

/**
 * A channel that delivers notifications (Slack, PagerDuty, ...). `send` resolves when the
 * receiver accepted it and rejects with a {@link SinkError} (or any error) otherwise; the
 * delivery layer adds timeout, retries, queueing and a breaker around it.
 */
export interface AlertSink {
  /** Kind of sink, e.g. `slack` (for events). */
  readonly kind: string;
  /** Delivers `notification`; must stop when `signal` aborts. */
  send(notification: Notification, signal: AbortSignal): Promise<void>;
  /**
   * Secret strings of this sink (webhook URLs, tokens, passwords): removed from any error text
   * before it reaches an event.
   */
  secrets(): readonly string[];
  /** Releases connections (called by `AlertManager.close`). */
  close?(): Promise<void>;
}
