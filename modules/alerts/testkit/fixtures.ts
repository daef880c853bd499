// Test fixtures (not exported): notifications as the manager builds them.
import { fingerprint } from '../lifecycle/fingerprint.js';
import type { Alert, Notification, Severity } from '../types.js';

/** A firing (or resolved) alert about target `openai-mini`. */
export function alert(
  state: 'firing' | 'resolved' = 'firing',
  severity: Severity = 'critical',
  target = 'openai-mini',
): Alert {
  const labels = { target };
  return {
    fingerprint: fingerprint('high-error-rate', labels),
    rule: 'high-error-rate',
    type: 'error_rate',
    severity,
    state,
    labels,
    summary: `error rate of target ${target} is 42.0% (threshold 20.0%, 50 calls in 300 s)`,
    value: 0.42,
    threshold: 0.2,
    unit: 'ratio',
    startsAt: Date.parse('2026-12-02T01:00:00Z'),
    ...(state === 'resolved' ? { endsAt: Date.parse('2026-12-02T01:20:00Z') } : {}),
    links: [{ title: 'Runbook', url: 'https://runbooks.example.com/llm-errors' }],
  };
}

/** A notification of `alerts`. */
export function notification(alerts: Alert[] = [alert()]): Notification {
  const first = alerts[0] as Alert;
  return {
    status: alerts.some((a) => a.state === 'firing') ? 'firing' : 'resolved',
    rule: first.rule,
    severity: first.severity,
    groupKey: first.rule,
    alerts,
    repeat: false,
    at: Date.parse('2026-12-02T01:05:00Z'),
  };
}

/** A signal that never aborts. */
export const neverAborts = (): AbortSignal => new AbortController().signal;
