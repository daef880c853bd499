import {
  type CallContext,
  type Clock,
  type CompletionRequest,
  type CompletionResponse,
  type Middleware,
  type NextCall,
  type NextStream,
  type StreamEvent,
  SwitchyardError,
  systemClock,
} from '../../src/index.js';
import { requestKey } from './key.js';
import { type CacheEntry, type CacheStore, MemoryCacheStore } from './store.js';

/** Options of {@link responseCache}. */
export interface ResponseCacheOptions {
  /** How long an answer is served from the cache, in ms. Positive. */
  readonly ttlMs: number;
  /** Where answers are kept. @default a new {@link MemoryCacheStore} bounded by `maxEntries` and `maxBytes` */
  readonly store?: CacheStore;
  /** Bound of the default memory store (required without `store`, not allowed with it). */
  readonly maxEntries?: number;
  /** Bound of the default memory store, in bytes (required without `store`, not allowed with it). */
  readonly maxBytes?: number;
  /**
   * Cache sampled answers too. By default only requests with `temperature: 0` are cached: with
   * a temperature above 0, or none (the provider's default, usually 1), asking again may give
   * another answer, and a cache would hide that. @default false
   */
  readonly cacheSampled?: boolean;
  /**
   * The key of a request, replacing the built-in one ({@link requestKey}); `undefined` means
   * "do not cache this request". It gets the request after every `transformRequest`.
   */
  readonly key?: (request: CompletionRequest) => string | undefined;
  /** Time source for the hits' `latencyMs` and the default store's expiry. @default systemClock */
  readonly clock?: Clock;
  /**
   * Told when the store fails (a read is then a miss, a failed write is dropped; the call goes
   * on either way). @default ignore
   */
  readonly onStoreError?: (error: unknown, operation: 'get' | 'set' | 'delete') => void;
}

/** What a cache hit puts in `response.providerMetadata.cache`. */
export interface CacheHitMetadata {
  /** Always `true`: the response was served from the cache. */
  readonly hit: true;
}

/** The response cache middleware: a {@link Middleware} with its store. */
export interface ResponseCache extends Middleware {
  /** The store it reads and writes (e.g. to clear it). */
  readonly store: CacheStore;
}

const HIT: CacheHitMetadata = Object.freeze({ hit: true });
const NO_ATTEMPTS = Object.freeze([]);
const OPTION_KEYS = new Set([
  'ttlMs',
  'store',
  'maxEntries',
  'maxBytes',
  'cacheSampled',
  'key',
  'clock',
  'onStoreError',
]);

/**
 * An opt-in response cache: a call that asks what an earlier call asked (same key, see
 * {@link requestKey}) within `ttlMs` gets the earlier answer without reaching a provider.
 *
 * - Only deterministic requests by default: `temperature: 0` (see `cacheSampled`).
 * - The key uses the requested model, `request.model` after every `transformRequest` (an alias
 *   or model id, or none): a hit may return an answer another target of that alias gave; the
 *   response's `target` and `model` say which. Settings that middleware adds per attempt
 *   (e.g. `defaultSettings`' `byTarget`) are not in the key.
 * - Streams: a miss passes the events through and stores them when `finish` arrives; a hit
 *   replays them, the last event `finish` carrying the response. A completion call is served
 *   from a cached stream too (its `finish` response); a stream is served only from a cached
 *   stream, so it replays the events the provider sent.
 * - Never stored: errors, broken streams (`stream_interrupted`), streams the consumer stopped,
 *   responses with `finishReason: 'error'`.
 * - A hit is a copy of the cached response with a fresh `requestId` and `latencyMs`, an empty
 *   `attempts` (no attempt was made) and `providerMetadata.cache = { hit: true }` (see
 *   {@link isCacheHit}). `usage` and `costUsd` are the original call's: skip hits when
 *   counting spend. Cached data is frozen: hits share it and cannot change it.
 *
 * Register it after middleware that rewrite or refuse requests (a guardrail must see every
 * call) and before `logging` if log records should show hits as calls without attempts.
 *
 * @throws {SwitchyardError} `config` at construction when an option is invalid (the message
 * names it).
 *
 * @example
 * ```ts
 * import { Router } from 'switchyard-llm';
 * import { isCacheHit, responseCache } from 'switchyard-llm/cache';
 *
 * const router = new Router({
 *   targets,
 *   middleware: [responseCache({ ttlMs: 10 * 60_000, maxEntries: 1_000, maxBytes: 20_000_000 })],
 * });
 * const request = { messages: [{ role: 'user' as const, content: 'Name a colour.' }], temperature: 0 };
 * await router.complete(request);
 * isCacheHit(await router.complete(request)); // true
 * ```
 */
export function responseCache(options: ResponseCacheOptions): ResponseCache {
  const store = checkOptions(options);
  const clock = options.clock ?? systemClock;
  const ttlMs = options.ttlMs;
  const cacheSampled = options.cacheSampled ?? false;
  const keyOf = options.key ?? requestKey;
  const onStoreError = options.onStoreError ?? (() => {});

  /** The key of the call, or undefined when it is not to be cached. */
  const keyFor = (request: CompletionRequest): string | undefined => {
    if (!cacheSampled && request.temperature !== 0) return undefined;
    try {
      return keyOf(request);
    } catch {
      return undefined; // a value that cannot be keyed: do not cache
    }
  };

  const read = async (key: string): Promise<CacheEntry | undefined> => {
    let entry: CacheEntry | undefined;
    try {
      entry = await store.get(key);
    } catch (error) {
      onStoreError(error, 'get');
      return undefined;
    }
    if (entry === undefined || entry === null) return undefined;
    if (!isEntry(entry)) {
      remove(key);
      return undefined;
    }
    return entry;
  };

  const settle = (result: void | Promise<void>, operation: 'set' | 'delete') => {
    if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
      (result as Promise<void>).then(undefined, (error: unknown) => onStoreError(error, operation));
    }
  };

  const remove = (key: string) => {
    try {
      settle(store.delete(key), 'delete');
    } catch (error) {
      onStoreError(error, 'delete');
    }
  };

  /** Stores a frozen copy of `entry` (unless it cannot be copied); the call never waits for it. */
  const write = (key: string, entry: CacheEntry) => {
    if (entry.response.finishReason === 'error') return;
    let copy: CacheEntry;
    try {
      copy = deepFreeze(structuredClone(entry));
    } catch {
      return; // holds something that cannot be copied (e.g. a function in providerMetadata)
    }
    try {
      settle(store.set(key, copy, ttlMs), 'set');
    } catch (error) {
      onStoreError(error, 'set');
    }
  };

  const hit = (cached: CompletionResponse, ctx: CallContext, startedAt: number): CompletionResponse => ({
    ...cached,
    requestId: ctx.requestId,
    latencyMs: clock.now() - startedAt,
    attempts: NO_ATTEMPTS,
    providerMetadata: { ...cached.providerMetadata, cache: HIT },
  });

  return {
    name: 'response-cache',
    store,

    async wrapCall(ctx: CallContext, next: NextCall): Promise<CompletionResponse> {
      const key = keyFor(ctx.request);
      if (key === undefined) return next();
      const startedAt = clock.now();
      const cached = await read(key);
      if (cached !== undefined) return hit(cached.response, ctx, startedAt);
      const response = await next();
      write(key, { response });
      return response;
    },

    async *wrapStream(ctx: CallContext, next: NextStream): AsyncIterable<StreamEvent> {
      const key = keyFor(ctx.request);
      if (key === undefined) {
        yield* next();
        return;
      }
      const startedAt = clock.now();
      const cached = await read(key);
      if (cached?.events !== undefined) {
        for (const event of cached.events) {
          if (event.type !== 'finish') {
            yield event;
            continue;
          }
          const response = hit(cached.response, ctx, startedAt);
          yield { type: 'finish', finishReason: response.finishReason, usage: response.usage, response };
          return;
        }
        return;
      }
      const events: StreamEvent[] = [];
      for await (const event of next()) {
        events.push(event);
        // Stored before `finish` is passed on: a consumer may stop reading right after it.
        if (event.type === 'finish') write(key, { response: event.response, events });
        yield event;
      }
    },
  };
}

/**
 * Whether `response` was served by {@link responseCache} (its `providerMetadata.cache.hit`).
 *
 * @example
 * ```ts
 * const res = await router.complete(request);
 * if (!isCacheHit(res)) spentUsd += res.costUsd ?? 0;
 * ```
 */
export function isCacheHit(response: CompletionResponse): boolean {
  const cache = response.providerMetadata?.cache;
  return typeof cache === 'object' && cache !== null && (cache as { hit?: unknown }).hit === true;
}

function checkOptions(options: ResponseCacheOptions): CacheStore {
  if (typeof options !== 'object' || options === null) {
    throw configError('options', 'expected an object { ttlMs, maxEntries, maxBytes, … }');
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw configError(key, 'unknown option');
  }
  if (typeof options.ttlMs !== 'number' || !(options.ttlMs > 0)) {
    throw configError('ttlMs', 'expected a positive number of ms');
  }
  if (options.cacheSampled !== undefined && typeof options.cacheSampled !== 'boolean') {
    throw configError('cacheSampled', 'expected a boolean');
  }
  if (options.key !== undefined && typeof options.key !== 'function') {
    throw configError('key', 'expected a function (request) => string | undefined');
  }
  if (options.onStoreError !== undefined && typeof options.onStoreError !== 'function') {
    throw configError('onStoreError', 'expected a function');
  }
  if (options.clock !== undefined && typeof options.clock?.now !== 'function') {
    throw configError('clock', 'expected a Clock (an object with now())');
  }
  if (options.store !== undefined) {
    const store = options.store as Partial<CacheStore> | null;
    if (
      typeof store !== 'object' ||
      store === null ||
      typeof store.get !== 'function' ||
      typeof store.set !== 'function' ||
      typeof store.delete !== 'function'
    ) {
      throw configError('store', 'expected a CacheStore (an object with get, set and delete)');
    }
    for (const bound of ['maxEntries', 'maxBytes'] as const) {
      if (options[bound] !== undefined) {
        throw configError(bound, 'bounds the default memory store; set it on your store instead');
      }
    }
    return options.store;
  }
  for (const bound of ['maxEntries', 'maxBytes'] as const) {
    if (options[bound] === undefined) {
      throw configError(bound, 'required without a store (bounds of the in-memory cache)');
    }
  }
  try {
    return new MemoryCacheStore({
      maxEntries: options.maxEntries!,
      maxBytes: options.maxBytes!,
      clock: options.clock,
    });
  } catch (error) {
    // Name the option as the caller spelt it.
    throw configError('', (error as Error).message.replace(/^MemoryCacheStore: /, ''));
  }
}

function configError(field: string, problem: string): SwitchyardError {
  const where = field === '' ? '' : `${field}: `;
  return new SwitchyardError('config', `responseCache: ${where}${problem}`, { retryable: false });
}

function isEntry(value: unknown): value is CacheEntry {
  if (typeof value !== 'object' || value === null) return false;
  const { response, events } = value as { response?: unknown; events?: unknown };
  if (typeof response !== 'object' || response === null) return false;
  const r = response as Partial<CompletionResponse>;
  if (typeof r.text !== 'string' || !Array.isArray(r.content) || typeof r.usage !== 'object') return false;
  if (events === undefined) return true;
  return Array.isArray(events) && events.length > 0 && (events.at(-1) as StreamEvent).type === 'finish';
}

function deepFreeze<T>(value: T): T {
  // Typed arrays cannot be frozen (their bytes stay writable); everything else is.
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || Object.isFrozen(value)) {
    return value;
  }
  Object.freeze(value);
  for (const member of Object.values(value)) deepFreeze(member);
  return value;
}
