import { afterEach, describe, expect, it } from 'vitest';
import { slackSink } from '../index.js';
import { alert, neverAborts, notification } from '../testkit/fixtures.js';
import { type Received, type Receiver, startReceiver } from '../testkit/receiver.js';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

interface Block {
  type: string;
  text?: { type: string; text: string };
  fields?: { type: string; text: string }[];
  elements?: { type: string; text?: { type: string; text: string } | string; url?: string }[];
}

/**
 * What Slack documents for an incoming webhook: a JSON POST with `text` (the notification
 * fallback) and/or `blocks`; attachments with `color` and `blocks`; a header block holds
 * plain_text ≤ 150 chars; a section's text ≤ 3000 chars and ≤ 10 fields of ≤ 2000 chars;
 * buttons have plain_text ≤ 75 chars; ≤ 50 blocks per message. Answers 400 otherwise.
 */
function slackCheck(r: Received): { status: number; body: string } | undefined {
  const bad = (why: string) => ({ status: 400, body: `invalid_blocks: ${why}` });
  if (r.method !== 'POST' || r.headers['content-type'] !== 'application/json') return bad('content-type');
  const msg = JSON.parse(r.body) as { text?: string; attachments?: { color?: string; blocks: Block[] }[] };
  if (typeof msg.text !== 'string' || msg.text.length === 0) return bad('text');
  for (const att of msg.attachments ?? []) {
    if (!/^#[0-9A-F]{6}$/i.test(att.color ?? '')) return bad('color');
    if (att.blocks.length > 50) return bad('too many blocks');
    for (const b of att.blocks) {
      if (!['header', 'section', 'divider', 'context', 'actions'].includes(b.type))
        return bad(`block type ${b.type}`);
      if (b.type === 'header' && (b.text?.type !== 'plain_text' || b.text.text.length > 150))
        return bad('header');
      if (b.type === 'section') {
        if (b.text?.type !== 'mrkdwn' || b.text.text.length > 3000) return bad('section text');
        if ((b.fields ?? []).length > 10 || (b.fields ?? []).some((f) => f.text.length > 2000))
          return bad('fields');
      }
      if (b.type === 'actions') {
        for (const e of b.elements ?? []) {
          if (
            e.type !== 'button' ||
            typeof e.text !== 'object' ||
            e.text.type !== 'plain_text' ||
            e.text.text.length > 75
          )
            return bad('button');
          if (!e.url?.startsWith('https://')) return bad('button url');
        }
      }
    }
  }
  return undefined;
}

describe('slackSink', () => {
  it('posts Block Kit blocks with severity colour, value vs threshold, target and links', async () => {
    receiver = await startReceiver({ status: 200, body: 'ok' }, slackCheck);
    const sink = slackSink({ webhookUrl: `${receiver.url}/services/T000/B000/XXXX` });
    await sink.send(notification(), neverAborts());
    const r = receiver.received[0]!;
    expect(r.path).toBe('/services/T000/B000/XXXX');
    const msg = JSON.parse(r.body);
    expect(msg.text).toBe('[CRITICAL] FIRING: high-error-rate');
    expect(msg.attachments[0].color).toBe('#E01E5A');
    const blocks = msg.attachments[0].blocks as Block[];
    expect(blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '[CRITICAL] FIRING: high-error-rate', emoji: true },
    });
    expect(blocks[1]!.text!.text).toContain('🔴 *Firing*: error rate of target openai-mini is 42.0%');
    expect(blocks[1]!.fields!.map((f) => f.text)).toEqual([
      '*About*\ntarget openai-mini',
      '*Value*\n42.0% (threshold 20.0%)',
      '*Severity*\ncritical',
      '*Since*\n2026-12-02T01:00:00.000Z',
    ]);
    expect(blocks[2]).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Runbook' },
          url: 'https://runbooks.example.com/llm-errors',
        },
      ],
    });
  });

  it('posts a green resolve message', async () => {
    receiver = await startReceiver({ status: 200, body: 'ok' }, slackCheck);
    const sink = slackSink({ webhookUrl: `${receiver.url}/hook` });
    await sink.send(notification([alert('resolved', 'warning')]), neverAborts());
    const msg = JSON.parse(receiver.received[0]!.body);
    expect(msg.text).toBe('[WARNING] RESOLVED: high-error-rate');
    expect(msg.attachments[0].color).toBe('#2EB67D');
    expect(msg.attachments[0].blocks[1].text.text).toMatch(/^✅ \*Resolved\*/);
  });

  it('fails with the status on a 4xx (the receiver rejected the payload) and never shows the URL', async () => {
    receiver = await startReceiver({ status: 400, body: 'invalid_payload' });
    const sink = slackSink({ webhookUrl: `${receiver.url}/services/SECRET` });
    const error = await sink.send(notification(), neverAborts()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 400, retryable: false });
    expect(String((error as Error).message)).not.toContain('SECRET');
  });
});
