import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import {
  type Adapter,
  type AdapterStreamPart,
  type CompletionResponse,
  type Middleware,
  Router,
  type StreamEvent,
  SwitchyardError,
  wrapAdapter,
} from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { ask, rejectionOf, targetsOf } from '../helpers/calls.js';
import { collect } from '../helpers/middleware.js';

const text = (events: StreamEvent[]) => events.map((e) => (e.type === 'text-delta' ? e.delta : '')).join('');

describe('middleware: order and request transforms', () => {
  it('runs the first registered outermost, for calls and attempts', async () => {
    const log: string[] = [];
    const named = (name: string): Middleware => ({
      name,
      transformRequest: (r) => {
        log.push(`${name}:transform`);
        return r;
      },
      wrapCall: async (_ctx, next) => {
        log.push(`${name}:call>`);
        const res = await next();
        log.push(`${name}:call<`);
        return res;
      },
      wrapAttempt: async (_ctx, next) => {
        log.push(`${name}:attempt>`);
        const res = await next();
        log.push(`${name}:attempt<`);
        return res;
      },
    });
    const router = new Router({
      targets: [{ id: 'a', adapter: new MockAdapter(() => ({ text: 'ok' })), model: 'm' }],
      middleware: [named('outer')],
    });
    router.use(named('inner'));
    await router.complete(ask());
    expect(log).toEqual([
      'outer:transform',
      'inner:transform',
      'outer:call>',
      'inner:call>',
      'outer:attempt>',
      'inner:attempt>',
      'inner:attempt<',
      'outer:attempt<',
      'inner:call<',
      'outer:call<',
    ]);
  });

  it('gives each transform the request as the middleware before it left it', async () => {
    const seen: Array<number | undefined> = [];
    const bump = (name: string): Middleware => ({
      name,
      transformRequest: (r, ctx) => {
        seen.push(ctx.request.temperature);
        return { ...r, temperature: (r.temperature ?? 0) + 0.5 };
      },
    });
    const adapter = new MockAdapter((req) => ({ text: String(req.temperature) }));
    const router = new Router({
      targets: [{ id: 'a', adapter, model: 'm' }],
      middleware: [bump('one'), bump('two')],
    });
    expect((await router.complete(ask())).text).toBe('1');
    expect(seen).toEqual([undefined, 0.5]);
  });

  it('routes the transformed request, and validates it after the transform', async () => {
    const adapter = new MockAdapter((req) => ({
      text: `${req.messages.length} messages, t=${req.temperature}`,
    }));
    const router = new Router({
      targets: [{ id: 'a', adapter, model: 'm' }],
      middleware: [{ name: 'cool', transformRequest: (r) => ({ ...r, temperature: 0 }) }],
    });
    expect((await router.complete(ask())).text).toBe('1 messages, t=0');

    const smuggler = new Router({
      targets: [{ id: 'a', adapter, model: 'm' }],
      middleware: [{ name: 'smuggler', transformRequest: (r) => ({ ...r, temperature: -5 }) }],
    });
    const error = await rejectionOf(smuggler.complete(ask()));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain('temperature');
    expect(adapter.callCount).toBe(1);
  });
});

describe('middleware: wrapCall', () => {
  it('can answer without calling next (a cache hit) and the adapter is not called', async () => {
    const adapter = new MockAdapter(() => ({ text: 'from the provider' }));
    const cached = new Map<string, CompletionResponse>();
    const cache: Middleware = {
      name: 'cache',
      wrapCall: async (ctx, next) => {
        const key = JSON.stringify(ctx.request.messages);
        const hit = cached.get(key);
        if (hit) return { ...hit, requestId: ctx.requestId };
        const res = await next();
        cached.set(key, res);
        return res;
      },
    };
    const router = new Router({ targets: [{ id: 'a', adapter, model: 'm' }], middleware: [cache] });
    const first = await router.complete(ask('same'));
    const second = await router.complete(ask('same'));
    expect(second.text).toBe(first.text);
    expect(second.requestId).not.toBe(first.requestId);
    expect(adapter.callCount).toBe(1);
  });

  it('sees the error of the call and may replace it', async () => {
    const adapter = new MockAdapter(() => ({ error: { status: 400, message: 'bad' } }));
    const seen: string[] = [];
    const router = new Router({
      targets: [{ id: 'a', adapter, model: 'm' }],
      middleware: [
        {
          name: 'fallback-text',
          wrapCall: async (_ctx, next) => {
            try {
              return await next();
            } catch (error) {
              seen.push((error as SwitchyardError).kind);
              throw new SwitchyardError('invalid_request', 'replaced', { retryable: false });
            }
          },
        },
      ],
    });
    const error = await rejectionOf(router.complete(ask()));
    expect(seen).toEqual(['invalid_request']);
    expect(error.message).toBe('replaced');
  });
});

describe('middleware: wrapAttempt', () => {
  it('runs inside the attempt: an AsyncLocalStorage value set there is seen by the adapter', async () => {
    const als = new AsyncLocalStorage<string>();
    const seenInside: Array<string | undefined> = [];
    const adapter = new MockAdapter(() => {
      seenInside.push(als.getStore());
      return { text: 'ok' };
    });
    const trace: Middleware = {
      name: 'trace',
      wrapAttempt: (ctx, next) => als.run(`${ctx.requestId}/${ctx.target.id}/${ctx.attempt}`, () => next()),
      wrapAttemptStream: (ctx, next) => als.run(`${ctx.requestId}/${ctx.target.id}/s`, () => next()),
    };
    const router = new Router({ targets: [{ id: 'a', adapter, model: 'm' }], middleware: [trace] });
    const res = await router.complete(ask());
    await router.stream(ask()).response;
    expect(seenInside[0]).toBe(`${res.requestId}/a/1`);
    expect(seenInside[1]).toMatch(/\/a\/s$/);
  });

  it('is called for every attempt, with the target and the attempt number', async () => {
    const a = new MockAdapter(() => ({ error: { status: 503 } }));
    const b = new MockAdapter(() => ({ text: 'b' }));
    const seen: string[] = [];
    const router = new Router({
      targets: targetsOf({ a, b }),
      strategy: 'priority',
      middleware: [
        {
          name: 'spy',
          wrapAttempt: (ctx, next) => {
            seen.push(`${ctx.attempt}:${ctx.target.id}:${ctx.adapterRequest.model}`);
            return next();
          },
        },
      ],
    });
    expect((await router.complete(ask())).target).toBe('b');
    expect(seen).toEqual(['1:a:m', '2:b:m']);
  });

  it('may replace the adapter request with next(request)', async () => {
    const adapter = new MockAdapter((req) => ({ text: String(req.maxOutputTokens) }));
    const router = new Router({
      targets: [{ id: 'a', adapter, model: 'm' }],
      middleware: [
        { name: 'cap', wrapAttempt: (ctx, next) => next({ ...ctx.adapterRequest, maxOutputTokens: 7 }) },
      ],
    });
    expect((await router.complete(ask())).text).toBe('7');
  });
});

describe('middleware: errors', () => {
  for (const hook of ['transformRequest', 'wrapCall', 'wrapAttempt'] as const) {
    it(`a ${hook} that throws fails the call with config naming it: no retry, nothing counted against the target`, async () => {
      const adapter = new MockAdapter(() => ({ text: 'ok' }));
      const bad: Middleware =
        hook === 'transformRequest'
          ? {
              name: 'bad',
              transformRequest: () => {
                throw new Error('oops sk-abcdefghijklmnop1234');
              },
            }
          : hook === 'wrapCall'
            ? { name: 'bad', wrapCall: async () => Promise.reject(new TypeError('oops')) }
            : {
                name: 'bad',
                wrapAttempt: () => {
                  throw 'a string';
                },
              };
      const router = new Router({
        targets: targetsOf({ a: adapter, b: adapter }),
        breaker: { failureThreshold: 1 },
        middleware: [bad],
      });
      for (let i = 0; i < 3; i++) {
        const error = await rejectionOf(router.complete(ask()));
        expect(error.kind).toBe('config');
        expect(error.retryable).toBe(false);
        expect(error.message).toContain(`middleware 'bad' threw in ${hook}`);
        expect(error.message).not.toContain('sk-abcdefghijklmnop1234');
        expect(error.attempts.length).toBeLessThanOrEqual(1);
      }
      expect(router.health().map((h) => h.state)).toEqual(['closed', 'closed']);
      expect(adapter.callCount).toBe(0);
    });
  }

  it('names the attempt hook that threw, whichever hooks pass its error on', async () => {
    const adapter = new MockAdapter(() => ({ text: 'ok' }));
    const passOn: Middleware = { name: 'outer', wrapAttempt: (_ctx, next) => next() };
    const awaitsThenThrows: Middleware = {
      name: 'after',
      wrapAttempt: async (_ctx, next) => {
        await next();
        throw new RangeError('after the adapter');
      },
    };
    let rethrown = 0;
    const rethrows: Middleware = {
      name: 'rethrower',
      wrapAttempt: async (_ctx, next) => {
        try {
          return await next();
        } catch (error) {
          rethrown++;
          throw error;
        }
      },
    };
    const router = new Router({
      targets: [{ id: 'a', adapter, model: 'm' }],
      middleware: [passOn, rethrows, awaitsThenThrows],
    });
    const error = await rejectionOf(router.complete(ask()));
    expect(error.kind).toBe('config');
    expect(error.message).toBe("middleware 'after' threw in wrapAttempt: after the adapter");
    expect(rethrown).toBe(1);
    const upstream = new Router({
      targets: [{ id: 'a', adapter: new MockAdapter(() => ({ error: { status: 503 } })), model: 'm' }],
      middleware: [passOn, rethrows],
      retry: { maxAttempts: 1 },
    });
    expect((await rejectionOf(upstream.complete(ask()))).kind).toBe('server');
  });

  it('a SwitchyardError a middleware throws keeps its kind (a guardrail refusal)', async () => {
    const router = new Router({
      targets: [{ id: 'a', adapter: new MockAdapter(() => ({ text: 'ok' })), model: 'm' }],
      middleware: [
        {
          name: 'guard',
          transformRequest: () => {
            throw new SwitchyardError('invalid_request', 'refused by policy', { retryable: false });
          },
        },
      ],
    });
    const error = await rejectionOf(router.complete(ask()));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toBe('refused by policy');
  });

  it('rejects a middleware without a name or with a hook that is not a function', () => {
    const targets = [{ id: 'a', adapter: new MockAdapter(() => ({ text: 'ok' })), model: 'm' }];
    expect(() => new Router({ targets, middleware: [{ name: '' }] })).toThrow(/middleware\[0\]\.name/);
    const router = new Router({ targets });
    expect(() => router.use({ name: 'x', wrapCall: 3 } as unknown as Middleware)).toThrow(
      'invalid middleware: wrapCall: expected a function',
    );
  });
});

describe('middleware: streams', () => {
  it('wrapStream can transform the events the caller reads', async () => {
    const adapter = new MockAdapter(() => ({ stream: ['he', 'llo'] }));
    const router = new Router({
      targets: [{ id: 'a', adapter, model: 'm' }],
      middleware: [
        {
          name: 'upper',
          async *wrapStream(_ctx, next) {
            for await (const e of next())
              yield e.type === 'text-delta' ? { ...e, delta: e.delta.toUpperCase() } : e;
          },
        },
      ],
    });
    const stream = router.stream(ask());
    const events = await collect(stream);
    expect(text(events)).toBe('HELLO');
    expect(events.at(-1)?.type).toBe('finish');
    expect((await stream.response).text).toBe('hello'); // the response is the router's; the events are the middleware's
  });

  it('wrapStream can replay events without calling next', async () => {
    const adapter = new MockAdapter(() => ({ stream: ['never'] }));
    let saved: StreamEvent[] = [];
    const replay: Middleware = {
      name: 'replay',
      async *wrapStream(_ctx, next) {
        if (saved.length > 0) {
          yield* saved;
          return;
        }
        const seen: StreamEvent[] = [];
        for await (const e of next()) {
          seen.push(e);
          yield e;
        }
        saved = seen;
      },
    };
    const router = new Router({ targets: [{ id: 'a', adapter, model: 'm' }], middleware: [replay] });
    expect(text(await collect(router.stream(ask())))).toBe('never');
    const second = router.stream(ask());
    expect(text(await collect(second))).toBe('never');
    expect((await second.response).text).toBe('never');
    expect(adapter.callCount).toBe(1);
  });

  it('a consumer that stops reading through wrapStream cancels the call, closes the adapter stream and frees the slot', async () => {
    const clock = new VirtualClock();
    const adapter = new MockAdapter(() => ({ stream: ['a', 'b', 'c', 'd'], chunkDelayMs: 10 }));
    const router = new Router({
      targets: [{ id: 'a', adapter, model: 'm', maxConcurrency: 1 }],
      clock,
      middleware: [{ name: 'pass', wrapStream: (_ctx, next) => next() }],
    });
    const stream = router.stream(ask());
    const seen: string[] = [];
    await clock.run(
      (async () => {
        for await (const e of stream) {
          if (e.type === 'text-delta') seen.push(e.delta);
          if (seen.length === 2) break;
        }
      })(),
    );
    expect((await rejectionOf(clock.run(stream.response))).kind).toBe('aborted');
    expect(seen).toEqual(['a', 'b']);
    await clock.advance(100);
    expect(router.health()[0]!.inFlight).toBe(0);
    expect(adapter.calls[0]!.result).toBe('aborted');
  });

  it('a wrapStream that ends without finish, or calls next twice, fails with config', async () => {
    const adapter = new MockAdapter(() => ({ stream: ['a'] }));
    const noFinish = new Router({
      targets: [{ id: 'a', adapter, model: 'm' }],
      middleware: [
        {
          name: 'drop-finish',
          async *wrapStream(_ctx, next) {
            for await (const e of next()) if (e.type !== 'finish') yield e;
          },
        },
      ],
    });
    const e1 = await rejectionOf(noFinish.stream(ask()).response);
    expect(e1.kind).toBe('config');
    expect(e1.message).toContain("'drop-finish'");

    const twice = new Router({
      targets: [{ id: 'a', adapter, model: 'm' }],
      middleware: [
        {
          name: 'twice',
          async *wrapStream(_ctx, next) {
            yield* next();
            yield* next();
          },
        },
      ],
    });
    const e2 = await rejectionOf(twice.stream(ask()).response);
    expect(e2.kind).toBe('config');
    expect(e2.message).toContain("middleware 'twice' called next() twice in wrapStream");
  });

  it('wrapAttemptStream sees the parts, and the commit rule still holds: no fallback after content', async () => {
    const a = new MockAdapter(() => ({ stream: ['par', 'tial'], error: { kind: 'connection' } }));
    const b = new MockAdapter(() => ({ stream: ['other'] }));
    const parts: string[] = [];
    const router = new Router({
      targets: targetsOf({ a, b }),
      strategy: 'priority',
      middleware: [
        {
          name: 'spy',
          async *wrapAttemptStream(ctx, next) {
            for await (const p of next()) {
              if (p.type === 'text-delta') parts.push(`${ctx.target.id}:${p.type}`);
              yield p;
            }
          },
        },
      ],
    });
    const stream = router.stream(ask());
    const seen: StreamEvent[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const e of stream) seen.push(e);
      })(),
    );
    expect(error.kind).toBe('stream_interrupted');
    expect(text(seen)).toBe('partial');
    expect(b.callCount).toBe(0);
    expect(parts).toEqual(['a:text-delta', 'a:text-delta']);
  });

  it('a wrapAttemptStream that throws mid-stream fails with config naming it', async () => {
    const adapter = new MockAdapter(() => ({ stream: ['a', 'b'] }));
    const router = new Router({
      targets: [{ id: 'a', adapter, model: 'm' }],
      middleware: [
        {
          name: 'boom',
          // biome-ignore lint/correctness/useYield: throws before yielding on purpose
          async *wrapAttemptStream(_ctx, next) {
            for await (const _p of next()) throw new Error('boom');
          },
        },
      ],
    });
    const error = await rejectionOf(router.stream(ask()).response);
    expect(error.kind).toBe('config');
    expect(error.message).toContain("middleware 'boom' threw in wrapAttemptStream");
    expect(router.health()[0]!.consecutiveFailures).toBe(0);
  });
});

describe('wrapAdapter', () => {
  it('runs attempt hooks around one adapter without a router', async () => {
    const log: string[] = [];
    const inner = new MockAdapter(() => ({ stream: ['x', 'y'] }));
    const wrapped: Adapter = wrapAdapter(inner, {
      name: 'log',
      wrapAttempt: async (ctx, next) => {
        log.push(`complete ${ctx.target.id} ${ctx.adapterRequest.model}`);
        return next();
      },
      async *wrapAttemptStream(_ctx, next) {
        for await (const p of next()) {
          if (p.type !== 'response-metadata') log.push(p.type);
          yield p;
        }
      },
    });
    const options = { signal: new AbortController().signal, target: 't', clock: Date, deadline: Infinity };
    const clockOptions = { ...options, clock: { now: () => 0, setTimeout, clearTimeout } } as never;
    const res = await wrapped.complete({ model: 'm', messages: ask().messages }, clockOptions);
    expect(res.content).toEqual([{ type: 'text', text: 'xy' }]);
    const parts: AdapterStreamPart[] = [];
    for await (const p of wrapped.stream({ model: 'm', messages: ask().messages }, clockOptions))
      parts.push(p);
    expect(log).toEqual(['complete t m', 'text-delta', 'text-delta', 'finish']);
    expect(parts.at(-1)?.type).toBe('finish');
  });

  it('refuses call-level hooks', () => {
    expect(() =>
      wrapAdapter(new MockAdapter(() => ({ text: 'x' })), { name: 'c', wrapCall: (_c, n) => n() }),
    ).toThrow(/wrapAdapter runs attempt-level hooks only/);
  });
});
