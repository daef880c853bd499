import { afterEach, describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { type AlertEventName, AlertManager, type AlertSink, webhookSink } from './index.js';
import { type Behaviour, type Receiver, startReceiver, tick } from './testkit/receiver.js';

const messages = [{ role: 'user' as const, content: 'hi' }];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

const EVENT_NAMES: AlertEventName[] = [
  'alert:pending',
  'alert:firing',
  'alert:resolved',
  'notification',
  'delivery:success',
  'delivery:retry',
  'delivery:failure',
  'delivery:dropped',
  'sink:breaker',
  'error',
];

/** Polls (real time, for real I/O) until `cond` holds, for at most 5 s. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick(5);
  }
}

async function setup(sinks: Record<string, AlertSink>) {
  const clock = new VirtualClock(Date.now());
  const adapter = new MockAdapter(() => ({ text: 'ok' }), { recordCalls: false });
  const router = new Router({ targets: [{ id: 'a', adapter, model: 'm' }], clock });
  const alerts = new AlertManager({
    rules: [{ name: 'budget', type: 'budget', severity: 'critical', threshold: 1, forMs: 0 }],
    sinks: Object.fromEntries(
      Object.entries(sinks).map(([k, sink]) => [
        k,
        { sink, delivery: { timeoutMs: 5_000, maxRetries: 2, backoffMs: 1_000 } },
      ]),
    ),
    clock,
    groupWindowMs: 0,
  });
  alerts.attach(router);
  closers.push(() => alerts.close());
  const events: { name: AlertEventName; payload: unknown }[] = [];
  for (const name of EVENT_NAMES)
    alerts.on(name, ((payload: unknown) => void events.push({ name, payload })) as never);
  /** Median wall time per routed call over `n` calls, in µs; every call must succeed. */
  const route = async (n: number): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const r = await router.complete({ messages });
      times.push((performance.now() - t0) * 1000);
      expect(r.text).toBe('ok');
    }
    return times.sort((a, b) => a - b)[Math.floor(n / 2)] as number;
  };
  const trigger = async () => {
    alerts.onBudgetThreshold({
      budget: 'team',
      scope: {},
      period: 'day',
      periodKey: 'd1',
      limitUsd: 1,
      spentUsd: 2,
      threshold: 1,
    });
    await clock.advance(10_000);
  };
  return { clock, alerts, events, route, trigger, names: () => events.map((e) => e.name) };
}

const SECRET_PATH = '/hooks/CANARY-path-token';

describe('faults at the receiver: routing calls made meanwhile are unaffected', () => {
  const cases: { name: string; first: Behaviour; advanceMs: number; kind: string; retryDelayMs?: number }[] =
    [
      { name: 'hangs', first: 'hang', advanceMs: 5_000 + 1_200, kind: 'timeout' },
      { name: 'returns 500', first: { status: 500 }, advanceMs: 1_200, kind: 'http' },
      {
        name: 'returns 429 with Retry-After',
        first: { status: 429, headers: { 'retry-after': '30' } },
        advanceMs: 30_000,
        kind: 'http',
        retryDelayMs: 30_000,
      },
      { name: 'closes the connection', first: 'close', advanceMs: 1_200, kind: 'network' },
    ];
  for (const c of cases) {
    it(`receiver ${c.name}: retried, then delivered; calls unaffected`, async () => {
      const receiver: Receiver = await startReceiver({ status: 200 });
      closers.push(() => receiver.close());
      receiver.script(c.first);
      const t = await setup({
        hook: webhookSink({ url: `${receiver.url}${SECRET_PATH}`, secret: 'CANARY-secret-0123456789' }),
      });
      const baseline = await t.route(300);
      await t.trigger();
      await receiver.waitFor(1);
      // The delivery is now stuck on the fault: route meanwhile.
      const during = await t.route(300);
      if (c.first !== 'hang') await until(() => t.names().includes('delivery:retry'), 'the retry');
      await t.clock.advance(c.advanceMs);
      await until(() => t.names().includes('delivery:success'), 'the delivery');
      expect(receiver.received).toHaveLength(2);
      const retry = t.events.find((e) => e.name === 'delivery:retry')?.payload as {
        error: { kind: string };
        delayMs: number;
      };
      expect(retry.error.kind).toBe(c.kind);
      if (c.retryDelayMs !== undefined) expect(retry.delayMs).toBe(c.retryDelayMs);
      // Measured in the same test: the median routed call is not slowed by the stuck delivery
      // (generous bound for a shared machine; typical values are a few µs apart).
      expect(during).toBeLessThan(baseline * 3 + 200);
      expect(JSON.stringify(t.events)).not.toContain('CANARY');
    });
  }

  it('canary: no URL, token or password of any sink appears in any event', async () => {
    const failing = await startReceiver({ status: 500, body: 'CANARY echoed back' });
    const limited = await startReceiver({ status: 429, headers: { 'retry-after': '1' } });
    const closing = await startReceiver('close');
    closers.push(
      () => failing.close(),
      () => limited.close(),
      () => closing.close(),
    );
    const { slackSink, teamsSink, pagerDutySink, smsSink, emailSink } = await import('./index.js');
    const t = await setup({
      slack: slackSink({ webhookUrl: `${failing.url}/services/CANARY-slack` }),
      teams: teamsSink({ webhookUrl: `${closing.url}/wf?sig=CANARY-teams` }),
      pd: pagerDutySink({ routingKey: 'CANARY-routing-key', url: `${limited.url}/v2/enqueue` }),
      sms: smsSink({
        accountSid: 'AC1',
        authToken: 'CANARY-token',
        from: '+1555',
        to: ['+15550002222'],
        baseUrl: failing.url,
      }),
      mail: emailSink({
        host: '127.0.0.1',
        port: 9,
        auth: { user: 'u', pass: 'CANARY-pass' },
        from: 'a@b.c',
        to: ['d@e.f'],
      }),
      hook: webhookSink({ url: `${closing.url}/CANARY-hook`, secret: 'CANARY-secret-0123456789' }),
    });
    await t.trigger();
    for (let i = 0; i < 6; i++) {
      await until(() => t.events.length > 0, 'events');
      await tick(50);
      await t.clock.advance(3_000);
    }
    await until(() => t.names().filter((n) => n === 'delivery:failure').length === 6, 'six failures');
    expect(JSON.stringify(t.events)).not.toMatch(/CANARY/);
    expect(t.events.some((e) => e.name === 'delivery:retry')).toBe(true);
  });
});
