import { z } from 'zod/v4';
import { configError } from '../config/config-error.js';
import { parseWith } from '../config/parse.js';
import type { DeliveryOptions } from '../delivery/options.js';
import type { AlertSink } from '../types.js';
import { type EmailSinkOptions, schema as emailSchema, emailSink } from './email.js';
import { type PagerDutySinkOptions, schema as pagerDutySchema, pagerDutySink } from './pagerduty.js';
import { type SlackSinkOptions, schema as slackSchema, slackSink } from './slack.js';
import { type SmsSinkOptions, schema as smsSchema, smsSink } from './sms.js';
import { type TeamsSinkOptions, schema as teamsSchema, teamsSink } from './teams.js';
import { type WebhookSinkOptions, schema as webhookSchema, webhookSink } from './webhook.js';

/** A sink described as data (e.g. from JSON): its `type`, its options, and optional delivery settings. */
export type SinkConfig = (
  | ({ readonly type: 'slack' } & SlackSinkOptions)
  | ({ readonly type: 'teams' } & TeamsSinkOptions)
  | ({ readonly type: 'webhook' } & WebhookSinkOptions)
  | ({ readonly type: 'pagerduty' } & PagerDutySinkOptions)
  | ({ readonly type: 'sms' } & SmsSinkOptions)
  | ({ readonly type: 'email' } & EmailSinkOptions)
) & { readonly delivery?: DeliveryOptions };

/** A sink object with its own delivery settings. */
export interface SinkWithDelivery {
  readonly sink: AlertSink;
  readonly delivery?: DeliveryOptions;
}

/** Schema of {@link DeliveryOptions}. */
export const deliverySchema = z.strictObject({
  timeoutMs: z.number().finite().positive().optional(),
  maxRetries: z.number().int().nonnegative().max(20).optional(),
  backoffMs: z.number().finite().nonnegative().optional(),
  maxBackoffMs: z.number().finite().nonnegative().optional(),
  maxRetryAfterMs: z.number().finite().nonnegative().optional(),
  queueSize: z.number().int().positive().optional(),
  breakerFailures: z.number().int().positive().optional(),
  breakerCooldownMs: z.number().finite().nonnegative().optional(),
});

const TYPES = ['slack', 'teams', 'webhook', 'pagerduty', 'sms', 'email'] as const;

const isSink = (v: unknown): v is AlertSink =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as AlertSink).send === 'function' &&
  typeof (v as AlertSink).secrets === 'function';

/**
 * The sink and delivery options of one `options.sinks` entry: a sink object, `{ sink, delivery }`,
 * or a {@link SinkConfig}. Errors name the field under `path` (e.g. `sinks.pager.routingKey`).
 */
export function readSink(
  value: unknown,
  path: string,
  now: () => number,
): { sink: AlertSink; delivery: DeliveryOptions } {
  if (isSink(value)) return { sink: value, delivery: {} };
  if (typeof value !== 'object' || value === null)
    throw configError(path, 'expected a sink, { sink, delivery } or a sink config');
  const v = value as Record<string, unknown>;
  const delivery = v.delivery === undefined ? {} : parseWith(deliverySchema, v.delivery, `${path}.delivery`);
  if ('sink' in v) {
    if (!isSink(v.sink)) throw configError(`${path}.sink`, 'expected a sink (with send and secrets)');
    return { sink: v.sink, delivery };
  }
  const { type, delivery: _d, ...rest } = v;
  if (typeof type !== 'string' || !(TYPES as readonly string[]).includes(type)) {
    throw configError(`${path}.type`, `expected one of ${TYPES.join(', ')}`);
  }
  const schemas: Record<string, z.ZodType<unknown>> = {
    slack: slackSchema,
    teams: teamsSchema,
    webhook: webhookSchema,
    pagerduty: pagerDutySchema,
    sms: smsSchema,
    email: emailSchema,
  };
  parseWith(schemas[type] as z.ZodType<unknown>, rest, path);
  const sink = (() => {
    switch (type) {
      case 'slack':
        return slackSink(rest as unknown as SlackSinkOptions);
      case 'teams':
        return teamsSink(rest as unknown as TeamsSinkOptions);
      case 'webhook':
        return webhookSink(rest as unknown as WebhookSinkOptions, now);
      case 'pagerduty':
        return pagerDutySink(rest as unknown as PagerDutySinkOptions);
      case 'sms':
        return smsSink(rest as unknown as SmsSinkOptions);
      default:
        return emailSink(rest as unknown as EmailSinkOptions);
    }
  })();
  return { sink, delivery };
}
