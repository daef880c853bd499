import { afterEach, describe, expect, it } from 'vitest';
import { pagerDutySink } from '../index.js';
import { alert, neverAborts, notification } from '../testkit/fixtures.js';
import { type Received, type Receiver, startReceiver } from '../testkit/receiver.js';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/**
 * What the Events API v2 documents for POST /v2/enqueue: `routing_key` (32 chars), `event_action`
 * trigger|acknowledge|resolve, `dedup_key` ≤ 255 chars (required for resolve); a trigger needs
 * `payload.summary` (≤ 1024), `payload.source`, `payload.severity` critical|error|warning|info.
 * Answers 202 `{ status: 'success', dedup_key }`, or 400 `{ status: 'invalid event' }`.
 */
function pdCheck(r: Received): { status: number; body: string; headers: Record<string, string> } {
  const json = (status: number, body: unknown) => ({
    status,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  const e = JSON.parse(r.body);
  const invalid = (why: string) =>
    json(400, { status: 'invalid event', message: 'Event object is invalid', errors: [why] });
  if (r.path !== '/v2/enqueue') return json(404, {});
  if (typeof e.routing_key !== 'string' || e.routing_key.length !== 32) return invalid('routing_key');
  if (!['trigger', 'acknowledge', 'resolve'].includes(e.event_action)) return invalid('event_action');
  if (e.dedup_key !== undefined && (typeof e.dedup_key !== 'string' || e.dedup_key.length > 255))
    return invalid('dedup_key');
  if (e.event_action === 'trigger') {
    const p = e.payload ?? {};
    if (typeof p.summary !== 'string' || p.summary.length === 0 || p.summary.length > 1024)
      return invalid('summary');
    if (typeof p.source !== 'string' || p.source.length === 0) return invalid('source');
    if (!['critical', 'error', 'warning', 'info'].includes(p.severity)) return invalid('severity');
  } else if (typeof e.dedup_key !== 'string') return invalid('dedup_key required');
  return json(202, { status: 'success', message: 'Event processed', dedup_key: e.dedup_key });
}

const ROUTING_KEY = 'R0123456789abcdef0123456789abcd'.padEnd(32, 'x');

describe('pagerDutySink', () => {
  it('sends one trigger per alert with dedup_key = fingerprint and the documented payload', async () => {
    receiver = await startReceiver(undefined, pdCheck);
    const sink = pagerDutySink({
      routingKey: ROUTING_KEY,
      url: `${receiver.url}/v2/enqueue`,
      source: 'prod-api',
    });
    const second = alert('firing', 'warning', 'anthropic-haiku');
    await sink.send(notification([alert(), second]), neverAborts());
    const events = receiver.received.map((r) => JSON.parse(r.body));
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: alert().fingerprint,
      payload: {
        summary: alert().summary,
        source: 'prod-api',
        severity: 'critical',
        component: 'openai-mini',
        class: 'error_rate',
        timestamp: '2026-12-02T01:00:00.000Z',
        custom_details: { rule: 'high-error-rate', value: 0.42, threshold: 0.2, unit: 'ratio' },
      },
      links: [{ href: 'https://runbooks.example.com/llm-errors', text: 'Runbook' }],
    });
    expect(events[1].payload.severity).toBe('warning');
    expect(events[1].dedup_key).toBe(second.fingerprint);
  });

  it('sends resolve with the same dedup_key', async () => {
    receiver = await startReceiver(undefined, pdCheck);
    const sink = pagerDutySink({ routingKey: ROUTING_KEY, url: `${receiver.url}/v2/enqueue` });
    await sink.send(notification([alert()]), neverAborts());
    await sink.send(notification([alert('resolved')]), neverAborts());
    const [trigger, resolve] = receiver.received.map((r) => JSON.parse(r.body));
    expect(resolve).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: trigger.dedup_key,
    });
  });

  it('an invalid event is a non-retryable failure that does not show the routing key', async () => {
    receiver = await startReceiver(undefined, pdCheck);
    const sink = pagerDutySink({ routingKey: 'short-SECRET-key', url: `${receiver.url}/v2/enqueue` });
    const error = await sink.send(notification(), neverAborts()).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(JSON.stringify(error) + String(error)).not.toContain('SECRET');
  });
});
