/**
 * Defects found by trying the router as a new user would and with adversarial inputs: local
 * exceptions must never pass for upstream failures, slots follow the attempt's real life, and
 * what an adapter returns is checked.
 */
import { describe, expect, it } from 'vitest';
import {
  type Adapter,
  type AdapterResponse,
  type AdapterStreamPart,
  type CompletionRequest,
  Router,
  type Strategy,
  StrategyRegistry,
  systemClock,
  wrapAdapter,
} from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { ask, rejectionOf } from '../helpers/calls.js';

const caps = { streaming: true, tools: true, json: 'schema', images: true } as const;

function adapterOf(complete: Adapter['complete'], stream?: Adapter['stream']): Adapter {
  return {
    provider: 'custom',
    capabilities: caps,
    complete,
    stream:
      stream ??
      (() => {
        throw new Error('not used');
      }),
  };
}

describe('a strategy whose pick throws', () => {
  for (const thrown of [new Error('pick bug'), 'a string', 42]) {
    it(`fails with config, before any adapter call (${typeof thrown}), for completions and streams`, async () => {
      const adapter = new MockAdapter(() => ({ text: 'ok' }));
      const broken: Strategy = {
        name: 'broken',
        pick: () => {
          throw thrown;
        },
      };
      const router = new Router({
        targets: [
          { id: 'a', adapter, model: 'm' },
          { id: 'b', adapter, model: 'm' },
        ],
        strategy: broken,
      });
      for (const error of [
        await rejectionOf(router.complete(ask())),
        await rejectionOf(router.stream(ask()).response),
      ]) {
        expect(error.kind).toBe('config');
        expect(error.retryable).toBe(false);
        expect(error.message).toContain("strategy 'broken' threw in pick");
      }
      expect(adapter.callCount).toBe(0);
    });
  }
});

describe('a strategy factory that throws', () => {
  it('is a config error naming the strategy, from the constructor and from request.strategy', async () => {
    const adapter = new MockAdapter(() => ({ text: 'ok' }));
    const registry = new StrategyRegistry(Router.strategies);
    registry.register('exploding', () => {
      throw new Error('cannot build');
    });
    expect(
      () =>
        new Router({
          targets: [{ id: 'a', adapter, model: 'm' }],
          strategies: registry,
          strategy: 'exploding',
        }),
    ).toThrow("the factory of strategy 'exploding' threw in create: cannot build");
    const router = new Router({ targets: [{ id: 'a', adapter, model: 'm' }], strategies: registry });
    const error = await rejectionOf(router.complete(ask('x', { strategy: 'exploding' })));
    expect(error.kind).toBe('config');
    expect(error.message).toContain("the factory of strategy 'exploding' threw in create");
  });
});

describe('concurrency slots follow the attempt, not the call', () => {
  it('a call that timed out on a slow-to-abort adapter does not make the next call wait, and no ghost attempt starts', async () => {
    const clock = new VirtualClock();
    let aCalls = 0;
    const abortedAtStart: boolean[] = [];
    const slow = adapterOf((_req, options) => {
      aCalls++;
      abortedAtStart.push(options.signal.aborted);
      // Ignores its abort signal for 500 ms.
      return new Promise<AdapterResponse>((resolve) =>
        clock.setTimeout(
          () =>
            resolve({
              content: [{ type: 'text', text: 'late' }],
              finishReason: 'stop',
              usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
            }),
          500,
        ),
      );
    });
    const idle = new MockAdapter(() => ({ text: 'idle answered' }));
    const router = new Router({
      targets: [
        { id: 'slow', adapter: slow, model: 'm', maxConcurrency: 1 },
        { id: 'idle', adapter: idle, model: 'm' },
      ],
      strategy: 'priority',
      clock,
    });
    const first = await rejectionOf(clock.run(router.complete(ask('1', { timeoutMs: 100 }))));
    expect(first.kind).toBe('timeout');
    expect(clock.now()).toBe(100);
    // The slow adapter still works on the first call: its slot is taken, so the second call goes
    // to the idle target at once instead of queueing behind a call the router gave up on.
    expect(router.health()[0]!.inFlight).toBe(1);
    const second = await clock.run(router.complete(ask('2', { timeoutMs: 1000 })));
    expect(second.target).toBe('idle');
    expect(clock.now()).toBe(100);
    await clock.advance(500);
    expect(router.health()[0]!.inFlight).toBe(0);
    expect(aCalls).toBe(1);
    expect(abortedAtStart).toEqual([false]);
    const third = await clock.run(router.complete(ask('3')));
    expect(third.target).toBe('slow');
  });
});

describe('queue: waiting for capacity (opt-in)', () => {
  function busyRouter(maxWaitMs: number | undefined, clock: VirtualClock) {
    const adapter = new MockAdapter((req) => ({ text: String(req.messages[0]!.content), delayMs: 100 }));
    return new Router({
      targets: [{ id: 'one', adapter, model: 'm', maxConcurrency: 1 }],
      clock,
      queue: maxWaitMs === undefined ? undefined : { maxWaitMs },
    });
  }

  it('without it, a full target is skipped and the call fails with no_target', async () => {
    const clock = new VirtualClock();
    const router = busyRouter(undefined, clock);
    const calls = [router.complete(ask('1')), router.complete(ask('2'))];
    const [first, second] = (await clock.run(Promise.allSettled(calls))) as PromiseSettledResult<unknown>[];
    expect(first!.status).toBe('fulfilled');
    expect((second as PromiseRejectedResult).reason.kind).toBe('no_target');
  });

  it('with it, calls wait first come first served for the slot', async () => {
    const clock = new VirtualClock();
    const router = busyRouter(1000, clock);
    const done: string[] = [];
    const calls = ['1', '2', '3'].map((n) =>
      router.complete(ask(n)).then((r) => {
        done.push(`${r.text}@${clock.now()}`);
      }),
    );
    await clock.run(Promise.all(calls));
    expect(done).toEqual(['1@100', '2@200', '3@300']);
  });

  it('gives up after maxWaitMs in all, with no_target', async () => {
    const clock = new VirtualClock();
    const router = busyRouter(150, clock);
    const calls = ['1', '2', '3'].map((n) => router.complete(ask(n)));
    const settled = await clock.run(Promise.allSettled(calls));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    const third = settled[2] as PromiseRejectedResult;
    expect(third.reason.kind).toBe('no_target');
  });

  it('a caller abort ends the wait at once and leaves no waiter behind', async () => {
    const clock = new VirtualClock();
    const router = busyRouter(10_000, clock);
    const controller = new AbortController();
    const first = router.complete(ask('1'));
    const waiting = router.complete(ask('2', { signal: controller.signal }));
    const third = router.complete(ask('3'));
    await clock.advance(10);
    controller.abort();
    expect((await rejectionOf(waiting)).kind).toBe('aborted');
    expect(clock.now()).toBe(10);
    const [a, c] = await clock.run(Promise.all([first, third]));
    expect([a.text, c.text, clock.now()]).toEqual(['1', '3', 200]);
  });

  it('never waits past the deadline', async () => {
    const clock = new VirtualClock();
    const router = busyRouter(10_000, clock);
    const calls = [router.complete(ask('1')), router.complete(ask('2', { timeoutMs: 50 }))];
    const [, second] = (await clock.run(Promise.allSettled(calls))) as PromiseSettledResult<unknown>[];
    expect((second as PromiseRejectedResult).reason.kind).toBe('timeout');
    expect(clock.now()).toBeLessThanOrEqual(100);
  });
});

describe('what an adapter returns is checked', () => {
  const ok = (extra: Partial<AdapterResponse>): AdapterResponse =>
    ({ content: [{ type: 'text', text: 'x' }], finishReason: 'stop', ...extra }) as AdapterResponse;

  it('a missing usage becomes zeros marked unknown', async () => {
    const router = new Router({
      targets: [{ id: 'a', adapter: adapterOf(async () => ok({ usage: undefined })), model: 'm' }],
    });
    const res = await router.complete(ask());
    expect(res.usage).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0, unknown: true });
  });

  it('a text part without text fails the attempt with config naming the adapter and the field', async () => {
    const bad = adapterOf(async () => ok({ content: [{ type: 'text' } as never], usage: undefined }));
    const router = new Router({ targets: [{ id: 'a', adapter: bad, model: 'm' }] });
    const error = await rejectionOf(router.complete(ask()));
    expect(error.kind).toBe('config');
    expect(error.message).toBe(
      "adapter 'custom' (target 'a') returned content[0].text that is not a string (got undefined)",
    );
    expect(router.health()[0]!.consecutiveFailures).toBe(0);
  });

  it('a stream text-delta without delta never becomes "undefined" text', async () => {
    const parts: AdapterStreamPart[] = [
      { type: 'text-delta' } as never,
      { type: 'text-delta', delta: 'ok' },
      { type: 'finish', finishReason: 'stop' } as never,
    ];
    const bad = adapterOf(
      async () => ok({}),
      async function* () {
        yield* parts;
      },
    );
    const router = new Router({ targets: [{ id: 'a', adapter: bad, model: 'm' }] });
    const error = await rejectionOf(router.stream(ask()).response);
    expect(error.kind).toBe('config');
    expect(error.message).toContain("returned a text-delta part's delta that is not a string");

    const good = adapterOf(
      async () => ok({}),
      async function* () {
        yield* parts.slice(1);
      },
    );
    const fine = new Router({ targets: [{ id: 'a', adapter: good, model: 'm' }] });
    const res = await fine.stream(ask()).response;
    expect(res.text).toBe('ok');
    expect(res.usage.unknown).toBe(true);
  });
});

describe('local exceptions are not upstream failures', () => {
  function unreadable(field: 'messages' | 'temperature'): CompletionRequest {
    const request: Record<string, unknown> = { messages: ask().messages };
    Object.defineProperty(request, field, {
      enumerable: true,
      get() {
        throw new Error(`getter of ${field} broke; key sk-abcdefghijklmnopqrstu`);
      },
    });
    return request as unknown as CompletionRequest;
  }

  for (const validateRequests of [true, false]) {
    for (const field of ['messages', 'temperature'] as const) {
      it(`a throwing getter on ${field} is invalid_request with no provider call (validation ${validateRequests ? 'on' : 'off'})`, async () => {
        const adapter = new MockAdapter(() => ({ text: 'ok' }));
        const router = new Router({
          targets: [
            { id: 'a', adapter, model: 'm' },
            { id: 'b', adapter, model: 'm' },
          ],
          breaker: { failureThreshold: 1 },
          validateRequests,
        });
        for (let i = 0; i < 3; i++) {
          const error = await rejectionOf(router.complete(unreadable(field)));
          expect(error.kind).toBe('invalid_request');
          expect(error.retryable).toBe(false);
          expect(JSON.stringify(error)).not.toContain('sk-abcdefghijklmnopqrstu');
        }
        expect(adapter.callCount).toBe(0);
        expect(router.health().map((h) => h.state)).toEqual(['closed', 'closed']);
        expect((await router.complete(ask())).text).toBe('ok');
      });
    }
  }

  it('a TypeError thrown by an adapter (a mapping bug, e.g. a circular object) is config, never retried or counted', async () => {
    let calls = 0;
    const buggy = adapterOf((req) => {
      calls++;
      JSON.stringify(req.providerOptions); // throws on a circular object
      return Promise.resolve({} as AdapterResponse);
    });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const router = new Router({
      targets: [
        { id: 'a', adapter: buggy, model: 'm' },
        { id: 'b', adapter: buggy, model: 'm' },
      ],
      breaker: { failureThreshold: 1 },
      validateRequests: false,
    });
    for (let i = 0; i < 4; i++) {
      const error = await rejectionOf(router.complete(ask('x', { providerOptions: { custom: circular } })));
      expect(error.kind).toBe('config');
      expect(error.message).toContain('a bug in the adapter, not a provider failure');
    }
    expect(calls).toBe(4);
    expect(router.health().map((h) => h.state)).toEqual(['closed', 'closed']);
  });

  it('wrapAdapter types an adapter TypeError as config too', async () => {
    const buggy = wrapAdapter(
      adapterOf(() => {
        throw new TypeError('Do not know how to serialize a BigInt');
      }),
      { name: 'pass', wrapAttempt: (_ctx, next) => next() },
    );
    const options = {
      signal: new AbortController().signal,
      target: 't',
      clock: systemClock,
      deadline: Infinity,
    };
    const error = await rejectionOf(buggy.complete({ model: 'm', messages: ask().messages }, options));
    expect(error.kind).toBe('config');
  });

  it('a network-shaped exception still counts as connection', async () => {
    const failing = adapterOf(() =>
      Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })),
    );
    const router = new Router({
      targets: [{ id: 'a', adapter: failing, model: 'm' }],
      retry: { maxAttempts: 1 },
    });
    expect((await rejectionOf(router.complete(ask()))).kind).toBe('connection');
  });
});

describe('the router as an event source', () => {
  it('holds its emitter: on/off/once are typed, emit is not public', async () => {
    const router = new Router({
      targets: [{ id: 'a', adapter: new MockAdapter(() => ({ text: 'ok' })), model: 'm' }],
    });
    expect((router as unknown as { emit?: unknown }).emit).toBeUndefined();
    const seen: string[] = [];
    const listener = (e: { requestId: string }) => seen.push(e.requestId);
    router.on('request:success', listener);
    router.once('request:start', (e) => seen.push(`start ${e.requestId}`));
    await router.complete(ask());
    router.off('request:success', listener);
    await router.complete(ask());
    expect(seen).toHaveLength(2);
    expect(router.listenerCount('request:success')).toBe(0);
  });

  it('one strategy registry per process, under a Symbol.for key', () => {
    const key = Symbol.for('switchyard-llm.strategies');
    expect((globalThis as Record<symbol, unknown>)[key]).toBe(Router.strategies);
  });
});
