import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  estimateInputTokens,
  MemoryStateStore,
  Router,
  type RouterOptions,
  type StateStore,
  type TargetStateHandle,
} from '../../index.js';
import { MockAdapter, type MockOutcome, VirtualClock } from '../../src/testing/index.js';
import { ask, constructionError, first, recordEvents, rejectionOf, targetsOf } from '../helpers/calls.js';

/** An adapter that answers `text` after `ms` (streams: one delta after `ms`, then finish). */
const answersIn = (ms: number, text = 'ok'): MockAdapter =>
  new MockAdapter(() => ({ stream: [text], chunkDelayMs: 0, delayMs: ms }) as MockOutcome);

/** A router over `adapters` (in order, strategy `first`) on a virtual clock. */
function routerOf(
  adapters: Record<string, MockAdapter>,
  options: Partial<RouterOptions> = {},
): { router: Router; clock: VirtualClock } {
  const clock = new VirtualClock();
  const router = new Router({ targets: targetsOf(adapters), strategy: first, clock, ...options });
  return { router, clock };
}

const PRICE = { inputPerMTok: 1000, outputPerMTok: 2000 }; // $0.001 per input token, $0.002 per output token

describe('hedged requests: completions', () => {
  it('sends a hedge after the delay; the first answer wins and the other attempt is cancelled', async () => {
    const a = answersIn(1000, 'slow');
    const b = answersIn(100, 'fast');
    const { router, clock } = routerOf({ a, b }, { hedge: { delayMs: 200 } });
    const seen = recordEvents(router);
    const res = await clock.run(router.complete(ask()));
    expect(res.target).toBe('b');
    expect(res.text).toBe('fast');
    expect(clock.now()).toBe(300); // hedge sent at 200, answered 100 ms later
    expect(a.calls[0]!.result).toBe('aborted'); // the loser's upstream request was aborted
    expect(res.attempts).toEqual([
      { attempt: 2, target: 'b', outcome: 'success', durationMs: 100, hedge: true },
      {
        attempt: 1,
        target: 'a',
        outcome: 'failure',
        errorKind: 'aborted',
        durationMs: 300,
        lostHedge: true,
        costUsd: 0,
      },
    ]);
    const start = seen.filter(([n]) => n === 'hedge:start').map(([, e]) => e);
    expect(start).toEqual([
      expect.objectContaining({
        attempt: 2,
        target: 'b',
        hedgedAttempt: 1,
        hedgedTarget: 'a',
        delayMs: 200,
        delaySource: 'fixed',
        hedges: 1,
      }),
    ]);
    const won = seen.filter(([n]) => n === 'hedge:won').map(([, e]) => e);
    expect(won).toEqual([
      expect.objectContaining({
        attempt: 2,
        target: 'b',
        hedge: true,
        cancelled: [{ attempt: 1, target: 'a' }],
        latencyMs: 100,
      }),
    ]);
    const failure = seen.find(([n]) => n === 'attempt:failure')![1];
    expect(failure).toMatchObject({ target: 'a', lostHedge: true, willRetry: false });
    expect(failure.error.message).toContain(
      "attempt 2 (target 'b') of the hedged call produced content first",
    );
    // No event carries the prompt.
    expect(JSON.stringify(seen.filter(([n]) => n.startsWith('hedge:')))).not.toContain('hi');
    expect(clock.pendingTimers).toBe(0);
  });

  it('sends no hedge when the answer comes before the delay', async () => {
    const a = answersIn(150);
    const b = answersIn(10);
    const { router, clock } = routerOf({ a, b }, { hedge: { delayMs: 200 } });
    const seen = recordEvents(router);
    const res = await clock.run(router.complete(ask()));
    expect(res.target).toBe('a');
    expect(b.callCount).toBe(0);
    expect(res.attempts).toEqual([{ attempt: 1, target: 'a', outcome: 'success', durationMs: 150 }]);
    expect(seen.some(([n]) => n.startsWith('hedge:'))).toBe(false);
    expect(clock.pendingTimers).toBe(0); // the hedge timer was cleared
  });

  it('the hedged attempt may still win: then the hedge is the one cancelled', async () => {
    const a = answersIn(300, 'first');
    const b = answersIn(1000, 'hedge');
    const { router, clock } = routerOf({ a, b }, { hedge: { delayMs: 200 } });
    const seen = recordEvents(router);
    const res = await clock.run(router.complete(ask()));
    expect(res).toMatchObject({ target: 'a', text: 'first' });
    expect(clock.now()).toBe(300);
    expect(b.calls[0]!.result).toBe('aborted');
    const won = seen.find(([n]) => n === 'hedge:won')![1];
    expect(won).toMatchObject({
      attempt: 1,
      target: 'a',
      hedge: false,
      cancelled: [{ attempt: 2, target: 'b' }],
    });
    expect(res.attempts.find((r) => r.target === 'b')).toMatchObject({ hedge: true, lostHedge: true });
  });

  it('a cancelled hedge does not count against its target: the breaker stays closed', async () => {
    const a = answersIn(1000);
    const b = answersIn(100);
    const { router, clock } = routerOf(
      { a, b },
      { hedge: { delayMs: 200 }, breaker: { failureThreshold: 1, cooldownMs: 60_000 } },
    );
    for (let i = 0; i < 3; i++) await clock.run(router.complete(ask()));
    expect(a.callCount).toBe(3); // still picked first every time: never ejected
    const health = router.health().find((h) => h.id === 'a')!;
    expect(health).toMatchObject({ state: 'closed', consecutiveFailures: 0, inFlight: 0 });
  });

  it('never sends more than maxHedges hedges, each after the delay from the previous one', async () => {
    const adapters = { a: answersIn(1000), b: answersIn(1000), c: answersIn(1000), d: answersIn(1000) };
    const { router, clock } = routerOf(adapters, {
      hedge: { delayMs: 100, maxHedges: 2 },
      retry: { maxAttempts: 4 },
    });
    const seen = recordEvents(router);
    const res = await clock.run(router.complete(ask()));
    expect(res.target).toBe('a'); // a started first and answers first, at 1000
    expect(adapters.b.calls[0]!.startedAt).toBe(100);
    expect(adapters.c.calls[0]!.startedAt).toBe(200);
    expect(adapters.d.callCount).toBe(0);
    expect(seen.filter(([n]) => n === 'hedge:start').map(([, e]) => e.hedges)).toEqual([1, 2]);
    expect(seen.find(([n]) => n === 'hedge:won')![1].cancelled).toEqual([
      { attempt: 2, target: 'b' },
      { attempt: 3, target: 'c' },
    ]);
  });

  it('hedges count in the retry budget: no attempt beyond retry.maxAttempts', async () => {
    const a = new MockAdapter([{ error: { status: 503 }, delayMs: 500 }]);
    const b = new MockAdapter([{ error: { status: 503 }, delayMs: 500 }]);
    const c = answersIn(10);
    const { router, clock } = routerOf({ a, b, c }, { hedge: { delayMs: 100 }, retry: { maxAttempts: 2 } });
    const error = await rejectionOf(clock.run(router.complete(ask())));
    expect(error.kind).toBe('server');
    expect(c.callCount).toBe(0); // attempt 1 (a) + hedge (b) used the 2 attempts
    expect(error.attempts.map((r: { target: string }) => r.target)).toEqual(['a', 'b']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('when every attempt of the round fails, the normal fallback carries on', async () => {
    const a = new MockAdapter([{ error: { status: 503 }, delayMs: 500 }]);
    const b = new MockAdapter([{ error: { status: 503 }, delayMs: 500 }]);
    const c = answersIn(10, 'third');
    const { router, clock } = routerOf({ a, b, c }, { hedge: { delayMs: 100 }, retry: { maxAttempts: 3 } });
    const seen = recordEvents(router);
    const res = await clock.run(router.complete(ask()));
    expect(res).toMatchObject({ target: 'c', text: 'third' });
    expect(res.attempts.map((r) => [r.attempt, r.target, r.outcome])).toEqual([
      [1, 'a', 'failure'],
      [2, 'b', 'failure'],
      [3, 'c', 'success'],
    ]);
    expect(seen.find(([n]) => n === 'fallback')![1]).toMatchObject({ attempt: 3, from: 'b', to: 'c' });
    // Both real failures count against health (they were not cancelled).
    expect(router.health().find((h) => h.id === 'a')!.consecutiveFailures).toBe(1);
  });

  it('a failure that does not fall back ends the call at once and cancels the hedge', async () => {
    const a = new MockAdapter([{ error: { status: 400 }, delayMs: 300 }]);
    const b = answersIn(1000);
    const { router, clock } = routerOf({ a, b }, { hedge: { delayMs: 100 } });
    const error = await rejectionOf(clock.run(router.complete(ask())));
    expect(error.kind).toBe('invalid_request');
    expect(clock.now()).toBe(300);
    expect(b.calls[0]!.result).toBe('aborted');
    expect(router.health().find((h) => h.id === 'b')!.consecutiveFailures).toBe(0);
  });

  it('the hedge goes to the next-best target, never to one already running the call', async () => {
    // A strategy that always prefers `a`: without the exclusion the hedge would go to `a` again.
    const prefersA = {
      name: 'prefers-a',
      pick: (c: readonly { id: string }[]) => c.find((t) => t.id === 'a') ?? c[0]!,
    };
    const a = answersIn(1000);
    const b = answersIn(1000);
    const c = answersIn(100);
    const clock = new VirtualClock();
    const router = new Router({
      targets: targetsOf({ a, b, c }),
      strategy: prefersA as never,
      clock,
      hedge: { delayMs: 100, maxHedges: 2 },
    });
    const res = await clock.run(router.complete(ask()));
    expect(a.callCount).toBe(1);
    expect(b.callCount).toBe(1);
    expect(res.target).toBe('c');
  });

  it("a lost hedge's estimated cost is in the call's cost and its budget", async () => {
    const a = new MockAdapter(() => ({ text: 'slow', delayMs: 1000 }), { price: PRICE });
    const b = new MockAdapter(
      () => ({ text: 'fast', delayMs: 100, usage: { inputTokens: 2, outputTokens: 1 } }),
      {
        price: PRICE,
      },
    );
    const { router, clock } = routerOf(
      { a, b },
      { hedge: { delayMs: 200 }, budgets: [{ id: 'all', limitUsd: 1000, period: 'total' }] },
    );
    const request = ask('x'.repeat(40));
    const res = await clock.run(router.complete(request));
    const lost = estimateInputTokens(request) * 0.001; // input only: no output is counted
    expect(lost).toBeGreaterThan(0);
    const own = 2 * 0.001 + 1 * 0.002; // b's reported usage at b's prices
    expect(res.attempts.find((r) => r.target === 'a')!.costUsd).toBeCloseTo(lost, 9);
    expect(res.costUsd).toBeCloseTo(own + lost, 9);
    await clock.advance(0);
    expect(router.budgets()[0]!.spentUsd).toBeCloseTo(own + lost, 9);
    expect(router.budgets()[0]!.reservedUsd).toBe(0);
  });
});

describe('hedged requests: streams', () => {
  it('hedges a stream with no first content after the delay; only the winner writes to the stream', async () => {
    const a = answersIn(1000, 'slow');
    const b = answersIn(100, 'fast');
    const { router, clock } = routerOf({ a, b }, { hedge: { delayMs: 200 } });
    const stream = router.stream(ask());
    const deltas: string[] = [];
    const read = (async () => {
      for await (const e of stream) if (e.type === 'text-delta') deltas.push(e.delta);
    })();
    await clock.run(read);
    const res = await stream.response;
    expect(deltas).toEqual(['fast']);
    expect(res).toMatchObject({ target: 'b', text: 'fast' });
    expect(a.calls[0]!.result).toBe('aborted');
    expect(clock.pendingTimers).toBe(0);
  });

  it('never hedges a stream after its first content (it has committed)', async () => {
    // First content at 150, the rest every 150 ms: slower than the hedge delay, but committed.
    const a = new MockAdapter(() => ({ stream: ['a', 'b', 'c', 'd'], chunkDelayMs: 150 }));
    const b = answersIn(10);
    const { router, clock } = routerOf({ a, b }, { hedge: { delayMs: 200 } });
    const res = await clock.run(router.stream(ask()).response);
    expect(res).toMatchObject({ target: 'a', text: 'abcd' });
    expect(b.callCount).toBe(0);
    expect(clock.now()).toBe(600);
  });

  it('two streams with content at the same instant: exactly one writes', async () => {
    const a = answersIn(300, 'A');
    const b = answersIn(100, 'B'); // hedge sent at 200: content at 300 too
    const { router, clock } = routerOf({ a, b }, { hedge: { delayMs: 200 } });
    const stream = router.stream(ask());
    const deltas: string[] = [];
    await clock.run(
      (async () => {
        for await (const e of stream) if (e.type === 'text-delta') deltas.push(e.delta);
      })(),
    );
    const res = await stream.response;
    expect(deltas).toHaveLength(1);
    expect(deltas[0]).toBe(res.text);
    expect(res.attempts.filter((r) => r.outcome === 'success')).toHaveLength(1);
  });
});

describe('hedged requests: abort, deadline and clean-up', () => {
  it("the caller's abort cancels every attempt of the round; nothing is left behind", async () => {
    const a = answersIn(1000);
    const b = answersIn(1000);
    const { router, clock } = routerOf({ a, b }, { hedge: { delayMs: 100 } });
    const controller = new AbortController();
    const pending = router.complete(ask('hi', { signal: controller.signal }));
    clock.setTimeout(() => controller.abort(), 300);
    const error = await rejectionOf(clock.run(pending));
    expect(error.kind).toBe('aborted');
    expect(clock.now()).toBe(300);
    expect(a.calls[0]!.result).toBe('aborted');
    expect(b.calls[0]!.result).toBe('aborted');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(clock.pendingTimers).toBe(0);
    expect(router.health().every((h) => h.inFlight === 0 && h.consecutiveFailures === 0)).toBe(true);
  });

  it('the deadline ends a hedged call with timeout and clears its timers', async () => {
    const a = answersIn(5000);
    const b = answersIn(5000);
    const { router, clock } = routerOf({ a, b }, { hedge: { delayMs: 100 }, timeoutMs: 1000 });
    const error = await rejectionOf(clock.run(router.complete(ask())));
    expect(error.kind).toBe('timeout');
    expect(clock.now()).toBe(1000);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a stream consumer that stops reading cancels every attempt', async () => {
    const a = answersIn(1000);
    const b = new MockAdapter(() => ({ stream: ['x', 'y', 'z'], chunkDelayMs: 100 })); // x at 200
    const { router, clock } = routerOf({ a, b }, { hedge: { delayMs: 100 } });
    const stream = router.stream(ask());
    await clock.run(
      (async () => {
        for await (const e of stream) if (e.type === 'text-delta') break;
      })(),
    );
    const error = await rejectionOf(clock.run(stream.response));
    expect(error.kind).toBe('aborted');
    expect(a.calls[0]!.result).toBe('aborted');
    expect(b.calls[0]!.result).toBe('aborted');
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('hedged requests: which calls hedge', () => {
  it("a request's hedge turns it on for that call, and `hedge: false` off", async () => {
    const a = answersIn(1000);
    const b = answersIn(100);
    const { router, clock } = routerOf({ a, b });
    expect((await clock.run(router.complete(ask('hi', { hedge: { delayMs: 200 } })))).target).toBe('b');
    const on = routerOf({ a: answersIn(1000), b: answersIn(100) }, { hedge: { delayMs: 200 } });
    expect((await on.clock.run(on.router.complete(ask('hi', { hedge: false })))).target).toBe('a');
  });

  it('a route hedges the calls of one model alias only', async () => {
    const clock = new VirtualClock();
    const adapters = { a: answersIn(1000), b: answersIn(100) };
    const router = new Router({
      targets: [
        { id: 'a', adapter: adapters.a, model: 'm', aliases: ['fast', 'plain'] },
        { id: 'b', adapter: adapters.b, model: 'm', aliases: ['fast', 'plain'] },
      ],
      strategy: first,
      clock,
      routes: [{ when: { model: ['fast'] }, hedge: { delayMs: 200 } }],
    });
    expect((await clock.run(router.complete(ask('hi', { model: 'fast' })))).target).toBe('b');
    expect((await clock.run(router.complete(ask('hi', { model: 'plain' })))).target).toBe('a');
  });

  it("'p95' waits the initial delay until the target has enough samples, then its learned p95", async () => {
    let slow = false;
    const a = new MockAdapter(() => ({ text: 'a', delayMs: slow ? 5000 : 100 }));
    const b = answersIn(10);
    const { router, clock } = routerOf(
      { a, b },
      { hedge: { delayMs: 'p95', initialDelayMs: 700, minSamples: 20 } },
    );
    const starts: { delayMs: number; source: string }[] = [];
    router.on('hedge:start', (e) => starts.push({ delayMs: e.delayMs, source: e.delaySource }));
    slow = true;
    await clock.run(router.complete(ask()));
    expect(starts).toEqual([{ delayMs: 700, source: 'initial' }]);
    slow = false;
    for (let i = 0; i < 20; i++) await clock.run(router.complete(ask()));
    slow = true;
    const before = clock.now();
    const res = await clock.run(router.complete(ask()));
    expect(res.target).toBe('b');
    expect(starts[1]!.source).toBe('target');
    // p95 of 100 ms answers, read from 10%-wide buckets.
    expect(starts[1]!.delayMs).toBeGreaterThanOrEqual(100);
    expect(starts[1]!.delayMs).toBeLessThan(111);
    expect(clock.now() - before).toBeCloseTo(starts[1]!.delayMs + 10, 6); // hedged at the p95, b answers 10 ms later
  });

  it('session affinity follows a hedge only when it wins', async () => {
    let aMs = 300;
    let bMs = 500;
    const a = new MockAdapter(() => ({ text: 'a', delayMs: aMs }));
    const b = new MockAdapter(() => ({ text: 'b', delayMs: bMs }));
    const { router, clock } = routerOf({ a, b }, { hedge: { delayMs: 200 }, affinity: { by: 'session' } });
    const session = () => clock.run(router.complete(ask('hi', { sessionId: 's1' })));
    const firstTarget = (res: { attempts: readonly { attempt: number; target: string }[] }) =>
      res.attempts.find((r) => r.attempt === 1)!.target;
    expect((await session()).target).toBe('a'); // b was hedged to, and lost
    expect(firstTarget(await session())).toBe('a'); // the session stayed on a
    aMs = 5000;
    expect((await session()).target).toBe('b'); // the hedge won: the session moves
    bMs = 10;
    const next = await session();
    expect(firstTarget(next)).toBe('b');
    expect(next.attempts).toHaveLength(1);
  });

  it("'p95' on a target with too few samples uses all targets' p95", async () => {
    const clock = new VirtualClock();
    const a = answersIn(100);
    const b = answersIn(5000);
    const c = answersIn(10);
    const router = new Router({
      targets: [
        { id: 'a', adapter: a, model: 'm', aliases: ['x'] },
        { id: 'b', adapter: b, model: 'm', aliases: ['x', 'y'] },
        { id: 'c', adapter: c, model: 'm', aliases: ['y'] },
      ],
      strategy: first,
      clock,
      hedge: { delayMs: 'p95', initialDelayMs: 3000, minSamples: 5 },
    });
    const starts: { delayMs: number; source: string; target: string }[] = [];
    router.on('hedge:start', (e) =>
      starts.push({ delayMs: e.delayMs, source: e.delaySource, target: e.hedgedTarget }),
    );
    for (let i = 0; i < 5; i++) await clock.run(router.complete(ask('hi', { model: 'x' }))); // a: 5 samples
    expect(starts).toEqual([]);
    const res = await clock.run(router.complete(ask('hi', { model: 'y' }))); // b first: no samples of its own
    expect(res.target).toBe('c');
    expect(starts).toHaveLength(1);
    expect(starts[0]).toMatchObject({ source: 'all-targets', target: 'b' });
    expect(starts[0]!.delayMs).toBeGreaterThanOrEqual(100);
    expect(starts[0]!.delayMs).toBeLessThan(111);
  });

  it('a single candidate is never hedged (a per-call hedge on a one-target alias)', async () => {
    const clock = new VirtualClock();
    const a = answersIn(1000);
    const b = answersIn(10);
    const router = new Router({
      targets: [
        { id: 'a', adapter: a, model: 'solo' },
        { id: 'b', adapter: b, model: 'other' },
      ],
      clock,
    });
    const res = await clock.run(router.complete(ask('hi', { model: 'solo', hedge: { delayMs: 100 } })));
    expect(res.target).toBe('a');
    expect(b.callCount).toBe(0);
  });
});

describe('hedged requests: configuration', () => {
  const two = () => targetsOf({ a: answersIn(1), b: answersIn(1) });

  it('a hedge on a router with one target is a config error', () => {
    const error = constructionError({ targets: targetsOf({ a: answersIn(1) }), hedge: { delayMs: 100 } });
    expect(error.kind).toBe('config');
    expect(error.message).toContain('hedge: needs at least two targets');
  });

  it('a delay at or above the deadline is a config error naming the field', () => {
    let error = constructionError({ targets: two(), timeoutMs: 5000, hedge: { delayMs: 5000 } });
    expect(error.kind).toBe('config');
    expect(error.message).toContain('hedge.delayMs: 5000 ms is not below the deadline (timeoutMs: 5000 ms)');
    error = constructionError({ targets: two(), hedge: { delayMs: 'p95', initialDelayMs: 200_000 } });
    expect(error.message).toContain(
      'hedge.initialDelayMs: 200000 ms is not below the deadline (timeoutMs: 120000 ms)',
    );
  });

  it('more hedges than the retry budget allows is a config error', () => {
    const error = constructionError({
      targets: two(),
      retry: { maxAttempts: 2 },
      hedge: { delayMs: 10, maxHedges: 2 },
    });
    expect(error.kind).toBe('config');
    expect(error.message).toContain('hedge.maxHedges: 2 hedge(s) need retry.maxAttempts ≥ 3');
  });

  it.each([
    [{ delayMs: -1 }, "hedge.delayMs: expected a positive number of ms or 'p95'"],
    [{ delayMs: 'p99' }, "hedge.delayMs: expected a positive number of ms or 'p95'"],
    [{}, "hedge.delayMs: expected a positive number of ms or 'p95'"],
    [{ delayMs: 10, maxHedges: 0 }, 'hedge.maxHedges'],
    [{ delayMs: 10, maxHedges: 1.5 }, 'hedge.maxHedges'],
    [{ delayMs: 'p95', minSamples: 0 }, 'hedge.minSamples'],
    [
      { delayMs: 'p95', initialDelayMs: Number.NaN },
      'hedge.initialDelayMs: expected a positive number of ms',
    ],
    [{ delayMs: 10, maxHedge: 1 }, "hedge: unknown option 'maxHedge' (did you mean 'maxHedges'?)"],
    [false, 'hedge: expected {'],
  ])('bad hedge options %j are a config error naming the field', (hedge, field) => {
    const error = constructionError({ targets: two(), hedge });
    expect(error.kind).toBe('config');
    expect(error.message).toContain(field);
  });

  it('a route hedging an alias with one target is a config error', () => {
    const error = constructionError({
      targets: [
        { id: 'a', adapter: answersIn(1), model: 'm', aliases: ['fast'] },
        { id: 'b', adapter: answersIn(1), model: 'm' },
      ],
      routes: [{ when: { model: ['fast'] }, hedge: { delayMs: 100 } }],
    });
    expect(error.kind).toBe('config');
    expect(error.message).toContain(
      "routes[0].hedge: needs at least two targets for model 'fast', the route has 1",
    );
    const badShape = constructionError({ targets: two(), routes: [{ when: {}, hedge: { delayMs: 0 } }] });
    expect(badShape.message).toContain('routes[0].hedge.delayMs');
  });

  it("a request's bad hedge is invalid_request naming the field, before any attempt", async () => {
    const a = answersIn(10);
    const { router, clock } = routerOf({ a, b: answersIn(10) });
    let error = await rejectionOf(
      clock.run(router.complete(ask('hi', { hedge: { delayMs: 'soon' } as never }))),
    );
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain('hedge.delayMs');
    error = await rejectionOf(
      clock.run(router.complete(ask('hi', { timeoutMs: 500, hedge: { delayMs: 500 } }))),
    );
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain("hedge.delayMs: 500 ms is not below the call's deadline (500 ms)");
    error = await rejectionOf(clock.run(router.complete(ask('hi', { hedge: { delayMs: 5, maxHedges: 3 } }))));
    expect(error.message).toContain('hedge.maxHedges');
    expect(a.callCount).toBe(0);
  });
});

describe('hedged requests: a store that claims asynchronously', () => {
  /** A store whose claims answer later (after `delayMs` on `clock`, else a microtask), as a shared one does. */
  function asyncClaims(clock?: VirtualClock, delayMs = 0): StateStore {
    const base = new MemoryStateStore();
    return {
      target: (id, policy): TargetStateHandle => {
        const inner = base.target(id, policy);
        return {
          readyAt: (now) => inner.readyAt(now),
          blockedUntil: () => inner.blockedUntil(),
          acquire: (now) =>
            (clock === undefined
              ? Promise.resolve()
              : new Promise<void>((resolve) => clock.setTimeout(resolve, delayMs))
            ).then(() => inner.acquire(now)),
          recordSuccess: (now, probe) => inner.recordSuccess(now, probe),
          recordFailure: (now, failure) => inner.recordFailure(now, failure),
          read: () => inner.read(),
          restore: (s) => inner.restore(s),
        };
      },
    };
  }

  it('hedges once the claim is answered, and leaves no slot taken', async () => {
    const a = answersIn(1000);
    const b = answersIn(100);
    const { router, clock } = routerOf({ a, b }, { hedge: { delayMs: 200 }, store: asyncClaims() });
    const res = await clock.run(router.complete(ask()));
    expect(res.target).toBe('b');
    expect(clock.now()).toBe(300);
    expect(router.health().map((h) => h.inFlight)).toEqual([0, 0]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a hedge claim answered after the call ended is given back', async () => {
    const a = answersIn(1000);
    const b = answersIn(100);
    const clock = new VirtualClock();
    const controller = new AbortController();
    const router = new Router({
      targets: targetsOf({ a, b }),
      strategy: first,
      clock,
      store: asyncClaims(clock, 50), // a claim takes 50 ms to answer
      hedge: { delayMs: 200 },
    });
    const started: number[] = [];
    router.on('attempt:start', (e) => {
      started.push(e.attempt);
      // a was claimed at 0 and starts at 50; its hedge fires at 200, whose claim answers at 250: abort at 220.
      if (e.attempt === 1) clock.setTimeout(() => controller.abort(), 170);
    });
    const error = await rejectionOf(clock.run(router.complete(ask('hi', { signal: controller.signal }))));
    expect(error.kind).toBe('aborted');
    expect(clock.now()).toBe(220);
    expect(router.health().map((h) => h.inFlight)).toEqual([0, 1]); // the hedge's claim holds b's slot
    await clock.advance(100); // the claim answers, and is given back
    expect(router.health().map((h) => h.inFlight)).toEqual([0, 0]);
    expect(started).toEqual([1]);
    expect(b.callCount).toBe(0);
  });
});
