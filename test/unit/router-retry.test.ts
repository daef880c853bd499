import { describe, expect, it } from 'vitest';
import { createSeededRandom, isSwitchyardError, Router } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { ask, first, recordEvents, rejectionOf, targetsOf } from '../helpers/calls.js';

describe('retries and fallback', () => {
  it('falls back to another target on a retryable failure, without waiting', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter([{ error: { status: 503 } }]);
    const b = new MockAdapter([{ text: 'from b' }]);
    const router = new Router({
      targets: targetsOf({ a, b }),
      strategy: first,
      clock,
    });
    const events = recordEvents(router);
    const res = await clock.run(router.complete(ask()));
    expect(res.text).toBe('from b');
    expect(res.target).toBe('b');
    expect(res.attempts.map((x) => [x.target, x.outcome, x.errorKind])).toEqual([
      ['a', 'failure', 'server'],
      ['b', 'success', undefined],
    ]);
    expect(clock.now()).toBe(0);
    expect(events.find(([n]) => n === 'fallback')?.[1]).toMatchObject({
      from: 'a',
      to: 'b',
      errorKind: 'server',
      attempt: 2,
    });
    expect(events.some(([n]) => n === 'retry')).toBe(false);
  });

  it('retries the same target after a full-jitter backoff when it is the only one', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter([
      { error: { status: 500 } },
      { error: { kind: 'connection' } },
      { text: 'third time' },
    ]);
    const random = createSeededRandom(7);
    const expected = createSeededRandom(7);
    const router = new Router({
      targets: [{ id: 'a', adapter: a, model: 'm' }],
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
      clock,
      random,
    });
    const events = recordEvents(router);
    const res = await clock.run(router.complete(ask()));
    expect(res.text).toBe('third time');
    const delays = events.filter(([n]) => n === 'retry').map(([, e]) => e.delayMs);
    // Full jitter: uniform in [0, base × 2^(n-1)).
    expect(delays).toEqual([Math.floor(expected() * 100), Math.floor(expected() * 200)]);
    expect(clock.now()).toBe(delays[0] + delays[1]);
    expect(a.callCount).toBe(3);
  });

  it('caps backoff at maxDelayMs', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter(Array.from({ length: 6 }, () => ({ error: { status: 500 } })));
    const router = new Router({
      targets: [{ id: 'a', adapter: a, model: 'm' }],
      retry: { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 250 },
      breaker: false,
      clock,
      random: () => 0.999,
    });
    const events = recordEvents(router);
    await rejectionOf(clock.run(router.complete(ask())));
    expect(events.filter(([n]) => n === 'retry').map(([, e]) => e.delayMs)).toEqual([99, 199, 249, 249, 249]);
  });

  it('never makes more upstream requests than maxAttempts and rejects with the last error', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter((_r) => ({ error: { status: 502 } }));
    const b = new MockAdapter((_r) => ({ error: { status: 503, message: 'b down' } }));
    const router = new Router({
      targets: targetsOf({ a, b }),
      retry: { maxAttempts: 4 },
      clock,
    });
    const error = await rejectionOf(clock.run(router.complete(ask())));
    expect(a.callCount + b.callCount).toBe(4);
    expect(isSwitchyardError(error)).toBe(true);
    expect(error.kind).toBe('server');
    expect(error.attempts).toHaveLength(4);
  });

  it('does not re-enter a failed target while an untried one is available', async () => {
    const clock = new VirtualClock();
    const adapters = ['a', 'b', 'c'].map(() => new MockAdapter(() => ({ error: { status: 500 } })));
    const router = new Router({
      targets: adapters.map((adapter, i) => ({ id: 'abc'[i]!, adapter, model: 'm' })),
      strategy: first,
      retry: { maxAttempts: 5 },
      breaker: false,
      clock,
    });
    const error = await rejectionOf(clock.run(router.complete(ask())));
    const order = error.attempts.map((a: any) => a.target);
    expect(order.slice(0, 3).sort()).toEqual(['a', 'b', 'c']);
    expect(order).toHaveLength(5);
  });

  it.each([
    ['invalid_request', 400],
    ['invalid_request', 422],
  ])('never retries %s (%i)', async (kind, status) => {
    const clock = new VirtualClock();
    const a = new MockAdapter([{ error: { status } }]);
    const b = new MockAdapter([{ text: 'never' }]);
    const router = new Router({
      targets: targetsOf({ a, b }),
      strategy: first,
      clock,
    });
    const error = await rejectionOf(clock.run(router.complete(ask())));
    expect(error.kind).toBe(kind);
    expect(b.callCount).toBe(0);
  });

  it.each([
    ['auth', 401],
    ['auth', 403],
    ['not_found', 404],
  ])('falls back on %s (%i) but never retries the same target', async (kind, status) => {
    const clock = new VirtualClock();
    const a = new MockAdapter(() => ({ error: { status } }));
    const b = new MockAdapter(() => ({ error: { status: 503 } }));
    const router = new Router({
      targets: targetsOf({ a, b }),
      strategy: first,
      retry: { maxAttempts: 5 },
      breaker: false,
      clock,
    });
    const error = await rejectionOf(clock.run(router.complete(ask())));
    expect(a.callCount).toBe(1);
    expect(b.callCount).toBe(4);
    expect(error.attempts[0]).toMatchObject({ target: 'a', errorKind: kind });
  });

  it('stops when every target failed for good (auth everywhere) before maxAttempts', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter(() => ({ error: { status: 401 } }));
    const b = new MockAdapter(() => ({ error: { status: 404 } }));
    const router = new Router({
      targets: targetsOf({ a, b }),
      retry: { maxAttempts: 5 },
      clock,
    });
    const error = await rejectionOf(clock.run(router.complete(ask())));
    expect(a.callCount + b.callCount).toBe(2);
    expect(['auth', 'not_found']).toContain(error.kind);
  });
});

describe('Retry-After', () => {
  it('waits exactly Retry-After (not the backoff) before retrying the same target', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter([{ error: { status: 429, retryAfterMs: 1500 } }, { text: 'ok' }]);
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm' }], clock, random: () => 0.5 });
    const events = recordEvents(router);
    const res = await clock.run(router.complete(ask()));
    expect(res.text).toBe('ok');
    expect(a.calls[1]!.startedAt).toBe(1500);
    expect(events.find(([n]) => n === 'retry')?.[1]).toMatchObject({
      delayMs: 1500,
      fromRetryAfter: true,
      errorKind: 'rate_limited',
    });
  });

  it('falls back at once to another target instead of waiting', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter([{ error: { status: 429, retryAfterMs: 5000 } }]);
    const b = new MockAdapter([{ text: 'b' }]);
    const router = new Router({
      targets: targetsOf({ a, b }),
      strategy: first,
      clock,
    });
    const res = await clock.run(router.complete(ask()));
    expect(res.target).toBe('b');
    expect(clock.now()).toBe(0);
  });

  it('keeps the target blocked for other calls until Retry-After has passed', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter([{ error: { status: 429, retryAfterMs: 2000 } }, { text: 'a again' }]);
    const b = new MockAdapter(() => ({ text: 'b' }));
    const router = new Router({
      targets: targetsOf({ a, b }),
      strategy: first,
      clock,
    });
    await clock.run(router.complete(ask()));
    expect((await clock.run(router.complete(ask()))).target).toBe('b');
    expect(router.health()[0]!.blockedUntil).toBe(2000);
    await clock.advance(2000);
    expect((await clock.run(router.complete(ask()))).target).toBe('a');
  });

  it('does not wait for a Retry-After beyond maxRetryAfterMs: fails with the rate_limited error', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter([{ error: { status: 429, retryAfterMs: 120_000 } }, { text: 'too late' }]);
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm' }], clock });
    const error = await rejectionOf(clock.run(router.complete(ask())));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(120_000);
    expect(a.callCount).toBe(1);
    expect(clock.now()).toBe(0);
  });

  it('does not wait past the deadline: fails at once with the rate_limited error', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter([{ error: { status: 429, retryAfterMs: 5000 } }, { text: 'too late' }]);
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm' }], clock, timeoutMs: 3000 });
    const error = await rejectionOf(clock.run(router.complete(ask())));
    expect(error.kind).toBe('rate_limited');
    expect(clock.now()).toBe(0);
  });
});

describe('chaos: 3 targets, 30% injected 5xx on two of them, 10,000 calls', () => {
  it('every call succeeds and none uses more than maxAttempts upstream requests', async () => {
    const clock = new VirtualClock();
    const rng = createSeededRandom(2024);
    const flaky = () =>
      new MockAdapter(() =>
        rng() < 0.3 ? { error: { status: 500 + Math.floor(rng() * 4) } } : { text: 'ok' },
      );
    const adapters = [flaky(), flaky(), new MockAdapter(() => ({ text: 'ok' }))];
    const router = new Router({
      targets: adapters.map((adapter, i) => ({ id: `t${i}`, adapter, model: 'm' })),
      strategy: 'round-robin',
      retry: { maxAttempts: 3 },
      breaker: false,
      clock,
      random: createSeededRandom(1),
    });
    const upstream = new Map<string, number>();
    router.on('attempt:start', (e) => upstream.set(e.requestId, (upstream.get(e.requestId) ?? 0) + 1));
    let ok = 0;
    for (let batch = 0; batch < 100; batch++) {
      const results = await clock.run(Promise.all(Array.from({ length: 100 }, () => router.complete(ask()))));
      ok += results.filter((r) => r.text === 'ok' && r.attempts.length <= 3).length;
    }
    expect(ok).toBe(10_000);
    expect(upstream.size).toBe(10_000);
    expect(Math.max(...upstream.values())).toBeLessThanOrEqual(3);
    const total = adapters.reduce((n, a) => n + a.callCount, 0);
    expect(total).toBeGreaterThan(10_000); // failures really happened and were retried
    expect([...upstream.values()].reduce((x, y) => x + y, 0)).toBe(total);
  });
});
