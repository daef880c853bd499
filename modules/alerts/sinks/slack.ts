import { z } from 'zod/v4';
import { parseWith } from '../config/parse.js';
import { post } from '../delivery/http.js';
import type { Alert, AlertSink, Notification } from '../types.js';
import { colourOf, emojiOf, subjectOf, timeOf, titleOf, valueVsThreshold } from './format.js';

/** Options of {@link slackSink}. */
export interface SlackSinkOptions {
  /** The incoming webhook URL (`https://hooks.slack.com/services/…`): a secret. */
  readonly webhookUrl: string;
  /** Alerts shown per message (the rest are counted). @default 10 */
  readonly maxAlerts?: number;
}

/** Schema of the options (internal: config validation). */
export const schema = z.strictObject({
  webhookUrl: z.url(),
  maxAlerts: z.number().int().min(1).max(20).optional(),
});

const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Slack Block Kit blocks of one alert: a section with the summary and fields, then link buttons. */
function alertBlocks(a: Alert): unknown[] {
  const resolved = a.state === 'resolved';
  const blocks: unknown[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: cut(
          `${emojiOf(a.severity, resolved)} *${resolved ? 'Resolved' : 'Firing'}*: ${a.summary}`,
          3000,
        ),
      },
      fields: [
        { type: 'mrkdwn', text: cut(`*About*\n${subjectOf(a)}`, 2000) },
        { type: 'mrkdwn', text: cut(`*Value*\n${valueVsThreshold(a)}`, 2000) },
        { type: 'mrkdwn', text: `*Severity*\n${a.severity}` },
        { type: 'mrkdwn', text: `*Since*\n${timeOf(a.startsAt)}` },
      ],
    },
  ];
  if (a.links.length > 0) {
    blocks.push({
      type: 'actions',
      elements: a.links.slice(0, 5).map((l) => ({
        type: 'button',
        text: { type: 'plain_text', text: cut(l.title, 75) },
        url: l.url,
      })),
    });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `fingerprint \`${a.fingerprint}\`` }] });
  return blocks;
}

/** The Slack message of a notification: `text` (the fallback) and a coloured attachment of Block Kit blocks. */
export function slackPayload(n: Notification, maxAlerts = 10): { text: string; attachments: unknown[] } {
  const title = titleOf(n);
  const shown = n.alerts.slice(0, maxAlerts);
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(title, 150), emoji: true } },
  ];
  for (const a of shown) blocks.push(...alertBlocks(a), { type: 'divider' });
  if (n.alerts.length > shown.length) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `and ${n.alerts.length - shown.length} more` }],
    });
  }
  return { text: title, attachments: [{ color: colourOf(n.severity, n.status === 'resolved'), blocks }] };
}

/**
 * Slack incoming webhook: one message per notification, Block Kit blocks in an attachment whose
 * bar is coloured by severity (green when resolved), with the value against the threshold, what
 * the alert is about, and link buttons.
 * @throws {SwitchyardError} `config` when an option is invalid.
 */
export function slackSink(options: SlackSinkOptions): AlertSink {
  const o = parseWith(schema, options, 'slack');
  return {
    kind: 'slack',
    secrets: () => [o.webhookUrl],
    async send(n, signal) {
      await post(
        {
          url: o.webhookUrl,
          contentType: 'application/json',
          body: JSON.stringify(slackPayload(n, o.maxAlerts)),
        },
        signal,
      );
    },
  };
}
