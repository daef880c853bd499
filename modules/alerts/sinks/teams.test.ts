import { afterEach, describe, expect, it } from 'vitest';
import { teamsSink } from '../index.js';
import { alert, neverAborts, notification } from '../testkit/fixtures.js';
import { type Received, type Receiver, startReceiver } from '../testkit/receiver.js';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

interface Element {
  type: string;
  text?: string;
  facts?: { title: string; value: string }[];
}

/**
 * What a Teams Workflows webhook ("When a Teams webhook request is received" → post card)
 * documents: `{ type: 'message', attachments: [{ contentType:
 * 'application/vnd.microsoft.card.adaptive', content: AdaptiveCard }] }`; the card has
 * `type: 'AdaptiveCard'`, a `version` (Teams renders up to 1.5), a `body` of elements and
 * optional `Action.OpenUrl` actions. The old MessageCard format is refused. Answers 202.
 */
function teamsCheck(r: Received): { status: number } | undefined {
  const msg = JSON.parse(r.body);
  if (msg['@type'] === 'MessageCard') return { status: 400 };
  if (msg.type !== 'message' || !Array.isArray(msg.attachments) || msg.attachments.length !== 1)
    return { status: 400 };
  const att = msg.attachments[0];
  if (att.contentType !== 'application/vnd.microsoft.card.adaptive') return { status: 400 };
  const card = att.content;
  if (card.type !== 'AdaptiveCard' || !/^1\.[0-5]$/.test(card.version) || !Array.isArray(card.body))
    return { status: 400 };
  for (const e of card.body as Element[])
    if (!['TextBlock', 'FactSet', 'ColumnSet', 'Container'].includes(e.type)) return { status: 400 };
  for (const a of card.actions ?? [])
    if (a.type !== 'Action.OpenUrl' || typeof a.url !== 'string') return { status: 400 };
  return undefined;
}

describe('teamsSink', () => {
  it('posts an Adaptive Card with the title coloured by severity, facts and link actions', async () => {
    receiver = await startReceiver({ status: 202 }, teamsCheck);
    const sink = teamsSink({
      webhookUrl: `${receiver.url}/workflows/abc/triggers/manual/paths/invoke?sig=SECRET`,
    });
    await sink.send(notification([alert(), alert('firing', 'critical', 'anthropic-haiku')]), neverAborts());
    const card = JSON.parse(receiver.received[0]!.body).attachments[0].content;
    expect(card.body[0]).toMatchObject({
      type: 'TextBlock',
      text: '[CRITICAL] FIRING: high-error-rate (2 alerts)',
      color: 'Attention',
    });
    const facts = (card.body as Element[]).filter((e) => e.type === 'FactSet').map((e) => e.facts);
    expect(facts).toHaveLength(2);
    expect(facts[1]).toContainEqual({ title: 'About', value: 'target anthropic-haiku' });
    expect(facts[0]).toContainEqual({ title: 'Value', value: '42.0% (threshold 20.0%)' });
    expect(card.actions[0]).toEqual({
      type: 'Action.OpenUrl',
      title: 'Runbook',
      url: 'https://runbooks.example.com/llm-errors',
    });
  });

  it('posts a resolve card in green', async () => {
    receiver = await startReceiver({ status: 202 }, teamsCheck);
    const sink = teamsSink({ webhookUrl: `${receiver.url}/wf` });
    await sink.send(notification([alert('resolved')]), neverAborts());
    const card = JSON.parse(receiver.received[0]!.body).attachments[0].content;
    expect(card.body[0]).toMatchObject({ text: '[CRITICAL] RESOLVED: high-error-rate', color: 'Good' });
  });
});
