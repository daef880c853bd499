import { describe, expect, it } from 'vitest';
import { type AdapterRequest, Router, type Strategy, StrategyRegistry } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { ask, recordEvents, rejectionOf } from '../helpers/calls.js';

const echo = (id: string) => new MockAdapter((req) => ({ text: `${id}:${req.model}` }));

describe('targets, aliases and strategies', () => {
  it('routes round-robin by default across all targets', async () => {
    const router = new Router({
      targets: ['a', 'b', 'c'].map((id) => ({ id, adapter: echo(id), model: 'm' })),
    });
    const picks = [];
    for (let i = 0; i < 6; i++) picks.push((await router.complete(ask())).target);
    expect(picks).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(router.strategyName).toBe('round-robin');
  });

  it('a model alias picks among the targets of that group; a target model name works too', async () => {
    const router = new Router({
      targets: [
        { id: 'small', adapter: echo('small'), model: 'mini-1', aliases: ['fast'] },
        { id: 'big', adapter: echo('big'), model: 'large-1', aliases: ['smart'] },
        { id: 'small2', adapter: echo('small2'), model: 'mini-2', aliases: ['fast'] },
      ],
    });
    const fast = new Set<string>();
    for (let i = 0; i < 4; i++) fast.add((await router.complete(ask('x', { model: 'fast' }))).target);
    expect([...fast].sort()).toEqual(['small', 'small2']);
    expect((await router.complete(ask('x', { model: 'large-1' }))).target).toBe('big');
    const error = await rejectionOf(router.complete(ask('x', { model: 'nope' })));
    expect(error.kind).toBe('no_target');
    expect(error.message).toContain("'nope'");
    expect(error.message).toContain('fast');
  });

  it('a request may name its strategy; unknown names are invalid_request', async () => {
    const registry = new StrategyRegistry(Router.strategies);
    registry.register('last', () => ({ name: 'last', pick: (c) => c[c.length - 1]! }));
    const router = new Router({
      targets: ['a', 'b'].map((id) => ({ id, adapter: echo(id), model: 'm' })),
      strategies: registry,
    });
    expect((await router.complete(ask('x', { strategy: 'last' }))).target).toBe('b');
    expect((await router.complete(ask('x', { strategy: 'priority' }))).target).toBe('a');
    const error = await rejectionOf(router.complete(ask('x', { strategy: 'missing' })));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toMatch(/request\.strategy: unknown strategy 'missing'; registered: .*last/);
  });

  it('a strategy whose learning hook throws fails the call with a config error: no fallback, no blame on the target', async () => {
    const throwing = (hook: 'observe' | 'observeFirstToken', failing = false) => {
      const a = new MockAdapter(() => (failing ? { error: { status: 503 } } : { text: 'a', stream: ['a'] }));
      const b = echo('b');
      const router = new Router({
        targets: [
          { id: 'a', adapter: a, model: 'm' },
          { id: 'b', adapter: b, model: 'm' },
        ],
        strategy: {
          name: 'buggy',
          pick: (c) => c[0]!,
          [hook]: () => {
            throw new Error('bad index; key sk-abcdefghijklmnopqrstuvwxyz0123');
          },
        },
        breaker: { failureThreshold: 1 },
      });
      const events = recordEvents(router);
      return { router, a, b, ejected: () => events.filter(([name]) => name === 'target:ejected').length };
    };
    for (const [hook, failing, streamed] of [
      ['observe', false, false],
      ['observe', true, false],
      ['observe', false, true],
      ['observeFirstToken', false, true],
    ] as const) {
      const { router, a, b, ejected } = throwing(hook, failing);
      const delivered: string[] = [];
      const error = await rejectionOf(
        streamed
          ? (async () => {
              for await (const part of router.stream(ask()))
                if (part.type === 'text-delta') delivered.push(part.delta);
            })()
          : router.complete(ask()),
      );
      expect(error.kind).toBe('config');
      expect(error.retryable).toBe(false);
      expect(error.message).toBe(`strategy 'buggy' threw in ${hook}: bad index; key [redacted]`);
      expect(String((error.cause as Error).stack)).not.toContain('sk-abcdefghij');
      expect(a.calls).toHaveLength(1);
      expect(b.calls).toHaveLength(0);
      // Only the provider's own 503 counts against it (threshold 1), never the strategy's bug.
      expect(ejected()).toBe(failing ? 1 : 0);
      // The first token's hook runs before the token is sent: nothing reached the caller.
      if (hook === 'observeFirstToken') expect(delivered).toEqual([]);
    }
  });

  it('accepts a Strategy object and a factory, and lets the strategy observe outcomes', async () => {
    const seen: Array<[string, boolean]> = [];
    const observing: Strategy = {
      name: 'obs',
      pick: (c) => c[0]!,
      observe: (o) => seen.push([o.target.id, o.ok]),
    };
    const router = new Router({
      targets: [
        { id: 'a', adapter: new MockAdapter([{ error: { status: 500 } }]), model: 'm' },
        { id: 'b', adapter: echo('b'), model: 'm' },
      ],
      strategy: observing,
    });
    await router.complete(ask());
    expect(seen).toEqual([
      ['a', false],
      ['b', true],
    ]);
    let initTargets = 0;
    const r2 = new Router({
      targets: [{ id: 'a', adapter: echo('a'), model: 'm' }],
      strategy: (init) => {
        initTargets = init.targets.length;
        return { name: 'f', pick: (c) => c[0]! };
      },
    });
    expect(r2.strategyName).toBe('f');
    expect(initTargets).toBe(1);
  });

  it('rejects a strategy that returns a target outside the candidates', async () => {
    const rogue: Strategy = { name: 'rogue', pick: () => ({ id: 'ghost' }) as never };
    const router = new Router({
      targets: ['a', 'b'].map((id) => ({ id, adapter: echo(id), model: 'm' })),
      strategy: rogue,
    });
    const error = await rejectionOf(router.complete(ask()));
    expect(error.kind).toBe('config');
    expect(error.message).toContain("strategy 'rogue'");
  });

  it('skips targets that cannot serve the request (tools, json, images, streaming, context window)', async () => {
    const plain = new MockAdapter(() => ({ text: 'plain' }), {
      capabilities: { tools: false, json: false, images: false, streaming: false },
    });
    const full = new MockAdapter(() => ({ text: 'full' }));
    const router = new Router({
      targets: [
        { id: 'plain', adapter: plain, model: 'm', contextWindow: 10 },
        { id: 'full', adapter: full, model: 'm' },
      ],
      strategy: 'priority',
    });
    const tool = { type: 'function' as const, name: 'f', inputSchema: { type: 'object' } };
    expect((await router.complete(ask('x', { tools: [tool] }))).target).toBe('full');
    expect((await router.complete(ask('x', { responseFormat: { type: 'json' } }))).target).toBe('full');
    expect((await router.stream(ask('x')).response).target).toBe('full');
    expect((await router.complete(ask('y'.repeat(100)))).target).toBe('full');
    const image = {
      role: 'user' as const,
      content: [{ type: 'file' as const, data: 'aGk=', mediaType: 'image/png' }],
    };
    expect((await router.complete({ messages: [image] })).target).toBe('full');
    expect((await router.complete(ask('short'))).target).toBe('plain');

    const onlyPlain = new Router({ targets: [{ id: 'plain', adapter: plain, model: 'm' }] });
    const error = await rejectionOf(onlyPlain.complete(ask('x', { tools: [tool] })));
    expect(error.kind).toBe('no_target');
    expect(error.message).toContain('tools');
  });

  it('resolves provider options: target, then request by provider name, then by target id', async () => {
    const received: AdapterRequest[] = [];
    const adapter = new MockAdapter(
      (req) => {
        received.push(req);
        return { text: 'ok' };
      },
      { provider: 'acme' },
    );
    const router = new Router({
      targets: [
        { id: 't1', adapter, model: 'm', providerOptions: { a: 1, b: 1, c: 1 }, maxOutputTokens: 99 },
      ],
    });
    await router.complete(
      ask('x', { providerOptions: { acme: { b: 2, c: 2 }, t1: { c: 3 }, other: { z: 9 } } }),
    );
    await router.complete(ask('x', { maxOutputTokens: 5 }));
    expect(received[0]!.providerOptions).toEqual({ a: 1, b: 2, c: 3 });
    expect(received[0]!.maxOutputTokens).toBe(99);
    expect(received[1]!.providerOptions).toEqual({ a: 1, b: 1, c: 1 });
    expect(received[1]!.maxOutputTokens).toBe(5);
  });

  it('computes costUsd from prices (target price, else the adapter default), cache-aware', async () => {
    const adapter = new MockAdapter(
      () => ({ text: 'x', usage: { inputTokens: 1000, cachedInputTokens: 400, outputTokens: 100 } }),
      {
        price: { inputPerMTok: 10, outputPerMTok: 30, cachedInputPerMTok: 1 },
      },
    );
    const router = new Router({ targets: [{ id: 'a', adapter, model: 'm' }] });
    const res = await router.complete(ask());
    expect(res.costUsd).toBeCloseTo((600 * 10 + 400 * 1 + 100 * 30) / 1e6, 12);
    const noPrice = new Router({ targets: [{ id: 'a', adapter: echo('a'), model: 'm' }] });
    expect((await noPrice.complete(ask())).costUsd).toBeUndefined();
  });

  it('emits a route event with candidates only while someone listens', async () => {
    const router = new Router({
      targets: ['a', 'b'].map((id) => ({ id, adapter: echo(id), model: 'm' })),
      strategy: 'weighted',
    });
    const events = recordEvents(router);
    await router.complete(ask());
    const route = events.find(([n]) => n === 'route')?.[1];
    expect(route.strategy).toBe('weighted');
    expect(route.candidates.map((c: any) => c.target)).toEqual(['a', 'b']);
  });
});

describe('limits', () => {
  it('skips a target at its concurrency limit instead of queueing behind it', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter(() => ({ text: 'a', delayMs: 100 }));
    const b = new MockAdapter(() => ({ text: 'b', delayMs: 100 }));
    const router = new Router({
      targets: [
        { id: 'a', adapter: a, model: 'm', maxConcurrency: 2 },
        { id: 'b', adapter: b, model: 'm' },
      ],
      strategy: 'priority',
      clock,
    });
    const results = await clock.run(Promise.all(Array.from({ length: 5 }, () => router.complete(ask()))));
    expect(results.map((r) => r.target)).toEqual(['a', 'a', 'b', 'b', 'b']);
    expect(clock.now()).toBe(100);
  });

  it('fails with no_target when every candidate is at its concurrency limit', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter(() => ({ text: 'a', delayMs: 100 }));
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm', maxConcurrency: 1 }], clock });
    const first = router.complete(ask());
    const error = await rejectionOf(router.complete(ask()));
    expect(error.kind).toBe('no_target');
    expect(error.message).toContain('concurrency');
    await clock.run(first);
  });

  it('skips a target over its requests-per-minute limit until the window slides', async () => {
    const clock = new VirtualClock();
    const router = new Router({
      targets: [
        { id: 'a', adapter: echo('a'), model: 'm', requestsPerMinute: 3 },
        { id: 'b', adapter: echo('b'), model: 'm' },
      ],
      strategy: 'priority',
      clock,
    });
    const picks: string[] = [];
    for (let i = 0; i < 5; i++) {
      picks.push((await clock.run(router.complete(ask()))).target);
      await clock.advance(1000);
    }
    expect(picks).toEqual(['a', 'a', 'a', 'b', 'b']);
    await clock.advance(55_000); // the first stamp (t=0) leaves the 60 s window
    expect((await clock.run(router.complete(ask()))).target).toBe('a');
  });

  it('with a single rate-limited target, the call fails fast with no_target and nextAvailableAt', async () => {
    const clock = new VirtualClock();
    const router = new Router({
      targets: [{ id: 'a', adapter: echo('a'), model: 'm', requestsPerMinute: 1 }],
      clock,
    });
    await clock.run(router.complete(ask()));
    const error = await rejectionOf(clock.run(router.complete(ask())));
    expect(error.kind).toBe('no_target');
    expect(error.nextAvailableAt).toBe(60_000);
  });
});

describe('events', () => {
  it('emits the lifecycle of a call in order, with ids and timings but no prompt or completion text', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter([
      { error: { status: 503 }, delayMs: 10 },
      { text: 'SECRET-COMPLETION', delayMs: 20 },
    ]);
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm' }], clock, random: () => 0 });
    const events = recordEvents(router);
    await clock.run(router.complete(ask('SECRET-PROMPT', { tags: ['t1'] })));
    expect(events.map(([n]) => n)).toEqual([
      'request:start',
      'route',
      'attempt:start',
      'attempt:failure',
      'retry',
      'route',
      'attempt:start',
      'attempt:success',
      'request:success',
    ]);
    const ids = new Set(events.filter(([n]) => n !== 'target:ejected').map(([, e]) => e.requestId));
    expect(ids.size).toBe(1);
    expect(events.find(([n]) => n === 'attempt:failure')?.[1]).toMatchObject({
      willRetry: true,
      durationMs: 10,
      attempt: 1,
    });
    expect(events.find(([n]) => n === 'request:success')?.[1]).toMatchObject({ latencyMs: 30, tags: ['t1'] });
    const text = JSON.stringify(events);
    expect(text).not.toContain('SECRET-PROMPT');
    expect(text).not.toContain('SECRET-COMPLETION');
  });

  it('includes prompt and completion only when opted in', async () => {
    const router = new Router({
      targets: [{ id: 'a', adapter: echo('a'), model: 'm' }],
      includeContentInEvents: true,
    });
    const events = recordEvents(router);
    await router.complete(ask('the prompt'));
    expect(events.find(([n]) => n === 'request:start')?.[1].messages[0].content).toBe('the prompt');
    expect(events.find(([n]) => n === 'request:success')?.[1].text).toBe('a:m');
  });

  it('a throwing listener never breaks a call; others still run; once-listeners run once', async () => {
    const router = new Router({ targets: [{ id: 'a', adapter: echo('a'), model: 'm' }] });
    const listenerErrors: unknown[] = [];
    let after = 0;
    let once = 0;
    router.on('listener:error', (e) => listenerErrors.push(e.event));
    router.on('attempt:start', () => {
      throw new Error('boom');
    });
    router.on('attempt:start', () => after++);
    router.once('attempt:start', () => once++);
    router.on('request:success', () => {
      throw new Error('boom 2');
    });
    expect((await router.complete(ask())).text).toBe('a:m');
    await router.complete(ask());
    expect(after).toBe(2);
    expect(once).toBe(1);
    expect(listenerErrors).toEqual(['attempt:start', 'request:success', 'attempt:start', 'request:success']);
  });

  it('a throwing listener:error listener does not recurse', async () => {
    const router = new Router({ targets: [{ id: 'a', adapter: echo('a'), model: 'm' }] });
    router.on('listener:error', () => {
      throw new Error('again');
    });
    router.on('request:start', () => {
      throw new Error('first');
    });
    expect((await router.complete(ask())).text).toBe('a:m');
  });

  it('emits request:failure for a rejected call, with every attempt', async () => {
    const clock = new VirtualClock();
    const router = new Router({
      targets: [{ id: 'a', adapter: new MockAdapter([{ error: { status: 400 } }]), model: 'm' }],
      clock,
    });
    const events = recordEvents(router);
    const error = await rejectionOf(clock.run(router.complete(ask())));
    const failure = events.find(([n]) => n === 'request:failure')?.[1];
    expect(failure.error).toBe(error);
    expect(failure.attempts).toHaveLength(1);
  });
});

describe('review fixes', () => {
  it('route scores are taken before the pick changes the strategy state', async () => {
    const router = new Router({
      targets: ['a', 'b'].map((id) => ({ id, adapter: echo(id), model: 'm' })),
      strategy: 'weighted',
    });
    const events = recordEvents(router);
    await router.complete(ask());
    const route = events.find(([n]) => n === 'route')?.[1];
    // Smooth weighted round-robin, equal weights, fresh state: both candidates score the same before the pick.
    expect(route.candidates.map((c: any) => c.score)).toEqual([
      route.candidates[0].score,
      route.candidates[0].score,
    ]);
  });

  it('a per-request strategy with the default name reuses the default instance', async () => {
    let created = 0;
    const registry = new StrategyRegistry();
    registry.register('counting', () => {
      created++;
      return { name: 'counting', pick: (c) => c[0]! };
    });
    const router = new Router({
      targets: ['a', 'b'].map((id) => ({ id, adapter: echo(id), model: 'm' })),
      strategy: 'counting',
      strategies: registry,
    });
    await router.complete(ask('x', { strategy: 'counting' }));
    expect(created).toBe(1);
  });

  it('a new call honours a Retry-After block on its only target by waiting', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter([
      { error: { status: 429, retryAfterMs: 800 } },
      { text: 'first' },
      { text: 'second' },
    ]);
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm' }], clock });
    const first = router.complete(ask());
    await clock.advance(0);
    const second = router.complete(ask());
    const [r1, r2] = await clock.run(Promise.all([first, second]));
    expect([r1.text, r2.text].sort()).toEqual(['first', 'second']);
    expect(a.calls[1]!.startedAt).toBe(800);
  });

  it('responses and errors carry the requestId of their events', async () => {
    const router = new Router({
      targets: [
        { id: 'a', adapter: new MockAdapter([{ text: 'ok' }, { error: { status: 400 } }]), model: 'm' },
      ],
    });
    const ids: string[] = [];
    router.on('request:start', (e) => ids.push(e.requestId));
    const res = await router.complete(ask());
    const error = await rejectionOf(router.complete(ask()));
    expect([res.requestId, error.requestId]).toEqual(ids);
  });
});

describe('close', () => {
  it('closes every distinct adapter once, waits for them, and refuses later calls', async () => {
    let closed = 0;
    const shared = Object.assign(new MockAdapter(() => ({ text: 'ok' })), {
      close: async () => {
        await new Promise((r) => setTimeout(r, 5));
        closed++;
      },
    });
    const router = new Router({
      targets: [
        { id: 'a', adapter: shared, model: 'm1' },
        { id: 'b', adapter: shared, model: 'm2' },
        { id: 'c', adapter: echo('c'), model: 'm3' }, // no close(): skipped
      ],
    });
    expect((await router.complete(ask())).text).toBe('ok');
    await router.close();
    await router.close();
    expect(closed).toBe(2); // once per close() call, not once per target
    const error = await rejectionOf(router.complete(ask()));
    expect(error.kind).toBe('config');
    expect(error.message).toContain('closed');
  });

  it('tells strategies the attempt budget and the load each attempt met', async () => {
    const clock = new VirtualClock(0);
    const contexts: { attempt: number; maxAttempts: number | undefined }[] = [];
    const loads: (number | undefined)[] = [];
    const budgets: [number | undefined, number | undefined][] = [];
    const first: Strategy = {
      name: 'first',
      pick: (candidates, context) => {
        contexts.push({ attempt: context.attempt, maxAttempts: context.maxAttempts });
        return candidates[0]!;
      },
      observe: (outcome) => {
        loads.push(outcome.inFlightAtStart);
        budgets.push([outcome.attempt, outcome.maxAttempts]);
      },
    };
    const slow = new MockAdapter(() => ({ text: 'ok', delayMs: 100 }));
    const router = new Router({
      targets: [
        { id: 'a', adapter: slow, model: 'm' },
        { id: 'b', adapter: echo('b'), model: 'm' },
      ],
      strategy: () => first,
      retry: { maxAttempts: 4 },
      clock,
    });
    const calls = [router.complete(ask()), router.complete(ask()), router.complete(ask())];
    await clock.run(Promise.all(calls), 1_000);
    expect(contexts).toEqual([
      { attempt: 1, maxAttempts: 4 },
      { attempt: 1, maxAttempts: 4 },
      { attempt: 1, maxAttempts: 4 },
    ]);
    // The three calls started on 'a' with 0, 1 and 2 others already in flight.
    expect(loads.sort()).toEqual([0, 1, 2]);
    expect(budgets).toEqual([
      [1, 4],
      [1, 4],
      [1, 4],
    ]);
  });
});
