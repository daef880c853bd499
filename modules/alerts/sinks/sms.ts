import { z } from 'zod/v4';
import { parseWith } from '../config/parse.js';
import { post } from '../delivery/http.js';
import type { AlertSink, Notification } from '../types.js';
import { formatValue } from './format.js';
import { fitSms } from './sms-text.js';

/** Options of {@link smsSink}. */
export interface SmsSinkOptions {
  /** Account SID (the basic-auth user and part of the path). */
  readonly accountSid: string;
  /** Auth token (the basic-auth password): a secret. */
  readonly authToken: string;
  /** Sender number (E.164) or short code. */
  readonly from: string;
  /** Recipients (E.164); one message each. */
  readonly to: readonly string[];
  /** API base for Twilio-compatible providers. @default 'https://api.twilio.com' */
  readonly baseUrl?: string;
  /** Segments a message may take (160 GSM-7 characters in one; longer text is cut). @default 1 */
  readonly maxSegments?: number;
}

const e164 = z.string().regex(/^\+?[0-9]{3,15}$/, 'expected a phone number like +15551234567');
/** Schema of the options (internal: config validation). */
export const schema = z.strictObject({
  accountSid: z.string().min(1),
  authToken: z.string().min(1),
  from: z.string().min(1),
  to: z.array(e164).min(1),
  baseUrl: z.url().optional(),
  maxSegments: z.number().int().min(1).max(10).optional(),
});

/** The SMS text of a notification: severity, status, rule, the first alert's summary and value. */
export function smsBody(n: Notification, maxSegments = 1): string {
  const first = n.alerts[0];
  const more = n.alerts.length > 1 ? ` (+${n.alerts.length - 1} more)` : '';
  const state = n.status === 'firing' ? 'FIRING' : 'RESOLVED';
  const detail = first === undefined ? '' : ` ${first.summary} [${formatValue(first.value, first.unit)}]`;
  return fitSms(`[${n.severity.toUpperCase()}] ${state} ${n.rule}${more}:${detail}`, maxSegments);
}

/**
 * SMS through a Twilio-style Messages API: a form-encoded POST of `To`, `From` and `Body` to
 * `{baseUrl}/2010-04-01/Accounts/{accountSid}/Messages.json` with basic auth, one per
 * recipient; the body is cut to fit `maxSegments` (GSM-7 or UCS-2 aware).
 * @throws {SwitchyardError} `config` when an option is invalid.
 */
export function smsSink(options: SmsSinkOptions): AlertSink {
  const o = parseWith(schema, options, 'sms');
  const base = (o.baseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(o.accountSid)}/Messages.json`;
  const auth = `Basic ${Buffer.from(`${o.accountSid}:${o.authToken}`).toString('base64')}`;
  return {
    kind: 'sms',
    secrets: () => [o.authToken, auth.slice(6)],
    async send(n, signal) {
      const text = smsBody(n, o.maxSegments);
      for (const to of o.to) {
        const body = new URLSearchParams({ To: to, From: o.from, Body: text }).toString();
        await post(
          { url, contentType: 'application/x-www-form-urlencoded', body, headers: { authorization: auth } },
          signal,
        );
      }
    },
  };
}
