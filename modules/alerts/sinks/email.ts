import type { Transporter } from 'nodemailer';
import { z } from 'zod/v4';
import { optionalPeer } from '../../adapter-kit/index.js';
import { parseWith } from '../config/parse.js';
import { SinkError } from '../delivery/sink-error.js';
import type { AlertSink, Notification } from '../types.js';
import { escapeHtml, plainText, subjectOf, timeOf, titleOf, valueVsThreshold } from './format.js';

/** Options of {@link emailSink} (SMTP through nodemailer, an optional peer: `npm install nodemailer`). */
export interface EmailSinkOptions {
  readonly host: string;
  /** @default 587 (465 when `secure`) */
  readonly port?: number;
  /** TLS from the start (port 465). @default false */
  readonly secure?: boolean;
  /** Refuse to send unless the server upgrades with STARTTLS. @default false */
  readonly requireTLS?: boolean;
  /** SMTP login; `pass` is a secret. */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** TLS options, e.g. `{ rejectUnauthorized: false }` for a self-signed test server. */
  readonly tls?: { readonly rejectUnauthorized?: boolean; readonly servername?: string };
  readonly from: string;
  readonly to: readonly string[];
}

/** Schema of the options (internal: config validation). */
export const schema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).optional(),
  secure: z.boolean().optional(),
  requireTLS: z.boolean().optional(),
  auth: z.strictObject({ user: z.string().min(1), pass: z.string().min(1) }).optional(),
  tls: z
    .strictObject({ rejectUnauthorized: z.boolean().optional(), servername: z.string().optional() })
    .optional(),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1),
});

type Nodemailer = typeof import('nodemailer');

const loadNodemailer = optionalPeer<Nodemailer>({
  packageName: 'nodemailer',
  neededBy: 'switchyard-llm/alerts emailSink',
  load: () => import('nodemailer') as Promise<Nodemailer>,
});

/** The HTML body of a notification: a heading and a table per alert. */
export function emailHtml(n: Notification): string {
  const colour =
    n.status === 'resolved'
      ? '#2EB67D'
      : n.severity === 'critical'
        ? '#E01E5A'
        : n.severity === 'warning'
          ? '#ECB22E'
          : '#36C5F0';
  const rows = n.alerts
    .map((a) => {
      const links = a.links
        .map((l) => `<a href="${escapeHtml(l.url)}">${escapeHtml(l.title)}</a>`)
        .join(' · ');
      return `<h3>${escapeHtml(a.state.toUpperCase())}: ${escapeHtml(a.summary)}</h3>
<table><tr><th align="left">About</th><td>${escapeHtml(subjectOf(a))}</td></tr>
<tr><th align="left">Value</th><td>${escapeHtml(valueVsThreshold(a))}</td></tr>
<tr><th align="left">Since</th><td>${escapeHtml(timeOf(a.startsAt))}</td></tr>
<tr><th align="left">Fingerprint</th><td><code>${a.fingerprint}</code></td></tr></table>${links === '' ? '' : `<p>${links}</p>`}`;
    })
    .join('\n');
  return `<!doctype html><html><body><h2 style="color:${colour}">${escapeHtml(titleOf(n))}</h2>\n${rows}\n</body></html>`;
}

/**
 * Email over SMTP with nodemailer (TLS or STARTTLS, optional login): the subject carries the
 * severity and status (`[CRITICAL] FIRING: rule`), with text and HTML parts. nodemailer is
 * loaded on the first send.
 * @throws {SwitchyardError} `config` when an option is invalid.
 */
export function emailSink(options: EmailSinkOptions): AlertSink {
  const o = parseWith(schema, options, 'email');
  let transport: Transporter | undefined;
  const secrets = o.auth === undefined ? [] : [o.auth.pass];
  return {
    kind: 'email',
    secrets: () => secrets,
    async send(n, signal) {
      if (transport === undefined) {
        const nodemailer = await loadNodemailer();
        transport = nodemailer.createTransport({
          host: o.host,
          port: o.port ?? (o.secure ? 465 : 587),
          secure: o.secure ?? false,
          requireTLS: o.requireTLS ?? false,
          ...(o.auth === undefined ? {} : { auth: { user: o.auth.user, pass: o.auth.pass } }),
          ...(o.tls === undefined ? {} : { tls: o.tls }),
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 20_000,
        });
      }
      if (signal.aborted) throw new SinkError('timeout', 'timed out', true);
      try {
        await transport.sendMail({
          from: o.from,
          to: [...o.to],
          subject: titleOf(n),
          text: plainText(n),
          html: emailHtml(n),
        });
      } catch (error) {
        const e = error as { responseCode?: unknown; code?: unknown };
        const status = typeof e.responseCode === 'number' ? e.responseCode : undefined;
        // SMTP 5xx is permanent (bad address, auth refused); 4xx and connection failures are worth a retry.
        const permanent = status !== undefined && status >= 500;
        const code = typeof e.code === 'string' ? e.code : 'SMTP error';
        throw new SinkError(
          status === undefined ? 'network' : 'rejected',
          status === undefined ? code : `SMTP ${status} ${code}`,
          !permanent,
          status,
        );
      }
    },
    async close() {
      transport?.close();
    },
  };
}
