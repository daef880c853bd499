import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TPM_OUTPUT_ESTIMATE,
  MemoryStateStore,
  type QuotaStateHandle,
  Router,
  type RouterOptions,
  type StateStore,
} from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { ask, constructionError } from '../helpers/calls.js';

/** 'x'.repeat(400) is estimated at 100 input tokens (characters ÷ 4). */
const PROMPT = 'x'.repeat(400);

function limited(
  a: MockAdapter,
  extra: Partial<RouterOptions> = {},
  store: StateStore = new MemoryStateStore(),
) {
  const clock = new VirtualClock();
  const b = new MockAdapter(() => ({ text: 'b', delayMs: 10 }));
  const router = new Router({
    targets: [
      { id: 'a', adapter: a, model: 'm', tokensPerMinute: 1_000, priority: 0 },
      { id: 'b', adapter: b, model: 'm', priority: 1 },
    ],
    strategy: 'priority',
    clock,
    store,
    breaker: false,
    ...extra,
  });
  return { clock, router, b, store };
}

const served = (r: { target: string }) => r.target;

describe('tokensPerMinute', () => {
  it('counts each attempt’s estimate at once: concurrent calls overflow to the next target', async () => {
    const a = new MockAdapter(() => ({
      text: 'a',
      delayMs: 1_000,
      usage: { inputTokens: 100, outputTokens: 100 },
    }));
    const { clock, router } = limited(a);
    // Each counts 100 + 200: three fit below 1,000 (0, 300, 600 → 900), the fourth is admitted
    // at 900 < 1,000 (one call may overshoot by its size), the fifth finds the window full.
    const calls = Array.from({ length: 5 }, () => router.complete(ask(PROMPT, { maxOutputTokens: 200 })));
    const targets = (await clock.run(Promise.all(calls))).map(served);
    expect(targets).toEqual(['a', 'a', 'a', 'a', 'b']);
  });

  it('corrects the estimate to the real usage when the attempt ends, so more calls fit', async () => {
    const a = new MockAdapter(() => ({
      text: 'a',
      delayMs: 10,
      usage: { inputTokens: 100, outputTokens: 1 },
    }));
    const { clock, router, store } = limited(a);
    const targets: string[] = [];
    // Estimated 100 + 900 each (the window would be full after one); really 101 each.
    for (let i = 0; i < 9; i++) {
      targets.push(served(await clock.run(router.complete(ask(PROMPT, { maxOutputTokens: 900 })))));
    }
    expect(targets).toEqual(Array(9).fill('a'));
    expect(store.quota?.('tpm:a', 60_000).read(clock.now()).used).toBe(909);
  });

  it('a failed attempt gives its estimate back', async () => {
    const a = new MockAdapter([{ error: { status: 503 } }], { whenScriptEnds: 'repeat-last' });
    const { clock, router, store } = limited(a, { retry: { maxAttempts: 2 } });
    const response = await clock.run(router.complete(ask(PROMPT, { maxOutputTokens: 900 })));
    expect(response.target).toBe('b');
    expect(store.quota?.('tpm:a', 60_000).read(clock.now()).used).toBe(0);
  });

  it('a full window keeps the target out until its tokens leave, then it serves again', async () => {
    const a = new MockAdapter(() => ({
      text: 'a',
      delayMs: 10,
      usage: { inputTokens: 600, outputTokens: 600 },
    }));
    const { clock, router } = limited(a);
    const first = await clock.run(router.complete(ask(PROMPT)));
    expect(first.target).toBe('a');
    expect((await clock.run(router.complete(ask(PROMPT)))).target).toBe('b');
    await clock.advance(60_000);
    expect((await clock.run(router.complete(ask(PROMPT)))).target).toBe('a');
  });

  it('without maxOutputTokens the estimate is the prompt plus the default output allowance', async () => {
    const a = new MockAdapter(() => ({
      text: 'a',
      delayMs: 1_000,
      usage: { inputTokens: 1, outputTokens: 1 },
    }));
    const { clock, router, store } = limited(a);
    const pending = router.complete(ask(PROMPT));
    await clock.advance(1);
    expect(store.quota?.('tpm:a', 60_000).read(clock.now()).used).toBe(100 + DEFAULT_TPM_OUTPUT_ESTIMATE);
    await clock.run(pending);
  });

  it('works over a store whose quota answers asynchronously', async () => {
    const memory = new MemoryStateStore();
    const slow: StateStore = {
      target: (id, policy) => memory.target(id, policy),
      quota(id, windowMs): QuotaStateHandle {
        const inner = memory.quota(id, windowMs);
        return {
          take: (now, amount, limit) => Promise.resolve().then(() => inner.take(now, amount, limit)),
          adjust: (now, takenAt, delta) => Promise.resolve().then(() => inner.adjust(now, takenAt, delta)),
          read: (now) => inner.read(now),
        };
      },
    };
    const a = new MockAdapter(() => ({
      text: 'a',
      delayMs: 1_000,
      usage: { inputTokens: 100, outputTokens: 100 },
    }));
    const { clock, router } = limited(a, {}, slow);
    const calls = Array.from({ length: 5 }, () => router.complete(ask(PROMPT, { maxOutputTokens: 200 })));
    const targets = (await clock.run(Promise.all(calls))).map(served);
    expect(targets).toEqual(['a', 'a', 'a', 'a', 'b']);
  });

  it('is a config error naming the field when invalid or when the store cannot count tokens', () => {
    const adapter = new MockAdapter(() => ({ text: 'x' }));
    const bad = constructionError({ targets: [{ id: 'a', adapter, model: 'm', tokensPerMinute: 0 }] });
    expect(bad.kind).toBe('config');
    expect(bad.message).toContain('targets[0].tokensPerMinute');
    const noQuota: StateStore = { target: (id, policy) => new MemoryStateStore().target(id, policy) };
    const error = constructionError({
      targets: [{ id: 'a', adapter, model: 'm', tokensPerMinute: 10 }],
      store: noQuota,
    });
    expect(error.kind).toBe('config');
    expect(error.message).toContain('targets[0].tokensPerMinute');
  });
});
