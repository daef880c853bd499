import { afterEach, describe, expect, it } from 'vitest';
import { fitSms, smsBody, smsLength, smsSink } from '../index.js';
import { alert, neverAborts, notification } from '../testkit/fixtures.js';
import { type Received, type Receiver, startReceiver } from '../testkit/receiver.js';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'auth-token-CANARY-42';

/**
 * What Twilio documents for POST /2010-04-01/Accounts/{AccountSid}/Messages.json: HTTP basic
 * auth (AccountSid:AuthToken), an `application/x-www-form-urlencoded` body with `To`, `From`
 * and `Body` (≤ 1600 chars). Answers 201 with the message resource, 401 on bad auth, 400 on a
 * missing parameter.
 */
function twilioCheck(r: Received): { status: number; body: string } {
  const expected = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;
  if (r.headers.authorization !== expected) return { status: 401, body: '{"code":20003}' };
  if (r.path !== `/2010-04-01/Accounts/${SID}/Messages.json`) return { status: 404, body: '{}' };
  if (r.headers['content-type'] !== 'application/x-www-form-urlencoded') return { status: 400, body: '{}' };
  const form = new URLSearchParams(r.body);
  const body = form.get('Body');
  if (!form.get('To') || !form.get('From') || !body || body.length > 1600)
    return { status: 400, body: '{"code":21602}' };
  return { status: 201, body: JSON.stringify({ sid: 'SM123', status: 'queued', to: form.get('To') }) };
}

describe('smsSink', () => {
  it('posts a form-encoded To/From/Body per recipient with basic auth, within one 160-char segment', async () => {
    receiver = await startReceiver(undefined, twilioCheck);
    const sink = smsSink({
      accountSid: SID,
      authToken: TOKEN,
      from: '+15550001111',
      to: ['+15550002222', '+15550003333'],
      baseUrl: `${receiver.url}/`,
    });
    await sink.send(notification([alert(), alert('firing', 'critical', 'b')]), neverAborts());
    expect(receiver.received).toHaveLength(2);
    const forms = receiver.received.map((r) => new URLSearchParams(r.body));
    expect(forms.map((f) => f.get('To'))).toEqual(['+15550002222', '+15550003333']);
    const body = forms[0]!.get('Body')!;
    expect(body).toBe(
      '[CRITICAL] FIRING high-error-rate (+1 more): error rate of target openai-mini is 42.0% (threshold 20.0%, 50 calls in 300 s) [42.0%]',
    );
    expect(smsLength(body)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    const long = smsBody(notification([{ ...alert(), summary: 'x'.repeat(400) }]));
    expect(smsLength(long)).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 }); // '[' and ']' count twice
    expect(long.endsWith('...')).toBe(true);
  });

  it('a wrong token is a 401 failure whose error shows neither the token nor the auth header', async () => {
    receiver = await startReceiver(undefined, twilioCheck);
    const sink = smsSink({
      accountSid: SID,
      authToken: 'wrong-CANARY',
      from: '+1555',
      to: ['+15550002222'],
      baseUrl: receiver.url,
    });
    const error = await sink.send(notification(), neverAborts()).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(String((error as Error).message)).not.toContain('CANARY');
  });

  it('counts GSM-7 (extension chars double) and UCS-2 segments, and cuts to fit', () => {
    expect(smsLength('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsLength('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(smsLength('{'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsLength('🔴'.repeat(35))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsLength('é'.repeat(200)).segments).toBe(2);
    const cut = fitSms(`ž${'x'.repeat(300)}`, 1);
    expect(smsLength(cut)).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(cut.length).toBe(70);
    expect(fitSms('a'.repeat(400), 2).length).toBe(306);
  });
});
