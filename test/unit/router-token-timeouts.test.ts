import { describe, expect, it } from 'vitest';
import { type Adapter, type AdapterStreamPart, Router, sleep } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { ask, constructionError, first, rejectionOf, targetsOf } from '../helpers/calls.js';

/**
 * A stream adapter that plays `script`: `{ wait }` sleeps on the router's clock (ending at the
 * abort), a string is a text delta, `meta` a content-free event. Listens for the abort through
 * `options.signal`, or only through `options.cancellation` (never reading `signal`) when
 * `through` says so; counts the aborts and keeps their reasons' kinds.
 */
function scripted(
  script: ReadonlyArray<{ wait: number } | string | 'meta'>,
  through: 'signal' | 'cancellation' = 'signal',
): Adapter & { aborted: number; reasons: (string | undefined)[] } {
  const adapter = {
    provider: 'scripted',
    capabilities: { streaming: true, tools: false, json: false as const, images: false },
    aborted: 0,
    reasons: [] as (string | undefined)[],
    complete: () => Promise.reject(new Error('streams only')),
    async *stream(_request, options): AsyncIterable<AdapterStreamPart> {
      const abort = through === 'signal' ? options.signal : options.cancellation!;
      abort.addEventListener(
        'abort',
        () => {
          adapter.aborted++;
          adapter.reasons.push((abort.reason as { kind?: string } | undefined)?.kind);
        },
        { once: true },
      );
      for (const step of script) {
        if (typeof step === 'object') await sleep(options.clock, step.wait, abort);
        else if (step === 'meta') yield { type: 'response-metadata', modelId: 'm' };
        else yield { type: 'text-delta', delta: step };
      }
      yield {
        type: 'finish',
        finishReason: 'stop',
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
      };
    },
  } satisfies Adapter & { aborted: number; reasons: (string | undefined)[] };
  return adapter;
}

/** Metadata every 100 ms for 5 s, then text: alive for an idle timeout, silent for a first-token one. */
const chatty = () =>
  scripted([...Array.from({ length: 50 }, () => [{ wait: 100 }, 'meta'] as const).flat(), 'late']);

describe('first-token and inter-token timeouts', () => {
  it('first token: an attempt that sends events but no content in time falls back', async () => {
    const clock = new VirtualClock();
    const slow = chatty();
    const good = new MockAdapter(() => ({ stream: ['ok'] }));
    const router = new Router({
      targets: targetsOf({ slow, good }),
      strategy: first,
      clock,
      streamIdleTimeoutMs: 500, // never fires: an event comes every 100 ms
      firstTokenTimeoutMs: 1000,
    });
    const res = await clock.run(router.stream(ask()).response);
    expect(res.target).toBe('good');
    expect(res.text).toBe('ok');
    expect(res.attempts[0]).toMatchObject({ target: 'slow', outcome: 'failure', errorKind: 'timeout' });
    expect(clock.now()).toBe(1000);
    expect(slow.aborted).toBe(1); // the upstream request was aborted, not left open
  });

  it('inter-token: a stall after content ends the stream as stream_interrupted with the partial text', async () => {
    const clock = new VirtualClock();
    const stall = scripted([{ wait: 50 }, 'Hel', { wait: 200 }, 'lo', { wait: 5000 }, ' world']);
    const other = new MockAdapter(() => ({ stream: ['never'] }));
    const router = new Router({
      targets: targetsOf({ stall, other }),
      strategy: first,
      clock,
      interTokenTimeoutMs: 1000,
    });
    const stream = router.stream(ask());
    const seen: string[] = [];
    const error = await rejectionOf(
      clock.run(
        (async () => {
          for await (const e of stream) if (e.type === 'text-delta') seen.push(e.delta);
        })(),
      ),
    );
    expect(error.kind).toBe('stream_interrupted');
    expect(error.partialText).toBe('Hello');
    expect(error.cause.kind).toBe('timeout');
    expect(error.message).toContain('sent no content for 1000 ms after its last content');
    expect(seen).toEqual(['Hel', 'lo']);
    expect(clock.now()).toBe(1250);
    expect(other.callCount).toBe(0); // never restarted elsewhere after content
    expect(stall.aborted).toBe(1);
  });

  it('gaps shorter than the windows never trip them', async () => {
    const clock = new VirtualClock();
    const steady = scripted([{ wait: 900 }, 'a', { wait: 900 }, 'b', { wait: 900 }, 'c']);
    const router = new Router({
      targets: [{ id: 's', adapter: steady, model: 'm' }],
      clock,
      firstTokenTimeoutMs: 1000,
      interTokenTimeoutMs: 1000,
    });
    expect((await clock.run(router.stream(ask()).response)).text).toBe('abc');
    expect(steady.aborted).toBe(0);
  });

  it('with a stall timeout, a stall, the caller and the deadline each reach an adapter listening through `cancellation`', async () => {
    const run = async (options: { firstTokenTimeoutMs?: number; timeoutMs?: number; abortAt?: number }) => {
      const clock = new VirtualClock();
      const adapter = scripted([{ wait: 60_000 }, 'late'], 'cancellation');
      const router = new Router({
        targets: [{ id: 'q', adapter, model: 'm' }],
        clock,
        retry: { maxAttempts: 1 },
        streamIdleTimeoutMs: 30_000,
        ...(options.firstTokenTimeoutMs ? { firstTokenTimeoutMs: options.firstTokenTimeoutMs } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      });
      const caller = new AbortController();
      if (options.abortAt) clock.setTimeout(() => caller.abort(), options.abortAt);
      const error = await rejectionOf(
        clock.run(router.stream(ask('hi', { signal: caller.signal })).response),
      );
      return { error, at: clock.now(), aborts: adapter.reasons };
    };
    expect(await run({ firstTokenTimeoutMs: 1000 })).toMatchObject({
      error: { kind: 'timeout' },
      at: 1000,
      aborts: ['timeout'],
    });
    expect(await run({ abortAt: 300 })).toMatchObject({
      error: { kind: 'aborted' },
      at: 300,
      aborts: ['aborted'],
    });
    expect(await run({ timeoutMs: 700 })).toMatchObject({
      error: { kind: 'timeout' },
      at: 700,
      aborts: ['timeout'],
    });
  });

  it('a call overrides its target, which overrides the router', async () => {
    const run = async (target: object, request: object) => {
      const clock = new VirtualClock();
      const router = new Router({
        targets: [{ id: 's', adapter: chatty(), model: 'm', ...target }],
        clock,
        retry: { maxAttempts: 1 },
        firstTokenTimeoutMs: 1000,
      });
      await rejectionOf(clock.run(router.stream(ask('hi', request)).response));
      return clock.now();
    };
    expect(await run({}, {})).toBe(1000);
    expect(await run({ firstTokenTimeoutMs: 300 }, {})).toBe(300);
    expect(await run({ firstTokenTimeoutMs: 300 }, { firstTokenTimeoutMs: 2000 })).toBe(2000);
  });

  it('refuses a timeout that is not a positive number, naming the field', async () => {
    const targets = [{ id: 's', adapter: new MockAdapter([]), model: 'm' }];
    expect(constructionError({ targets, firstTokenTimeoutMs: 0 }).message).toContain('firstTokenTimeoutMs');
    expect(constructionError({ targets: [{ ...targets[0], interTokenTimeoutMs: -5 }] }).message).toContain(
      'targets[0].interTokenTimeoutMs',
    );
    const router = new Router({ targets });
    const error = await rejectionOf(router.stream(ask('hi', { interTokenTimeoutMs: Number.NaN })).response);
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain('interTokenTimeoutMs');
  });
});
