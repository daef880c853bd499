import { z } from 'zod/v4';
import { parseWith } from '../config/parse.js';
import { post } from '../delivery/http.js';
import type { Alert, AlertSink, Notification } from '../types.js';
import { subjectOf, timeOf, titleOf, valueVsThreshold } from './format.js';

/** Options of {@link teamsSink}. */
export interface TeamsSinkOptions {
  /** The URL of the Teams workflow ("When a Teams webhook request is received"): a secret. */
  readonly webhookUrl: string;
  /** Alerts shown per card. @default 10 */
  readonly maxAlerts?: number;
}

/** Schema of the options (internal: config validation). */
export const schema = z.strictObject({
  webhookUrl: z.url(),
  maxAlerts: z.number().int().min(1).max(50).optional(),
});

function colourOf(n: Notification): 'Attention' | 'Warning' | 'Accent' | 'Good' {
  if (n.status === 'resolved') return 'Good';
  return n.severity === 'critical' ? 'Attention' : n.severity === 'warning' ? 'Warning' : 'Accent';
}

function alertItems(a: Alert): unknown[] {
  return [
    {
      type: 'TextBlock',
      text: `${a.state === 'resolved' ? 'Resolved' : 'Firing'}: ${a.summary}`,
      wrap: true,
      weight: 'Bolder',
      separator: true,
    },
    {
      type: 'FactSet',
      facts: [
        { title: 'About', value: subjectOf(a) },
        { title: 'Value', value: valueVsThreshold(a) },
        { title: 'Severity', value: a.severity },
        { title: 'Since', value: timeOf(a.startsAt) },
        { title: 'Fingerprint', value: a.fingerprint },
      ],
    },
  ];
}

/** The workflow webhook body: a `message` with one Adaptive Card (1.4) attachment. */
export function teamsPayload(n: Notification, maxAlerts = 10): unknown {
  const shown = n.alerts.slice(0, maxAlerts);
  const links = shown.flatMap((a) => a.links);
  const body: unknown[] = [
    { type: 'TextBlock', text: titleOf(n), size: 'Large', weight: 'Bolder', color: colourOf(n), wrap: true },
    ...shown.flatMap(alertItems),
  ];
  if (n.alerts.length > shown.length) {
    body.push({
      type: 'TextBlock',
      text: `and ${n.alerts.length - shown.length} more`,
      isSubtle: true,
      wrap: true,
    });
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body,
          ...(links.length === 0
            ? {}
            : {
                actions: links
                  .slice(0, 6)
                  .map((l) => ({ type: 'Action.OpenUrl', title: l.title, url: l.url })),
              }),
        },
      },
    ],
  };
}

/**
 * Microsoft Teams through a Workflows webhook (the Office 365 connectors are retired): one
 * Adaptive Card per notification, its title coloured by severity.
 * @throws {SwitchyardError} `config` when an option is invalid.
 */
export function teamsSink(options: TeamsSinkOptions): AlertSink {
  const o = parseWith(schema, options, 'teams');
  return {
    kind: 'teams',
    secrets: () => [o.webhookUrl],
    async send(n, signal) {
      await post(
        {
          url: o.webhookUrl,
          contentType: 'application/json',
          body: JSON.stringify(teamsPayload(n, o.maxAlerts)),
        },
        signal,
      );
    },
  };
}
