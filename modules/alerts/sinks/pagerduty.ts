import { z } from 'zod/v4';
import { parseWith } from '../config/parse.js';
import { post } from '../delivery/http.js';
import type { Alert, AlertSink, Severity } from '../types.js';
import { subjectOf, timeOf } from './format.js';

/** Options of {@link pagerDutySink}. */
export interface PagerDutySinkOptions {
  /** Integration key of an Events API v2 integration: a secret. */
  readonly routingKey: string;
  /** @default 'https://events.pagerduty.com/v2/enqueue' */
  readonly url?: string;
  /** `payload.source`: the system the alert is about. @default 'switchyard-llm' */
  readonly source?: string;
  /** `client` shown in PagerDuty. @default 'switchyard-llm alerts' */
  readonly client?: string;
  /** `client_url` (e.g. the monitor page). */
  readonly clientUrl?: string;
}

/** Schema of the options (internal: config validation). */
export const schema = z.strictObject({
  routingKey: z.string().min(1),
  url: z.url().optional(),
  source: z.string().min(1).max(255).optional(),
  client: z.string().min(1).optional(),
  clientUrl: z.url().optional(),
});

/** Our severity → PagerDuty's (`critical`, `error`, `warning`, `info`): critical pages, the rest do not by default. */
export const PAGERDUTY_SEVERITY: Readonly<Record<Severity, 'critical' | 'error' | 'warning' | 'info'>> = {
  critical: 'critical',
  warning: 'warning',
  info: 'info',
};

/** The Events API v2 event of one alert: `trigger` while firing, `resolve` once resolved. */
export function pagerDutyEvent(a: Alert, o: Omit<PagerDutySinkOptions, 'url'>): Record<string, unknown> {
  const dedup = a.fingerprint.slice(0, 255);
  if (a.state === 'resolved') return { routing_key: o.routingKey, event_action: 'resolve', dedup_key: dedup };
  const component = a.labels.target ?? a.labels.alias;
  return {
    routing_key: o.routingKey,
    event_action: 'trigger',
    dedup_key: dedup,
    payload: {
      summary: a.summary.slice(0, 1024),
      source: o.source ?? 'switchyard-llm',
      severity: PAGERDUTY_SEVERITY[a.severity],
      ...(a.startsAt > 1e12 ? { timestamp: new Date(a.startsAt).toISOString() } : {}),
      ...(component === undefined ? {} : { component }),
      group: a.labels.alias ?? a.rule,
      class: a.type,
      custom_details: {
        rule: a.rule,
        about: subjectOf(a),
        value: a.value,
        threshold: a.threshold,
        unit: a.unit,
        since: timeOf(a.startsAt),
        labels: a.labels,
      },
    },
    client: o.client ?? 'switchyard-llm alerts',
    ...(o.clientUrl === undefined ? {} : { client_url: o.clientUrl }),
    ...(a.links.length === 0 ? {} : { links: a.links.map((l) => ({ href: l.url, text: l.title })) }),
  };
}

/**
 * PagerDuty Events API v2: one event per alert, `trigger` then `resolve`, deduplicated by the
 * alert's fingerprint (`dedup_key`), so a repeat or a retry never opens a second incident.
 * @throws {SwitchyardError} `config` when an option is invalid.
 */
export function pagerDutySink(options: PagerDutySinkOptions): AlertSink {
  const o = parseWith(schema, options, 'pagerduty');
  const url = o.url ?? 'https://events.pagerduty.com/v2/enqueue';
  return {
    kind: 'pagerduty',
    secrets: () => [o.routingKey],
    async send(n, signal) {
      for (const a of n.alerts) {
        await post(
          { url, contentType: 'application/json', body: JSON.stringify(pagerDutyEvent(a, o)) },
          signal,
        );
      }
    },
  };
}
