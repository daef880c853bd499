import { describe, expect, it } from 'vitest';
import {
  type Adapter,
  type AdapterStreamPart,
  Router,
  type Strategy,
  SwitchyardError,
  systemClock,
} from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { ask, first, recordEvents, rejectionOf, targetsOf } from '../helpers/calls.js';

async function drain(stream: AsyncIterable<any>): Promise<any[]> {
  const out: any[] = [];
  for await (const ev of stream) out.push(ev);
  return out;
}

function scriptedStream(parts: Array<AdapterStreamPart | Error>): Adapter {
  return {
    provider: 'scripted',
    capabilities: { streaming: true, tools: true, json: 'schema', images: true },
    complete: () => Promise.reject(new Error('not used')),
    async *stream() {
      for (const p of parts) {
        if (p instanceof Error) throw p;
        yield p;
      }
    },
  };
}

describe('router.stream', () => {
  it('yields text deltas then finish, and resolves response with the whole text', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter([{ stream: ['Hel', 'lo', ' world'], chunkDelayMs: 5 }]);
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm' }], clock });
    const events = recordEvents(router);
    const stream = router.stream(ask());
    const seen = await clock.run(drain(stream));
    expect(seen.map((e) => e.type)).toEqual(['text-delta', 'text-delta', 'text-delta', 'finish']);
    expect(seen.slice(0, 3).map((e) => e.delta)).toEqual(['Hel', 'lo', ' world']);
    const res = await stream.response;
    expect(res.text).toBe('Hello world');
    expect(seen[3].response).toBe(res);
    expect(events.find(([n]) => n === 'stream:first-token')?.[1]).toMatchObject({ target: 'a', ttftMs: 5 });
    expect(events.find(([n]) => n === 'attempt:success')?.[1]).toMatchObject({ ttftMs: 5, durationMs: 15 });
  });

  it("tells the strategy of each attempt's first token, before its outcome", async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter(() => ({ error: { status: 503 } }));
    const b = new MockAdapter(() => ({ stream: ['x', 'y'], chunkDelayMs: 7 }));
    const log: string[] = [];
    const strategy: Strategy = {
      name: 'spy',
      pick: (candidates, context) => candidates[(context.attempt - 1) % candidates.length]!,
      observe: (o) => log.push(`observe ${o.target.id} ${o.ok} ttft=${String(o.ttftMs)}`),
      observeFirstToken: (e) =>
        log.push(`first ${e.target.id} attempt=${e.attempt} ttft=${e.ttftMs} started=${e.startedAt}`),
    };
    const router = new Router({ targets: targetsOf({ a, b }), strategy, clock });
    const stream = router.stream(ask());
    await clock.run(drain(stream));
    expect(log).toEqual([
      'observe a false ttft=undefined',
      'first b attempt=2 ttft=7 started=0',
      'observe b true ttft=7',
    ]);
    // A completion has no first token to report.
    log.length = 0;
    await clock.run(router.complete(ask()));
    expect(log).toEqual(['observe a false ttft=undefined', 'observe b true ttft=undefined']);
  });

  it('falls back when the failure comes before the first content', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter([{ error: { status: 503 } }]);
    const b = new MockAdapter([{ stream: ['from ', 'b'] }]);
    const router = new Router({
      targets: targetsOf({ a, b }),
      strategy: first,
      clock,
    });
    const stream = router.stream(ask());
    const seen = await clock.run(drain(stream));
    expect(seen.filter((e) => e.type === 'text-delta').map((e) => e.delta)).toEqual(['from ', 'b']);
    expect((await stream.response).attempts.map((x) => x.target)).toEqual(['a', 'b']);
  });

  it('after content, never restarts elsewhere: ends with stream_interrupted carrying the partial text', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter([{ stream: ['partial ', 'answer'], error: { kind: 'connection' } }]);
    const b = new MockAdapter(() => ({ stream: ['must not appear'] }));
    const router = new Router({
      targets: targetsOf({ a, b }),
      strategy: first,
      clock,
    });
    const stream = router.stream(ask());
    const seen: string[] = [];
    const error = await rejectionOf(
      clock.run(
        (async () => {
          for await (const ev of stream) if (ev.type === 'text-delta') seen.push(ev.delta);
        })(),
      ),
    );
    expect(seen).toEqual(['partial ', 'answer']);
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error.kind).toBe('stream_interrupted');
    expect(error.partialText).toBe('partial answer');
    expect(error.target).toBe('a');
    expect(error.cause.kind).toBe('connection');
    expect(b.callCount).toBe(0);
    expect(await rejectionOf(stream.response)).toBe(error);
  });

  it('a stream that ends without finish after content is interrupted; before content it falls back', async () => {
    const clock = new VirtualClock();
    const cut = scriptedStream([{ type: 'text-delta', delta: 'x' }]);
    const silent = scriptedStream([]);
    const good = new MockAdapter(() => ({ stream: ['ok'] }));
    const r1 = new Router({
      targets: targetsOf({ cut, good }),
      strategy: first,
      clock,
    });
    expect((await rejectionOf(clock.run(r1.stream(ask()).response))).kind).toBe('stream_interrupted');
    const r2 = new Router({
      targets: targetsOf({ silent, good }),
      strategy: first,
      clock,
    });
    expect((await clock.run(r2.stream(ask()).response)).target).toBe('good');
  });

  it('passes tool calls and reasoning through, and assembles them in the response', async () => {
    const clock = new VirtualClock();
    const adapter = scriptedStream([
      { type: 'response-metadata', responseId: 'resp_1', modelId: 'served-model' },
      { type: 'warnings', warnings: [{ type: 'other', message: 'note' }] },
      { type: 'reasoning-delta', delta: 'think' },
      { type: 'text-delta', delta: '' },
      { type: 'text-delta', delta: 'Calling.' },
      { type: 'tool-input-start', toolCallId: 'c1', toolName: 'get' },
      { type: 'tool-input-delta', toolCallId: 'c1', delta: '{"a":1}' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'get', input: '{"a":1}' },
      {
        type: 'finish',
        finishReason: 'tool-calls',
        usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
      },
    ]);
    const router = new Router({
      targets: [{ id: 't', adapter, model: 'm', price: { inputPerMTok: 1, outputPerMTok: 2 } }],
      clock,
    });
    const stream = router.stream(ask());
    const seen = await clock.run(drain(stream));
    expect(seen.map((e) => e.type)).toEqual([
      'reasoning-delta',
      'text-delta',
      'tool-input-start',
      'tool-input-delta',
      'tool-call',
      'finish',
    ]);
    const res = await stream.response;
    expect(res).toMatchObject({
      text: 'Calling.',
      toolCalls: [{ toolCallId: 'c1', toolName: 'get', input: '{"a":1}' }],
      finishReason: 'tool-calls',
      model: 'served-model',
      responseId: 'resp_1',
      warnings: [{ type: 'other', message: 'note' }],
    });
    expect(res.content[0]).toEqual({ type: 'reasoning', text: 'think' });
    expect(res.costUsd).toBeCloseTo((3 * 1 + 4 * 2) / 1e6, 12);
  });

  it('breaking out of the loop cancels the call and aborts the upstream attempt', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter([{ stream: ['1', '2', '3', '4'], chunkDelayMs: 10 }]);
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm' }], clock });
    const stream = router.stream(ask());
    const got: string[] = [];
    await clock.run(
      (async () => {
        for await (const ev of stream) {
          if (ev.type === 'text-delta') got.push(ev.delta);
          if (got.length === 2) break;
        }
      })(),
    );
    const error = await rejectionOf(clock.run(stream.response));
    expect(got).toEqual(['1', '2']);
    expect(['aborted', 'stream_interrupted']).toContain(error.kind);
    expect(a.calls[0]!.result).toBe('aborted');
  });

  it('buffers events so that awaiting only the response works', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter([{ stream: ['a', 'b'] }]);
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm' }], clock });
    const stream = router.stream(ask());
    expect((await clock.run(stream.response)).text).toBe('ab');
    const late = await drain(stream);
    expect(late.map((e) => e.type)).toEqual(['text-delta', 'text-delta', 'finish']);
  });

  it('textStream yields only text, and a stream can be iterated once', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter([{ stream: ['x', 'y'] }]);
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm' }], clock });
    const stream = router.stream(ask());
    const texts: string[] = [];
    await clock.run(
      (async () => {
        for await (const t of stream.textStream) texts.push(t);
      })(),
    );
    expect(texts).toEqual(['x', 'y']);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/only once/);
  });

  it('idle timeout: a stalled attempt before content falls back; after content it is interrupted', async () => {
    const clock = new VirtualClock();
    const stall = new MockAdapter([{ stream: ['late'], chunkDelayMs: 5000 }]);
    const good = new MockAdapter(() => ({ stream: ['ok'] }));
    const router = new Router({
      targets: targetsOf({ stall, good }),
      strategy: first,
      streamIdleTimeoutMs: 1000,
      clock,
    });
    const res = await clock.run(router.stream(ask()).response);
    expect(res.target).toBe('good');
    expect(res.attempts[0]).toMatchObject({ target: 'stall', errorKind: 'timeout' });
    expect(clock.now()).toBe(1000);
    expect(stall.calls[0]!.result).toBe('aborted'); // the stalled upstream request was aborted, not left open

    const clock2 = new VirtualClock();
    const slowAfterFirst = new MockAdapter([{ stream: ['a', 'b'], chunkDelayMs: 600 }]);
    const r2 = new Router({
      targets: [{ id: 's', adapter: slowAfterFirst, model: 'm' }],
      streamIdleTimeoutMs: 500,
      retry: { maxAttempts: 1 },
      clock: clock2,
    });
    const error = await rejectionOf(clock2.run(r2.stream(ask()).response));
    expect(error.kind).toBe('timeout'); // nothing within 500 ms: the first delta comes at 600
    const r3 = new Router({
      targets: [
        { id: 's', adapter: new MockAdapter([{ stream: ['a', 'b', 'c'], chunkDelayMs: 400 }]), model: 'm' },
      ],
      streamIdleTimeoutMs: 1000,
      clock: clock2,
    });
    expect((await clock2.run(r3.stream(ask()).response)).text).toBe('abc'); // 400 ms gaps never trip a 1 s idle timeout
  });

  it('validation errors reject the iteration and the response, never throw synchronously', async () => {
    const router = new Router({
      targets: [{ id: 'a', adapter: new MockAdapter([]), model: 'm' }],
      clock: systemClock,
    });
    const stream = router.stream({ messages: [] });
    const error = await rejectionOf(drain(stream));
    expect(error.kind).toBe('invalid_request');
    expect(await rejectionOf(stream.response)).toBe(error);
  });
});

describe('router.stream: return() while a next() is pending', () => {
  it('ends the pending next() with done instead of leaving it hanging, and cancels the call', async () => {
    const clock = new VirtualClock();
    const adapter = new MockAdapter(() => ({ text: 'late', delayMs: 10_000 }));
    const router = new Router({ targets: [{ id: 'a', adapter, model: 'm' }], clock });
    const stream = router.stream({ messages: [{ role: 'user', content: 'hi' }] });
    const iterator = stream[Symbol.asyncIterator]();
    const pending = iterator.next();
    await clock.advance(1);
    await iterator.return?.();
    expect(await pending).toEqual({ value: undefined, done: true });
    await clock.run(stream.response.catch(() => undefined));
    expect(adapter.calls[0]?.result).toBe('aborted');
  });
});
