/** The usage ledger through a real Router with mock adapters and a virtual clock. */
import { describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import {
  type Adapter,
  costOf,
  estimateInputTokens,
  type RouterEventName,
  SwitchyardError,
} from '../../src/index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { usageToCsv, usageToJson } from './export.js';
import { OVERFLOW_KEY, UsageLedger } from './ledger.js';

const messages = [{ role: 'user' as const, content: 'hello there, how are you today?' }];
const price = { inputPerMTok: 2, outputPerMTok: 8 };
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** An adapter that answers like `inner` but reports no usage at all. */
function withoutUsage(inner: MockAdapter): Adapter {
  return {
    provider: inner.provider,
    capabilities: inner.capabilities,
    complete: async (request, options) => {
      const { usage: _drop, ...rest } = await inner.complete(request, options);
      return rest as unknown as Awaited<ReturnType<Adapter['complete']>>;
    },
    async *stream(request, options) {
      for await (const part of inner.stream(request, options)) {
        if (part.type === 'finish') {
          const { usage: _drop, ...rest } = part;
          yield rest as typeof part;
        } else yield part;
      }
    },
  };
}

function setup(options: ConstructorParameters<typeof UsageLedger>[0] = {}) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const router = new Router({
    targets: [
      {
        id: 'fast',
        adapter: new MockAdapter(() => ({
          text: 'ok',
          delayMs: 100,
          usage: { inputTokens: 1000, outputTokens: 500 },
        })),
        model: 'small',
        aliases: ['chat'],
        price,
      },
      {
        id: 'down',
        adapter: new MockAdapter(() => ({ error: { status: 503 }, delayMs: 10 })),
        model: 'big',
        aliases: ['broken'],
        price,
      },
    ],
    strategy: 'priority',
    breaker: false,
    retry: { maxAttempts: 1 },
    clock,
  });
  const ledger = new UsageLedger({ clock, ...options });
  const detach = ledger.attach(router);
  const call = (request: Parameters<Router['complete']>[0]) =>
    clock.run(router.complete(request)).catch((e: unknown) => e);
  return { clock, router, ledger, detach, call };
}

describe('UsageLedger', () => {
  it('counts calls, errors by kind, tokens, cost and latency per model and alias', async () => {
    const { ledger, call } = setup();
    for (let i = 0; i < 3; i++) await call({ messages, model: 'chat', tags: ['a'] });
    await call({ messages, model: 'broken' });
    const [small, big] = ledger.query({ by: ['model'] });
    expect(small).toMatchObject({
      key: { model: 'small' },
      calls: 3,
      successes: 3,
      inputTokens: 3000,
      outputTokens: 1500,
      totalTokens: 4500,
      pricedCalls: 3,
      estimated: false,
    });
    expect(small!.costUsd).toBeCloseTo(
      3 * costOf({ inputTokens: 1000, outputTokens: 500, totalTokens: 1500 }, price),
    );
    expect(small!.p50Ms).toBeCloseTo(100, -1);
    expect(Math.abs(small!.p99Ms! - 100) / 100).toBeLessThanOrEqual(0.01);
    expect(big).toMatchObject({
      key: { model: 'big' },
      calls: 1,
      failures: 1,
      errors: { server: 1 },
      costUsd: 0,
    });
    expect(ledger.query({ by: ['alias'] }).map((r) => [r.key.alias, r.calls])).toEqual([
      ['chat', 3],
      ['broken', 1],
    ]);
    expect(ledger.query({ by: ['tag'] })).toMatchObject([{ key: { tag: 'a' }, calls: 3 }]);
    expect(ledger.query()).toMatchObject([{ calls: 4, successes: 3, availability: 0.75 }]);
    expect(ledger.query({ by: ['target'], where: { alias: 'chat' } })).toMatchObject([
      { key: { target: 'fast' }, calls: 3 },
    ]);
  });

  it('bills a stream from its final usage, never $0 because usage came in the last chunk', async () => {
    const clock = new VirtualClock(0);
    const adapter = new MockAdapter(() => ({
      stream: ['Hel', 'lo'],
      chunkDelayMs: 5,
      usage: { inputTokens: 40_000, outputTokens: 20_000, cachedInputTokens: 10_000, reasoningTokens: 700 },
    }));
    const router = new Router({ targets: [{ id: 's', adapter, model: 'm', price }], clock });
    const ledger = new UsageLedger({ clock });
    ledger.attach(router);
    const stream = router.stream({ messages });
    const response = await clock.run(stream.response);
    const [row] = ledger.query({ by: ['target'] });
    expect(row).toMatchObject({ inputTokens: 40_000, outputTokens: 20_000, cachedInputTokens: 10_000 });
    expect(row!.reasoningTokens).toBe(700);
    expect(row!.costUsd).toBeGreaterThan(0);
    expect(row!.costUsd).toBeCloseTo(costOf(response.usage, price), 10);
  });

  it('bills calls without usage from an estimate and marks them estimated; no cost without a price', async () => {
    const clock = new VirtualClock(0);
    const answer = 'x'.repeat(400);
    const router = new Router({
      targets: [
        { id: 'priced', adapter: withoutUsage(new MockAdapter(() => ({ text: answer }))), model: 'p', price },
        { id: 'free', adapter: withoutUsage(new MockAdapter(() => ({ stream: [answer] }))), model: 'f' },
      ],
      strategy: 'round-robin',
      clock,
    });
    const ledger = new UsageLedger({ clock });
    ledger.attach(router);
    const res = await clock.run(router.complete({ messages }));
    expect(res.usage.unknown).toBe(true);
    await clock.run(router.stream({ messages }).response);
    const rows = ledger.query({ by: ['target'] });
    const input = estimateInputTokens({ messages });
    const priced = rows.find((r) => r.key.target === 'priced')!;
    expect(priced).toMatchObject({
      estimated: true,
      estimatedCalls: 1,
      inputTokens: input,
      outputTokens: 100,
    });
    expect(priced.costUsd).toBeCloseTo(
      costOf({ inputTokens: input, outputTokens: 100, totalTokens: 0 }, price),
    );
    const free = rows.find((r) => r.key.target === 'free')!;
    expect(free).toMatchObject({ estimated: true, outputTokens: 100, costUsd: 0, pricedCalls: 0 });
  });

  it('records request.metadata user and key only when opted in', async () => {
    const request = { messages, model: 'chat', metadata: { user: 'u1', key: 'k9' } };
    const off = setup();
    await off.call(request);
    expect(() => off.ledger.query({ by: ['user'] })).toThrow(/user' is not recorded/);
    const on = setup({ dimensions: ['model', 'user', 'key'] });
    await on.call(request);
    await on.call({ messages, model: 'chat' });
    expect(on.ledger.query({ by: ['user', 'key'] }).map((r) => r.key)).toEqual(
      expect.arrayContaining([
        { user: 'u1', key: 'k9' },
        { user: '-', key: '-' },
      ]),
    );
  });

  it('rolls fine buckets up into hours and days, then expires them', async () => {
    const { clock, ledger, call } = setup({ retention: { minute: 10 * MIN, hour: 2 * HOUR, day: 3 * DAY } });
    await call({ messages, model: 'chat' });
    await clock.advance(MIN);
    await call({ messages, model: 'chat' });
    expect(ledger.stats().buckets).toBe(2);
    await clock.advance(15 * MIN);
    expect(ledger.query()[0]!.calls).toBe(2); // one hour bucket now, same totals
    expect(ledger.stats().buckets).toBe(1);
    expect(ledger.query()[0]!.p50Ms).toBeCloseTo(100, -1);
    await clock.advance(3 * HOUR);
    expect(ledger.query()[0]!.calls).toBe(2); // a day bucket
    await clock.advance(4 * DAY);
    expect(ledger.query()).toEqual([]);
    expect(ledger.stats().buckets).toBe(0);
  });

  it('caps distinct keys per dimension; the rest counts under other', async () => {
    const { ledger, call } = setup({ maxKeys: 3 });
    for (let i = 0; i < 10; i++) await call({ messages, model: 'chat', tags: [`t${i}`] });
    const rows = ledger.query({ by: ['tag'] });
    expect(rows.map((r) => [r.key.tag, r.calls]).sort()).toEqual([
      [OVERFLOW_KEY, 7],
      ['t0', 1],
      ['t1', 1],
      ['t2', 1],
    ]);
    expect(ledger.stats().keys.tag).toBe(3);
  });

  it('computes availability, p95 and multi-window burn rates on a scripted sequence', async () => {
    const { clock, ledger, call } = setup();
    // 6 h ago to 1 h ago: 100 calls per hour on `chat`, all fine.
    for (let h = 0; h < 5; h++) {
      for (let i = 0; i < 100; i++) await call({ messages, model: 'chat' });
      await clock.advance(HOUR);
    }
    // Last hour: 90 fine on `chat`, and in the last 5 minutes 10 failures on `broken`.
    for (let i = 0; i < 90; i++) await call({ messages, model: 'chat' });
    await clock.advance(56 * MIN);
    for (let i = 0; i < 10; i++) await call({ messages, model: 'broken' });
    const rows = ledger.sla({
      by: 'alias',
      windowMs: 6 * HOUR,
      objective: { availability: 0.99, p95Ms: 150 },
    });
    const chat = rows.find((r) => r.key === 'chat')!;
    expect(chat).toMatchObject({ calls: 590, availability: 1, availabilityMet: true, latencyMet: true });
    expect(chat.errorBudgetRemaining).toBe(1);
    expect(chat.alerting).toBe(false);
    const broken = rows.find((r) => r.key === 'broken')!;
    expect(broken).toMatchObject({ availability: 0, availabilityMet: false, alerting: true });
    expect(broken.burnRates.map((b) => Math.round(b.longRate))).toEqual([100, 100]);
    const all = ledger.sla({ by: 'target', windowMs: HOUR, objective: { availability: 0.99, p95Ms: 50 } });
    expect(all.map((r) => [r.key, r.calls, r.latencyMet])).toEqual([
      ['down', 10, true],
      ['fast', 90, false],
    ]);
    // Over all aliases in the last hour: 10 failures in 100 calls → error ratio 0.1 → burn 10.
    const overall = ledger.query({ since: clock.now() - HOUR + 1 })[0]!;
    expect(overall.failures / overall.calls / 0.01).toBeCloseTo(10);
  });

  it('exports CSV and JSON', async () => {
    const { ledger, call } = setup();
    await call({ messages, model: 'chat' });
    await call({ messages, model: 'broken' });
    const rows = ledger.query({ by: ['model', 'alias'] });
    const csv = usageToCsv(rows, ['model', 'alias']).split('\n');
    expect(csv[0]).toBe(
      'model,alias,calls,successes,failures,availability,unbilled,inputTokens,outputTokens,cachedInputTokens,reasoningTokens,totalTokens,costUsd,pricedCalls,estimatedCalls,estimated,p50Ms,p95Ms,p99Ms,meanMs,errors',
    );
    expect(csv).toContainEqual(
      expect.stringMatching(/^big,broken,1,0,1,0,0,0,0,0,0,0,0,0,0,false,,,,,server:1$/),
    );
    expect(csv[1]).toMatch(/^small,chat,1,1,0,1,0,1000,500,0,0,1500,0\.006,1,0,false,/);
    const json = JSON.parse(usageToJson(rows)) as Array<Record<string, unknown>>;
    expect(json).toHaveLength(2);
    expect(json[1]).toMatchObject({ key: { model: 'big' }, p50Ms: null, errors: { server: 1 } });
    expect(usageToCsv([{ ...rows[0]!, key: { model: 'a,"b"' } }], ['model'])).toContain('"a,""b"""');
  });

  it('detach removes its listeners and stops recording', async () => {
    const events: RouterEventName[] = ['request:start', 'request:success', 'request:failure'];
    const { router, ledger, detach, call } = setup();
    expect(events.map((e) => router.listenerCount(e))).toEqual([1, 1, 1]);
    await call({ messages, model: 'chat' });
    detach();
    detach();
    expect(events.map((e) => router.listenerCount(e))).toEqual([0, 0, 0]);
    await call({ messages, model: 'chat' });
    expect(ledger.query()[0]!.calls).toBe(1);
    const again = ledger.attach(router);
    await call({ messages, model: 'chat' });
    expect(ledger.query()[0]!.calls).toBe(2);
    again();
  });

  it('never throws into a call: its own failures go to onError', async () => {
    const errors: unknown[] = [];
    const clock = new VirtualClock(0);
    let broken = false;
    const router = new Router({
      targets: [{ id: 'a', adapter: new MockAdapter(() => ({ text: 'ok' })), model: 'm' }],
    });
    const ledger = new UsageLedger({
      clock: {
        now: () => {
          if (broken) throw new Error('clock down');
          return clock.now();
        },
        setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
        clearTimeout: (handle) => clock.clearTimeout(handle),
      },
      onError: (e) => errors.push(e),
    });
    ledger.attach(router);
    broken = true;
    await expect(router.complete({ messages })).resolves.toMatchObject({ text: 'ok' });
    expect(errors).toHaveLength(1);
    expect(router.listenerCount('listener:error')).toBe(0);
  });

  it('rejects bad options naming the field', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ bucketMs: 7_000 }, /bucketMs/],
      [{ retention: { minute: -1 } }, /retention\.minute/],
      [{ retention: { week: 1 } }, /retention\.week/],
      [{ dimensions: ['colour'] }, /dimensions/],
      [{ maxKeys: 1.5 }, /maxKeys/],
      [{ onError: 3 }, /onError/],
      [{ clock: {} }, /clock/],
      [{ nope: 1 }, /nope/],
    ];
    for (const [options, field] of bad) {
      let thrown: unknown;
      try {
        new UsageLedger(options as never);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(SwitchyardError);
      expect((thrown as SwitchyardError).kind).toBe('config');
      expect((thrown as Error).message).toMatch(field);
    }
    const ledger = new UsageLedger();
    expect(() => ledger.query({ by: ['tag', 'model'] })).toThrow(/tag can only be used alone/);
    expect(() => ledger.sla({ by: 'alias', windowMs: 1, objective: { availability: 1 } })).toThrow(
      /availability/,
    );
  });

  it('keeps memory bounded over 200,000 calls with distinct tags', async () => {
    const { clock, ledger } = setup({ retention: { minute: HOUR, hour: DAY, day: 7 * DAY } });
    const cheap = new Router({
      targets: [{ id: 'a', adapter: new MockAdapter(() => ({ text: 'ok' })), model: 'm', price }],
      clock,
    });
    ledger.attach(cheap);
    for (let i = 0; i < 200_000; i++) {
      await cheap.complete({ messages, tags: [`tag-${i}`] });
      if (i % 100 === 0) await clock.advance(MIN); // 2,000 minutes: every tier rolls
    }
    const stats = ledger.stats();
    expect(stats.keys.tag).toBe(100);
    expect(stats.pending).toBe(0);
    expect(stats.buckets).toBeLessThanOrEqual(60 + 24 + 7 + 2);
    expect(stats.cells).toBeLessThan(5_000);
    expect(ledger.query()[0]!.calls).toBe(200_000);
  }, 60_000);
});
