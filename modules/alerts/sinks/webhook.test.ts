import { afterEach, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER, verifyWebhook, webhookSink } from '../index.js';
import { alert, neverAborts, notification } from '../testkit/fixtures.js';
import { type Received, type Receiver, startReceiver } from '../testkit/receiver.js';

const SECRET = 'whsec-0123456789abcdef';
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** The receiver of docs/alerts.md: verifies the signature and rejects anything older than 5 minutes. */
const verifying =
  (now: () => number = Date.now) =>
  (r: Received): { status: number } | undefined => {
    const header = (name: string) => {
      const v = r.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const ok = verifyWebhook({
      secret: SECRET,
      body: r.body,
      timestamp: header(TIMESTAMP_HEADER),
      signature: header(SIGNATURE_HEADER),
      now: now(),
    });
    return ok ? undefined : { status: 401 };
  };

describe('webhookSink', () => {
  it('posts the alert and its fingerprint, signed over timestamp + body; the receiver verifies it', async () => {
    receiver = await startReceiver({ status: 204 }, verifying());
    const sink = webhookSink({
      url: `${receiver.url}/alerts`,
      secret: SECRET,
      headers: { 'x-api-key': 'k-123456' },
    });
    await sink.send(notification(), neverAborts());
    const r = receiver.received[0]!;
    expect(r.headers['x-api-key']).toBe('k-123456');
    const body = JSON.parse(r.body);
    expect(body).toMatchObject({
      version: '1',
      status: 'firing',
      rule: 'high-error-rate',
      severity: 'critical',
    });
    expect(body.alerts[0]).toMatchObject({
      fingerprint: alert().fingerprint,
      labels: { target: 'openai-mini' },
      value: 0.42,
      threshold: 0.2,
      startsAt: '2026-12-02T01:00:00.000Z',
    });
    const ts = r.headers[TIMESTAMP_HEADER] as string;
    expect(Math.abs(Number(ts) * 1000 - Date.now())).toBeLessThan(5_000);
    expect(r.headers[SIGNATURE_HEADER]).toBe(signWebhook(SECRET, ts, r.body));
  });

  it('a replay older than 5 minutes, a tampered body or a wrong secret is rejected', async () => {
    const signedAt = Date.now() - 301_000;
    receiver = await startReceiver({ status: 204 }, verifying());
    const stale = webhookSink({ url: receiver.url, secret: SECRET }, () => signedAt);
    const error = await stale.send(notification(), neverAborts()).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401 });
    const ts = String(Math.floor(Date.now() / 1000));
    const body = '{"a":1}';
    const sig = signWebhook(SECRET, ts, body);
    expect(verifyWebhook({ secret: SECRET, body, timestamp: ts, signature: sig })).toBe(true);
    expect(verifyWebhook({ secret: SECRET, body: '{"a":2}', timestamp: ts, signature: sig })).toBe(false);
    expect(verifyWebhook({ secret: `${SECRET}x`, body, timestamp: ts, signature: sig })).toBe(false);
    expect(verifyWebhook({ secret: SECRET, body, timestamp: undefined, signature: sig })).toBe(false);
    expect(verifyWebhook({ secret: SECRET, body, timestamp: ts, signature: 'v1=00' })).toBe(false);
  });
});
