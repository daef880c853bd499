/** The snapshot builder over a real router on a virtual clock: figures, windows, decisions, no prompt text. */
import { describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { UsageLedger } from '../usage/index.js';
import { Collector, DECISION_SAMPLE_MS, type MonitorEvent } from './collector.js';
import { buildSnapshot } from './snapshot.js';

const SECRET_PROMPT = 'canary-prompt-7f3a do not leak';
const messages = [{ role: 'user' as const, content: SECRET_PROMPT }];

function setup() {
  const clock = new VirtualClock(1_000_000);
  let delay = 100;
  let failB = true;
  const router = new Router({
    clock,
    targets: [
      {
        id: 'a',
        model: 'ma',
        aliases: ['chat'],
        price: { inputPerMTok: 1_000_000, outputPerMTok: 1_000_000 }, // $1 per token: easy sums
        adapter: new MockAdapter(() => ({
          text: 'answer text secret',
          delayMs: delay,
          usage: { inputTokens: 3, outputTokens: 7 },
        })),
      },
      {
        id: 'b',
        model: 'mb',
        aliases: ['chat'],
        adapter: new MockAdapter(() => (failB ? { error: { status: 503 } } : { text: 'ok' })),
      },
    ],
    retry: { maxAttempts: 1 },
    breaker: { failureThreshold: 3, cooldownMs: 30_000 },
  });
  const events: MonitorEvent[] = [];
  const collector = new Collector(router, clock, {
    windowSeconds: 60,
    decisions: 5,
    onEvent: (e) => events.push(e),
  });
  const snap = () =>
    buildSnapshot({
      now: clock.now(),
      windowSeconds: 60,
      health: router.health(),
      windows: collector.windows,
      budgets: router.budgets(),
      decisions: collector.decisions(),
      alerts: [],
      droppedEvents: 0,
    });
  return {
    clock,
    router,
    collector,
    events,
    snap,
    setDelay: (ms: number) => {
      delay = ms;
    },
    setFailB: (v: boolean) => {
      failB = v;
    },
  };
}

describe('buildSnapshot', () => {
  it('computes rates, percentiles, tokens, cost and errors by kind over the last whole seconds', async () => {
    const t = setup();
    for (let i = 1; i <= 20; i++) {
      t.setDelay(i * 10); // latencies 10, 20, …, 200 ms
      await t.clock.run(t.router.complete({ model: 'ma', messages }));
    }
    for (let i = 0; i < 2; i++)
      await t.clock.run(t.router.complete({ model: 'mb', messages }).catch(() => undefined));
    // The current second is left out: nothing shows until it is over.
    await t.clock.advance(1_000);
    const s = t.snap();
    const a = s.targets.find((x) => x.id === 'a')!;
    const b = s.targets.find((x) => x.id === 'b')!;
    expect(a.callsPerSec).toBeCloseTo(20 / 60, 3);
    expect(a.p50Ms).toBe(100);
    expect(a.p95Ms).toBe(190);
    expect(a.errorRate).toBe(0);
    expect(a.tokensPerSec).toBeCloseTo((20 * 10) / 60, 1);
    expect(a.costPerMinUsd).toBeCloseTo(200, 3); // 200 tokens at $1 in the last minute
    expect(a.history.calls).toHaveLength(60);
    expect(a.history.calls.reduce((x, y) => x + y, 0)).toBe(20);
    expect(b.errorRate).toBe(1);
    expect(b.errorsByKind).toEqual({ server: 2 });
    expect(b.history.errors.reduce((x, y) => x + y, 0)).toBe(2);
    expect(b.p95Ms).toBeNull();
    expect(b.state).toBe('closed');
    t.collector.close();
  });

  it('forgets outcomes older than the window', async () => {
    const t = setup();
    await t.clock.run(t.router.complete({ model: 'ma', messages }));
    await t.clock.advance(1_000);
    expect(t.snap().targets[0]!.callsPerSec).toBeGreaterThan(0);
    await t.clock.advance(60_000);
    const a = t.snap().targets[0]!;
    expect(a.callsPerSec).toBe(0);
    expect(a.p95Ms).toBeNull();
    expect(a.history.calls.every((n) => n === 0)).toBe(true);
    t.collector.close();
  });

  it('shows an ejected target as open, reports the ejection as an event, and its restore', async () => {
    const t = setup();
    for (let i = 0; i < 3; i++)
      await t.clock.run(t.router.complete({ model: 'mb', messages }).catch(() => undefined));
    expect(t.snap().targets.find((x) => x.id === 'b')!.state).toBe('open');
    const ejected = t.events.find((e) => e.type === 'target:ejected');
    expect(ejected).toMatchObject({ target: 'b', level: 'critical' });
    await t.clock.advance(30_000);
    expect(t.snap().targets.find((x) => x.id === 'b')!.state).toBe('half-open');
    t.setFailB(false);
    await t.clock.run(t.router.complete({ model: 'mb', messages }));
    expect(t.snap().targets.find((x) => x.id === 'b')!.state).toBe('closed');
    expect(t.events.some((e) => e.type === 'target:restored' && e.target === 'b')).toBe(true);
    t.collector.close();
  });

  it('samples decisions: at most one per DECISION_SAMPLE_MS, with no route listener in between', async () => {
    const t = setup();
    t.setFailB(false);
    t.collector.watchRoutes(true);
    // 20 calls picked in the same instant: one decision recorded, the other 19 built no scores.
    const burst = Array.from({ length: 20 }, () => t.router.complete({ model: 'mb', messages }));
    expect(t.router.listenerCount('route')).toBe(0);
    await t.clock.run(Promise.all(burst));
    expect(t.collector.decisions()).toHaveLength(1);
    await t.clock.advance(DECISION_SAMPLE_MS);
    await t.clock.run(t.router.complete({ model: 'mb', messages })); // its success puts the listener back
    expect(t.router.listenerCount('route')).toBe(1);
    await t.clock.run(t.router.complete({ model: 'mb', messages }));
    expect(t.collector.decisions()).toHaveLength(2);
    t.collector.watchRoutes(false);
    expect(t.router.listenerCount('route')).toBe(0);
    t.collector.close();
  });

  it('keeps the last routing decisions with every candidate score, and never the prompt or answer', async () => {
    const t = setup();
    t.setFailB(false);
    t.collector.watchRoutes(true);
    for (let i = 0; i < 8; i++) {
      await t.clock.run(t.router.complete({ model: 'chat', messages }).catch(() => undefined));
      await t.clock.advance(DECISION_SAMPLE_MS);
    }
    await t.clock.advance(1_000);
    const s = t.snap();
    expect(s.decisions).toHaveLength(5);
    expect(s.decisions[0]!.candidates.map((c) => c.target).sort()).toEqual(['a', 'b']);
    expect(s.decisions[0]!.candidates.every((c) => typeof c.score === 'number')).toBe(true);
    expect(['a', 'b']).toContain(s.decisions[0]!.picked);
    const json = JSON.stringify(s) + JSON.stringify(t.events);
    expect(json).not.toContain('canary-prompt');
    expect(json).not.toContain('answer text');
    // Without a watcher, the route listener is detached (the router does not describe candidates).
    t.collector.watchRoutes(false);
    expect(t.router.listenerCount('route')).toBe(0);
    t.collector.close();
    expect(t.router.listenerCount('attempt:success')).toBe(0);
  });

  it('reports budget use', async () => {
    const clock = new VirtualClock(0);
    const router = new Router({
      clock,
      targets: [
        {
          id: 'a',
          model: 'm',
          price: { inputPerMTok: 1_000_000, outputPerMTok: 1_000_000 },
          adapter: new MockAdapter(() => ({ text: 'x', usage: { inputTokens: 1, outputTokens: 1 } })),
        },
      ],
      budgets: [{ id: 'total', period: 'total', limitUsd: 10 }],
    });
    await clock.run(router.complete({ messages, maxOutputTokens: 1 }));
    const collector = new Collector(router, clock, {
      windowSeconds: 60,
      decisions: 0,
      onEvent: () => undefined,
    });
    const s = buildSnapshot({
      now: clock.now(),
      windowSeconds: 60,
      health: router.health(),
      windows: collector.windows,
      budgets: router.budgets(),
      decisions: [],
      alerts: [],
      droppedEvents: 0,
    });
    expect(s.budgets).toEqual([
      expect.objectContaining({ id: 'total', limitUsd: 10, spentUsd: 2, share: 0.2 }),
    ]);
    collector.close();
  });

  it('reports the median time to first token of streams, and the ledger’s last hour per target', async () => {
    const clock = new VirtualClock(5_000_000);
    const router = new Router({
      clock,
      targets: [
        {
          id: 's',
          model: 'm',
          price: { inputPerMTok: 1_000_000, outputPerMTok: 0 },
          adapter: new MockAdapter((_r, { call }) => ({
            stream: ['a', 'b'],
            chunkDelayMs: call * 10,
            usage: { inputTokens: 1, outputTokens: 1 },
          })),
        },
      ],
    });
    const ledger = new UsageLedger({ clock });
    ledger.attach(router);
    const collector = new Collector(router, clock, {
      windowSeconds: 60,
      decisions: 0,
      onEvent: () => undefined,
    });
    for (let i = 0; i < 3; i++) {
      await clock.run(
        (async () => {
          for await (const _ of router.stream({ messages })) {
            // consume
          }
        })(),
      );
    }
    await clock.advance(1_000);
    const s = buildSnapshot({
      now: clock.now(),
      windowSeconds: 60,
      health: router.health(),
      windows: collector.windows,
      budgets: [],
      decisions: [],
      alerts: [],
      ledgerRows: ledger.query({ by: ['target'], since: clock.now() - 3_600_000 }),
      droppedEvents: 0,
    });
    expect(s.targets[0]!.ttftMs).toBe(20); // first chunks after 10, 20, 30 ms
    expect(s.targets[0]!.ledger).toEqual({ calls: 3, costUsd: 3, availability: 1 });
    collector.close();
  });
});
