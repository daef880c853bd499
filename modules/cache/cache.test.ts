import { describe, expect, it, vi } from 'vitest';
import {
  type CompletionRequest,
  type CompletionResponse,
  isSwitchyardError,
  type StreamEvent,
  SwitchyardError,
} from '../../src/index.js';
import { ManualClock } from '../../strategies/testing.js';
import { callContext, collect, eventsOf, iterate, responseOf } from '../../test/helpers/middleware.js';
import {
  type CacheEntry,
  type CacheStore,
  isCacheHit,
  MemoryCacheStore,
  type ResponseCacheOptions,
  responseCache,
} from './index.js';

const request: CompletionRequest = { messages: [{ role: 'user', content: 'hi' }], temperature: 0 };

function setup(options: Partial<ResponseCacheOptions> = {}) {
  const clock = new ManualClock(1000);
  const cache = responseCache({
    ttlMs: 60_000,
    ...(options.store === undefined ? { maxEntries: 10, maxBytes: 1e6 } : {}),
    clock,
    ...options,
  });
  let calls = 0;
  /** One completion call through the cache; `next` answers `answer #n`. */
  const complete = (req: CompletionRequest = request, next?: () => Promise<CompletionResponse>) =>
    cache.wrapCall!(
      callContext(req),
      next ??
        (async () => {
          calls++;
          clock.advance(50);
          return responseOf(`answer ${calls}`, { providerMetadata: { openai: { fingerprint: 'fp' } } });
        }),
    );
  /** One streamed call through the cache; `next` streams `deltas`. */
  const stream = (req: CompletionRequest = request, deltas = ['a', 'b'], error?: unknown) =>
    cache.wrapStream!(callContext(req, { stream: true }), () => {
      calls++;
      // A broken stream ends in its error, without `finish`.
      return iterate(error === undefined ? eventsOf(deltas) : eventsOf(deltas).slice(0, -1), error);
    });
  return { cache, clock, complete, stream, calls: () => calls };
}

describe('responseCache: completions', () => {
  it('answers a repeated request from the cache, marked as a hit with a fresh id and latency', async () => {
    const { complete, calls, clock } = setup();
    const first = await complete();
    expect(isCacheHit(first)).toBe(false);
    clock.advance(10);
    const second = await complete();
    expect(calls()).toBe(1);
    expect(second.text).toBe('answer 1');
    expect(isCacheHit(second)).toBe(true);
    expect(second.providerMetadata).toEqual({ openai: { fingerprint: 'fp' }, cache: { hit: true } });
    expect(second.requestId).not.toBe(first.requestId);
    expect(second.requestId).toMatch(/^test-/);
    expect(second.latencyMs).toBe(0);
    expect(second.attempts).toEqual([]);
  });

  it('is named response-cache and uses the call’s request id', async () => {
    const { cache, complete } = setup();
    expect(cache.name).toBe('response-cache');
    await complete();
    const res = await cache.wrapCall!(callContext(request, { requestId: 'r9-1' }), () => {
      throw new Error('not called');
    });
    expect(res.requestId).toBe('r9-1');
  });

  it('does not cache sampled requests (temperature above 0 or unset) unless cacheSampled', async () => {
    const sampled = setup();
    await sampled.complete({ ...request, temperature: 0.7 });
    await sampled.complete({ ...request, temperature: 0.7 });
    await sampled.complete({ messages: request.messages });
    await sampled.complete({ messages: request.messages });
    expect(sampled.calls()).toBe(4);
    const opted = setup({ cacheSampled: true });
    await opted.complete({ messages: request.messages });
    const hit = await opted.complete({ messages: request.messages });
    expect(opted.calls()).toBe(1);
    expect(isCacheHit(hit)).toBe(true);
  });

  it('keys on the question, not on tags, metadata, headers or timeouts', async () => {
    const { complete, calls } = setup();
    await complete({ ...request, tags: ['a'], metadata: { user: 1 }, headers: { h: '1' }, timeoutMs: 5 });
    await complete({ ...request, tags: ['b'] });
    expect(calls()).toBe(1);
    await complete({ ...request, model: 'other' });
    expect(calls()).toBe(2);
  });

  it('never caches errors or error finishes', async () => {
    const { complete, calls } = setup();
    const boom = new SwitchyardError('server', 'down');
    await expect(complete(request, () => Promise.reject(boom))).rejects.toBe(boom);
    await complete(request, async () => responseOf('cut', { finishReason: 'error' }));
    await complete();
    expect(calls()).toBe(1);
    expect(isCacheHit(await complete())).toBe(true);
  });

  it('forgets an answer after ttlMs', async () => {
    const { complete, calls, clock } = setup({ ttlMs: 1000 });
    await complete(); // stored when the answer came, 50 ms into the call
    clock.advance(999);
    expect(isCacheHit(await complete())).toBe(true);
    clock.advance(1);
    expect(isCacheHit(await complete())).toBe(false);
    expect(calls()).toBe(2);
  });

  it('keeps a frozen copy: neither the caller nor a hit can change what is cached', async () => {
    const { complete } = setup();
    const original = responseOf('mine', { providerMetadata: { p: { n: 1 } } });
    const first = await complete(request, async () => original);
    expect(first).toBe(original);
    expect(Object.isFrozen(original)).toBe(false);
    (original as { text: string }).text = 'changed';
    const hit = await complete();
    expect(hit.text).toBe('mine');
    expect(Object.isFrozen(hit.content)).toBe(true);
    expect(Object.isFrozen(hit.providerMetadata?.p)).toBe(true);
    expect(() => {
      (hit.usage as { inputTokens: number }).inputTokens = 0;
    }).toThrow(TypeError);
    expect((await complete()).usage.inputTokens).toBe(3);
  });

  it('does not cache a request it cannot key, nor a response it cannot copy', async () => {
    const { complete, calls } = setup();
    const odd = { ...request, providerOptions: { x: { f: () => 1 } } };
    await complete(odd);
    await complete(odd);
    expect(calls()).toBe(2);
    const fn = () => responseOf('x', { providerMetadata: { f: () => 1 } });
    await complete(request, async () => fn());
    expect(isCacheHit(await complete())).toBe(false);
  });

  it('takes a custom key; undefined means "do not cache"', async () => {
    const { complete, calls } = setup({
      key: (r) => (r.metadata?.nocache ? undefined : `k:${JSON.stringify(r.messages)}`),
    });
    await complete({ ...request, model: 'a' });
    expect(isCacheHit(await complete({ ...request, model: 'b' }))).toBe(true);
    await complete({ ...request, metadata: { nocache: true } });
    expect(calls()).toBe(2);
  });
});

describe('responseCache: streams', () => {
  it('passes a miss through and replays it on a hit, finish last with a fresh response', async () => {
    const { stream, calls } = setup();
    const first = await collect(stream());
    expect(first.map((e) => e.type)).toEqual(['text-delta', 'text-delta', 'finish']);
    const second = await collect(stream());
    expect(calls()).toBe(1);
    expect(second.slice(0, 2)).toEqual(first.slice(0, 2));
    const finish = second[2] as Extract<StreamEvent, { type: 'finish' }>;
    expect(finish.type).toBe('finish');
    expect(finish.response.text).toBe('ab');
    expect(isCacheHit(finish.response)).toBe(true);
    expect(finish.response.requestId).toMatch(/^test-/);
    expect(finish.usage).toEqual(finish.response.usage);
  });

  it('serves a completion from a cached stream, and a stream only from a cached stream', async () => {
    const { stream, complete, calls } = setup();
    await collect(stream());
    const res = await complete();
    expect(isCacheHit(res)).toBe(true);
    expect(res.text).toBe('ab');
    expect(calls()).toBe(1);

    const other = setup();
    await other.complete();
    const events = await collect(other.stream()); // a miss: the provider streams it
    expect(other.calls()).toBe(2);
    expect(isCacheHit((events.at(-1) as Extract<StreamEvent, { type: 'finish' }>).response)).toBe(false);
    await collect(other.stream());
    expect(other.calls()).toBe(2);
  });

  it('stores nothing for a broken stream or one the consumer stopped', async () => {
    const { stream, calls } = setup();
    const broken = new SwitchyardError('stream_interrupted', 'cut', { partialText: 'a' });
    await expect(collect(stream(request, ['a'], broken))).rejects.toBe(broken);
    for await (const event of stream()) {
      expect(event.type).toBe('text-delta');
      break;
    }
    await collect(stream());
    expect(calls()).toBe(3);
    await collect(stream());
    expect(calls()).toBe(3);
  });

  it('stores the stream before passing finish on, so a consumer that stops at finish still fills it', async () => {
    const { stream, calls } = setup();
    for await (const event of stream()) {
      if (event.type === 'finish') break;
    }
    await collect(stream());
    expect(calls()).toBe(1);
  });

  it('passes sampled streams straight through', async () => {
    const { stream, calls } = setup();
    await collect(stream({ ...request, temperature: 1 }));
    await collect(stream({ ...request, temperature: 1 }));
    expect(calls()).toBe(2);
  });
});

describe('responseCache: stores', () => {
  /** A store that keeps JSON text behind promises, as a shared store would. */
  function asyncStore(): CacheStore & { data: Map<string, string> } {
    const data = new Map<string, string>();
    return {
      data,
      get: async (key) => (data.has(key) ? (JSON.parse(data.get(key)!) as CacheEntry) : undefined),
      set: async (key, entry) => void data.set(key, JSON.stringify(entry)),
      delete: async (key) => void data.delete(key),
    };
  }

  it('works with an async store', async () => {
    const store = asyncStore();
    const { complete, stream, calls, cache } = setup({ store });
    expect(cache.store).toBe(store);
    await complete();
    await new Promise((r) => setImmediate(r));
    expect(isCacheHit(await complete())).toBe(true);
    await collect(stream({ ...request, seed: 1 }));
    await new Promise((r) => setImmediate(r));
    const replay = await collect(stream({ ...request, seed: 1 }));
    expect(replay.map((e) => (e.type === 'text-delta' ? e.delta : e.type))).toEqual(['a', 'b', 'finish']);
    expect(calls()).toBe(2);
  });

  it('goes on without the cache when the store fails, and says so', async () => {
    const onStoreError = vi.fn();
    const failing: CacheStore = {
      get: () => Promise.reject(new Error('get down')),
      set: () => {
        throw new Error('set down');
      },
      delete: () => {},
    };
    const { complete, calls } = setup({ store: failing, onStoreError });
    expect((await complete()).text).toBe('answer 1');
    expect((await complete()).text).toBe('answer 2');
    expect(calls()).toBe(2);
    expect(onStoreError).toHaveBeenCalledWith(expect.objectContaining({ message: 'get down' }), 'get');
    expect(onStoreError).toHaveBeenCalledWith(expect.objectContaining({ message: 'set down' }), 'set');

    const rejecting = setup({
      store: { get: () => undefined, set: () => Promise.reject(new Error('later')), delete: () => {} },
      onStoreError,
    });
    await rejecting.complete();
    await new Promise((r) => setImmediate(r));
    expect(onStoreError).toHaveBeenCalledWith(expect.objectContaining({ message: 'later' }), 'set');
  });

  it('drops an entry that is not a cache entry and treats it as a miss', async () => {
    const store = asyncStore();
    const { complete, calls } = setup({ store });
    await complete();
    await new Promise((r) => setImmediate(r));
    const [key] = [...store.data.keys()];
    store.data.set(key!, JSON.stringify({ response: { nope: 1 } }));
    expect(isCacheHit(await complete())).toBe(false);
    expect(calls()).toBe(2);
    store.data.set(key!, JSON.stringify({ response: responseOf('x'), events: [{ type: 'text-delta' }] }));
    expect(isCacheHit(await complete())).toBe(false);
    await new Promise((r) => setImmediate(r));
    store.data.set(key!, 'null');
    expect(isCacheHit(await complete())).toBe(false);
  });

  it('evicts by the memory store’s bounds', async () => {
    const store = new MemoryCacheStore({ maxEntries: 1, maxBytes: 1e6 });
    const { complete, calls } = setup({ store });
    await complete({ ...request, seed: 1 });
    await complete({ ...request, seed: 2 });
    await complete({ ...request, seed: 1 });
    expect(calls()).toBe(3);
    expect(store.size).toBe(1);
  });
});

describe('responseCache: options', () => {
  const store: CacheStore = { get: () => undefined, set: () => {}, delete: () => {} };
  it.each([
    [{ maxEntries: 1, maxBytes: 1 }, 'responseCache: ttlMs: expected a positive number'],
    [{ ttlMs: 0, maxEntries: 1, maxBytes: 1 }, 'ttlMs'],
    [{ ttlMs: 1, maxBytes: 1 }, 'responseCache: maxEntries: required without a store'],
    [{ ttlMs: 1, maxEntries: 1 }, 'responseCache: maxBytes: required'],
    [{ ttlMs: 1, maxEntries: 0, maxBytes: 1 }, 'responseCache: maxEntries: expected a positive integer'],
    [{ ttlMs: 1, store, maxEntries: 5 }, 'responseCache: maxEntries: bounds the default memory store'],
    [{ ttlMs: 1, store: {} }, 'responseCache: store: expected a CacheStore'],
    [{ ttlMs: 1, store, cacheSampled: 'yes' }, 'responseCache: cacheSampled: expected a boolean'],
    [{ ttlMs: 1, store, key: 'k' }, 'responseCache: key: expected a function'],
    [{ ttlMs: 1, store, clock: {} }, 'responseCache: clock'],
    [{ ttlMs: 1, store, onStoreError: 1 }, 'responseCache: onStoreError'],
    [{ ttlMs: 1, store, ttl: 5 }, 'responseCache: ttl: unknown option'],
    [null, 'responseCache: options'],
  ])('rejects %j with a config error naming the field', (options, message) => {
    let error: unknown;
    try {
      responseCache(options as never);
    } catch (e) {
      error = e;
    }
    expect(isSwitchyardError(error) && error.kind).toBe('config');
    expect((error as Error).message).toContain(message);
  });
});
