import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { emailSink } from '../index.js';
import { alert, neverAborts, notification } from '../testkit/fixtures.js';

const servers: SMTPServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()));
});

interface Smtp {
  port: number;
  mails: ParsedMail[];
  logins: string[];
  secured: boolean[];
}

/** An in-process SMTP server that parses every message it accepts. */
async function startSmtp(options: { auth: boolean; starttls: boolean }): Promise<Smtp> {
  const mails: ParsedMail[] = [];
  const logins: string[] = [];
  const secured: boolean[] = [];
  const server = new SMTPServer({
    authOptional: !options.auth,
    disabledCommands: options.starttls ? [] : ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'alerts' && auth.password === 'smtp-PASS-canary') {
        logins.push(auth.username ?? '');
        cb(null, { user: auth.username });
      } else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      secured.push(session.secure);
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          cb();
        })
        .catch(cb);
    },
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as AddressInfo).port, mails, logins, secured };
}

describe('emailSink', () => {
  it('sends over STARTTLS with a login: subject with severity, text and HTML parts', async () => {
    const smtp = await startSmtp({ auth: true, starttls: true });
    const sink = emailSink({
      host: '127.0.0.1',
      port: smtp.port,
      requireTLS: true,
      tls: { rejectUnauthorized: false }, // smtp-server's built-in self-signed certificate
      auth: { user: 'alerts', pass: 'smtp-PASS-canary' },
      from: 'alerts@example.com',
      to: ['oncall@example.com', 'team@example.com'],
    });
    try {
      await sink.send(notification([alert(), alert('firing', 'critical', 'anthropic-haiku')]), neverAborts());
    } finally {
      await sink.close?.();
    }
    expect(smtp.logins).toEqual(['alerts']);
    expect(smtp.secured).toEqual([true]);
    const mail = smtp.mails[0]!;
    expect(mail.subject).toBe('[CRITICAL] FIRING: high-error-rate (2 alerts)');
    expect(mail.from?.text).toBe('alerts@example.com');
    expect((Array.isArray(mail.to) ? mail.to[0] : mail.to)?.text).toBe(
      'oncall@example.com, team@example.com',
    );
    expect(mail.text).toContain('FIRING error rate of target openai-mini is 42.0%');
    expect(mail.text).toContain('about: target anthropic-haiku');
    expect(mail.text).toContain(`fingerprint: ${alert().fingerprint}`);
    expect(mail.html).toContain(
      '<h2 style="color:#E01E5A">[CRITICAL] FIRING: high-error-rate (2 alerts)</h2>',
    );
    expect(mail.html).toContain('<a href="https://runbooks.example.com/llm-errors">Runbook</a>');
  });

  it('sends a resolve mail over plain SMTP without auth', async () => {
    const smtp = await startSmtp({ auth: false, starttls: false });
    const sink = emailSink({
      host: '127.0.0.1',
      port: smtp.port,
      from: 'a@example.com',
      to: ['b@example.com'],
    });
    try {
      await sink.send(notification([alert('resolved', 'warning')]), neverAborts());
    } finally {
      await sink.close?.();
    }
    expect(smtp.mails[0]!.subject).toBe('[WARNING] RESOLVED: high-error-rate');
    expect(smtp.secured).toEqual([false]);
  });

  it('a refused login is a non-retryable failure without the password', async () => {
    const smtp = await startSmtp({ auth: true, starttls: true });
    const sink = emailSink({
      host: '127.0.0.1',
      port: smtp.port,
      tls: { rejectUnauthorized: false },
      auth: { user: 'alerts', pass: 'wrong-PASS-canary' },
      from: 'a@example.com',
      to: ['b@example.com'],
    });
    const error = await sink.send(notification(), neverAborts()).catch((e: unknown) => e);
    await sink.close?.();
    expect(error).toMatchObject({ status: 535, retryable: false });
    expect(String((error as Error).message)).not.toContain('canary');
    expect(smtp.mails).toHaveLength(0);
  });
});
