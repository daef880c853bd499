import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { AbortLatch, type Adapter, type AdapterCallOptions, Router, systemClock } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { ask, rejectionOf, targetsOf } from '../helpers/calls.js';

describe('deadline', () => {
  it('covers all attempts: each attempt gets only the time that is left', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter(() => ({ error: { status: 500 }, delayMs: 400 }));
    const router = new Router({
      targets: [{ id: 'a', adapter: a, model: 'm' }],
      retry: { maxAttempts: 10, baseDelayMs: 0 },
      breaker: false,
      clock,
      timeoutMs: 1000,
    });
    const error = await rejectionOf(clock.run(router.complete(ask())));
    expect(error.kind).toBe('timeout');
    expect(clock.now()).toBe(1000);
    expect(a.callCount).toBe(3); // 0–400, 400–800, 800–1000 (cut at the deadline)
    expect(a.calls[2]!.result).toBe('aborted');
  });

  it("a request's timeoutMs overrides the router's", async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter(() => ({ text: 'slow', delayMs: 5000 }));
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm' }], clock, timeoutMs: 60_000 });
    const error = await rejectionOf(clock.run(router.complete(ask('x', { timeoutMs: 250 }))));
    expect(error.kind).toBe('timeout');
    expect(error.target).toBe('a');
    expect(clock.now()).toBe(250);
  });

  it('holds even when an adapter ignores its abort signal', async () => {
    const clock = new VirtualClock();
    const stubborn: Adapter = {
      provider: 'stubborn',
      capabilities: { streaming: true, tools: true, json: 'schema', images: true },
      complete: () => new Promise(() => {}), // never settles, ignores the signal
      stream: () => ({ [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => {}) }) }),
    };
    const router = new Router({
      targets: [{ id: 's', adapter: stubborn, model: 'm' }],
      clock,
      timeoutMs: 500,
    });
    const error = await rejectionOf(clock.run(router.complete(ask())));
    expect(error.kind).toBe('timeout');
    expect(clock.now()).toBe(500);
    const streamError = await rejectionOf(clock.run(router.stream(ask()).response));
    expect(streamError.kind).toBe('timeout');
  });

  it('settles within a few ms of a real-time deadline', async () => {
    const a = new MockAdapter(() => ({ text: 'slow', delayMs: 10_000 }));
    const router = new Router({
      targets: [{ id: 'a', adapter: a, model: 'm' }],
      clock: systemClock,
      timeoutMs: 60,
    });
    const started = performance.now();
    const error = await rejectionOf(router.complete(ask()));
    const took = performance.now() - started;
    expect(error.kind).toBe('timeout');
    expect(took).toBeGreaterThanOrEqual(55);
    expect(took).toBeLessThan(60 + 50);
  });

  it('leaves no timer behind after a call', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter(() => ({ text: 'ok', delayMs: 10 }));
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm' }], clock, timeoutMs: 1000 });
    await clock.run(router.complete(ask()));
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('cancellation', () => {
  it('an already-aborted signal rejects with aborted before any adapter call', async () => {
    const a = new MockAdapter(() => ({ text: 'never' }));
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm' }] });
    const error = await rejectionOf(router.complete(ask('x', { signal: AbortSignal.abort() })));
    expect(error.kind).toBe('aborted');
    expect(a.callCount).toBe(0);
  });

  it('aborting mid-call aborts the in-flight attempt at once and is never retried', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter(() => ({ text: 'slow', delayMs: 10_000 }));
    const b = new MockAdapter(() => ({ text: 'never' }));
    const router = new Router({
      targets: targetsOf({ a, b }),
      strategy: 'priority',
      clock,
    });
    const controller = new AbortController();
    const call = router.complete(ask('x', { signal: controller.signal }));
    await clock.advance(100);
    controller.abort();
    const error = await rejectionOf(call);
    expect(error.kind).toBe('aborted');
    expect(error.retryable).toBe(false);
    expect(clock.now()).toBe(100);
    expect(a.calls[0]!.result).toBe('aborted');
    expect(b.callCount).toBe(0);
    expect(router.health()[0]!.consecutiveFailures).toBe(0); // client aborts never count against health
  });

  it('rejects promptly in real time and leaves no listener on the caller signal', async () => {
    const a = new MockAdapter(() => ({ text: 'slow', delayMs: 10_000 }));
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm' }] });
    const controller = new AbortController();
    const call = router.complete(ask('x', { signal: controller.signal }));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    setTimeout(() => controller.abort(), 20);
    const started = performance.now();
    const error = await rejectionOf(call);
    expect(error.kind).toBe('aborted');
    expect(performance.now() - started).toBeLessThan(20 + 40);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('takes an AbortLatch as the signal: the abort cancels the attempt, and nothing stays on the latch', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter(() => ({ text: 'slow', delayMs: 10_000 }));
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm' }], clock });
    const latch = new AbortLatch();
    const listen = vi.spyOn(latch, 'addEventListener');
    const unlisten = vi.spyOn(latch, 'removeEventListener');
    const call = router.complete(ask('x', { signal: latch }));
    await clock.advance(100);
    latch.abort('client left');
    const error = await rejectionOf(call);
    expect(error).toMatchObject({ kind: 'aborted', retryable: false, cause: 'client left' });
    expect(a.calls[0]!.result).toBe('aborted');
    expect(listen).toHaveBeenCalledTimes(1);
    expect(unlisten).toHaveBeenCalledWith('abort', listen.mock.calls[0]![1]);
  });

  it("gives adapters the call's abort as `cancellation` without making an AbortSignal", async () => {
    const clock = new VirtualClock();
    let seen: AdapterCallOptions | undefined;
    const adapter: Adapter = {
      provider: 'test',
      capabilities: { streaming: false, tools: false, json: false, images: false },
      complete: (_request, options) => {
        seen = options;
        return new Promise((_, reject) =>
          options.cancellation!.addEventListener('abort', () => reject(options.cancellation!.reason)),
        );
      },
      stream: () => {
        throw new Error('not used');
      },
    };
    const router = new Router({ targets: [{ id: 'a', adapter, model: 'm' }], clock, timeoutMs: 500 });
    const made = vi.spyOn(globalThis, 'AbortController');
    try {
      const error = await rejectionOf(clock.run(router.complete(ask())));
      expect(error.kind).toBe('timeout');
      expect(seen!.cancellation!.aborted).toBe(true);
      expect(made).not.toHaveBeenCalled();
    } finally {
      made.mockRestore();
    }
  });

  it('leaves no listener on the caller signal after success or failure', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter([{ text: 'ok' }, { error: { status: 400 } }]);
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm' }], clock });
    const controller = new AbortController();
    await clock.run(router.complete(ask('x', { signal: controller.signal })));
    await rejectionOf(clock.run(router.complete(ask('x', { signal: controller.signal }))));
    const stream = router.stream(ask('x', { signal: controller.signal }));
    await rejectionOf(clock.run(stream.response));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('abort during a backoff wait rejects with aborted and makes no further attempt', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter([{ error: { status: 500 } }, { text: 'never' }]);
    const router = new Router({
      targets: [{ id: 'a', adapter: a, model: 'm' }],
      retry: { baseDelayMs: 1000 },
      clock,
      random: () => 0.99,
    });
    const controller = new AbortController();
    const call = router.complete(ask('x', { signal: controller.signal }));
    await clock.advance(100);
    controller.abort();
    const error = await rejectionOf(call);
    expect(error.kind).toBe('aborted');
    expect(a.callCount).toBe(1);
  });
});

describe('long deadlines', () => {
  it('a timeout beyond 2^31-1 ms does not fire at once (Node would clamp it to 1 ms)', async () => {
    const a = new MockAdapter(() => ({ text: 'ok', delayMs: 20 }));
    const router = new Router({
      targets: [{ id: 'a', adapter: a, model: 'm' }],
      clock: systemClock,
      timeoutMs: 1e12,
    });
    expect((await router.complete(ask())).text).toBe('ok');
  });
});
