import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod/v4';
import { parseWith } from '../config/parse.js';
import { post } from '../delivery/http.js';
import type { AlertSink, Notification } from '../types.js';

/** Options of {@link webhookSink}. */
export interface WebhookSinkOptions {
  /** Receiver URL: a secret (it may carry a token). */
  readonly url: string;
  /** HMAC-SHA256 key shared with the receiver (at least 16 characters): a secret. */
  readonly secret: string;
  /** Extra headers (e.g. an API key: their values are treated as secrets). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Header with the Unix time in seconds the body was signed at. */
export const TIMESTAMP_HEADER = 'x-switchyard-timestamp';
/** Header with `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. */
export const SIGNATURE_HEADER = 'x-switchyard-signature';

/** Schema of the options (internal: config validation). */
export const schema = z.strictObject({
  url: z.url(),
  secret: z.string().min(16),
  headers: z.record(z.string(), z.string()).optional(),
});

/** `v1=` + hex HMAC-SHA256 of `${timestamp}.${body}` under `secret`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Input of {@link verifyWebhook}. */
export interface WebhookVerification {
  readonly secret: string;
  /** The raw body, exactly as received. */
  readonly body: string;
  /** {@link TIMESTAMP_HEADER}. */
  readonly timestamp: string | undefined;
  /** {@link SIGNATURE_HEADER}. */
  readonly signature: string | undefined;
  /** Now, in ms since the epoch. @default Date.now() */
  readonly now?: number;
  /** Oldest (and furthest in the future) timestamp accepted, in ms. @default 300_000 */
  readonly toleranceMs?: number;
}

/**
 * Whether a webhook request is authentic and fresh: the signature matches (compared in
 * constant time) and the timestamp is within `toleranceMs` of now (a replay is rejected).
 */
export function verifyWebhook(v: WebhookVerification): boolean {
  if (v.timestamp === undefined || v.signature === undefined || !/^\d{1,12}$/.test(v.timestamp)) return false;
  const age = (v.now ?? Date.now()) - Number(v.timestamp) * 1000;
  if (Math.abs(age) > (v.toleranceMs ?? 300_000)) return false;
  const expected = Buffer.from(signWebhook(v.secret, v.timestamp, v.body));
  const given = Buffer.from(v.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The JSON body of a notification (times as ISO strings when they look like epoch ms). */
export function webhookBody(n: Notification): unknown {
  const iso = (ms: number) => (ms > 1e12 ? new Date(ms).toISOString() : ms);
  return {
    version: '1',
    status: n.status,
    rule: n.rule,
    severity: n.severity,
    groupKey: n.groupKey,
    repeat: n.repeat,
    at: iso(n.at),
    alerts: n.alerts.map((a) => ({
      ...a,
      startsAt: iso(a.startsAt),
      ...(a.endsAt === undefined ? {} : { endsAt: iso(a.endsAt) }),
    })),
  };
}

/**
 * Generic webhook: POSTs the notification as JSON with a timestamp and an HMAC-SHA256 signature
 * over `timestamp + "." + body` (see {@link verifyWebhook} and docs/alerts.md). `now` gives the
 * signing time in ms since the epoch.
 * @throws {SwitchyardError} `config` when an option is invalid.
 */
export function webhookSink(options: WebhookSinkOptions, now: () => number = Date.now): AlertSink {
  const o = parseWith(schema, options, 'webhook');
  return {
    kind: 'webhook',
    secrets: () => [o.url, o.secret, ...Object.values(o.headers ?? {})],
    async send(n, signal) {
      const body = JSON.stringify(webhookBody(n));
      const timestamp = String(Math.floor(now() / 1000));
      await post(
        {
          url: o.url,
          contentType: 'application/json',
          body,
          headers: {
            ...o.headers,
            [TIMESTAMP_HEADER]: timestamp,
            [SIGNATURE_HEADER]: signWebhook(o.secret, timestamp, body),
          },
        },
        signal,
      );
    },
  };
}
