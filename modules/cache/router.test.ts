/** The cache through a real Router with mock adapters. */
import { describe, expect, it } from 'vitest';
import { type CompletionRequest, isSwitchyardError, Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { defaultSettings } from '../default-settings/index.js';
import { isCacheHit, responseCache } from './index.js';

const request: CompletionRequest = { messages: [{ role: 'user', content: 'hi' }], temperature: 0 };
const cache = () => responseCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 1e6 });

function routerWith(adapter: MockAdapter, ...middleware: ReturnType<typeof cache>[]) {
  return new Router({
    targets: [{ id: 'a', adapter, model: 'model-a', aliases: ['fast'] }],
    retry: { maxAttempts: 2, baseDelayMs: 1 },
    middleware,
  });
}

async function readAll(stream: ReturnType<Router['stream']>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const event of stream) if (event.type === 'text-delta') deltas.push(event.delta);
  return deltas;
}

describe('responseCache through a Router', () => {
  it('answers a repeated completion without calling the adapter', async () => {
    const adapter = new MockAdapter((_r, { call }) => ({ text: `answer ${call}` }));
    const router = routerWith(adapter, cache());
    const first = await router.complete(request);
    const second = await router.complete(request);
    expect(adapter.callCount).toBe(1);
    expect(isCacheHit(first)).toBe(false);
    expect(isCacheHit(second)).toBe(true);
    expect(second.text).toBe('answer 1');
    expect(second.requestId).not.toBe(first.requestId);
    expect(second.requestId).toMatch(/^r\d+-\d+$/);
    expect(second.attempts).toEqual([]);
    expect((await router.complete({ ...request, temperature: 0.5 })).text).toBe('answer 2');
  });

  it('replays a stream, finish last, and stream.response is the hit', async () => {
    const adapter = new MockAdapter(() => ({ stream: ['a', 'b', 'c'] }));
    const router = routerWith(adapter, cache());
    expect(await readAll(router.stream(request))).toEqual(['a', 'b', 'c']);
    const replay = router.stream(request);
    expect(await readAll(replay)).toEqual(['a', 'b', 'c']);
    const res = await replay.response;
    expect(isCacheHit(res)).toBe(true);
    expect(res.text).toBe('abc');
    expect(adapter.callCount).toBe(1);
    expect(isCacheHit(await router.complete(request))).toBe(true);
  });

  it('caches the answer after a retry, and never an error or a broken stream', async () => {
    const adapter = new MockAdapter([
      { error: { status: 503 } },
      { text: 'second try' },
      { error: { status: 400 } },
      { error: { status: 400 } },
      { stream: ['par', 'tial'], error: { status: 500 } },
      { stream: ['whole'] },
    ]);
    const router = routerWith(adapter, cache());
    expect((await router.complete(request)).text).toBe('second try');
    expect((await router.complete(request)).text).toBe('second try');
    expect(adapter.callCount).toBe(2);

    const other = { ...request, seed: 7 };
    for (let i = 0; i < 2; i++) {
      const error = await router.complete(other).catch((e: unknown) => e);
      expect(isSwitchyardError(error) && error.kind).toBe('invalid_request');
    }
    expect(adapter.callCount).toBe(4);

    const streamed = { ...request, seed: 8 };
    await expect(readAll(router.stream(streamed))).rejects.toMatchObject({ kind: 'stream_interrupted' });
    expect(await readAll(router.stream(streamed))).toEqual(['whole']);
    expect(adapter.callCount).toBe(6);
  });

  it('does not cache a stream whose consumer stopped reading before the end', async () => {
    const adapter = new MockAdapter(() => ({ stream: ['a', 'b', 'c'], chunkDelayMs: 5 }));
    const router = routerWith(adapter, cache());
    for await (const event of router.stream(request)) if (event.type === 'text-delta') break;
    expect(await readAll(router.stream(request))).toEqual(['a', 'b', 'c']);
    expect(adapter.callCount).toBe(2);
  });

  it('keys on the request after every transform (a default temperature 0 makes it cacheable)', async () => {
    const adapter = new MockAdapter(() => ({ text: 'ok' }));
    const router = new Router({
      targets: [{ id: 'a', adapter, model: 'model-a' }],
      middleware: [cache(), defaultSettings({ all: { temperature: 0 } })],
    });
    const unset = { messages: request.messages };
    await router.complete(unset);
    expect(isCacheHit(await router.complete(unset))).toBe(true);
    expect(adapter.callCount).toBe(1);
  });
});
