import {
  type Clock,
  type CompletionResponse,
  type StreamEvent,
  SwitchyardError,
  systemClock,
} from '../../src/index.js';

/**
 * One cached answer: the response, and for an answer that was streamed, the events it was
 * streamed as (the last one `finish`). Plain data: a store may serialise it as JSON.
 */
export interface CacheEntry {
  /** The response as the original call returned it. */
  readonly response: CompletionResponse;
  /** The stream's events, `finish` last, when the answer was streamed. */
  readonly events?: readonly StreamEvent[];
}

/**
 * Where {@link responseCache} keeps answers. Every method may be synchronous or return a
 * promise, so a shared store (Redis, a database) can plug in. A store must not hand out an
 * entry after its `ttlMs`; it may drop entries earlier (a bound, an eviction).
 *
 * @example
 * ```ts
 * const store: CacheStore = {
 *   get: async (key) => JSON.parse((await redis.get(key)) ?? 'null') ?? undefined,
 *   set: async (key, entry, ttlMs) => void (await redis.set(key, JSON.stringify(entry), 'PX', ttlMs)),
 *   delete: async (key) => void (await redis.del(key)),
 * };
 * ```
 */
export interface CacheStore {
  /** The entry under `key`, or `undefined` when there is none or it has expired. */
  get(key: string): CacheEntry | undefined | Promise<CacheEntry | undefined>;
  /** Keeps `entry` under `key` for `ttlMs` ms, replacing any entry there. */
  set(key: string, entry: CacheEntry, ttlMs: number): void | Promise<void>;
  /** Removes the entry under `key`, if any. */
  delete(key: string): void | Promise<void>;
}

/** Options of a {@link MemoryCacheStore}. */
export interface MemoryCacheStoreOptions {
  /** Most entries kept; the least recently used go first. A positive integer. */
  readonly maxEntries: number;
  /**
   * Most bytes kept, counted as the UTF-8 length of each entry's JSON; the least recently used
   * go first. An entry larger than this is not kept. Positive.
   */
  readonly maxBytes: number;
  /** Time source for expiry. @default systemClock */
  readonly clock?: Clock;
}

interface Slot {
  readonly entry: CacheEntry;
  readonly bytes: number;
  readonly expiresAt: number;
}

/**
 * An in-process {@link CacheStore}: least recently used entries are dropped first once there
 * are more than `maxEntries` entries or more than `maxBytes` bytes; expired entries are dropped
 * when read. It keeps the entries it is given as they are (the cache hands it frozen copies).
 *
 * @throws {SwitchyardError} `config` when `maxEntries` or `maxBytes` is not positive.
 *
 * @example
 * ```ts
 * const store = new MemoryCacheStore({ maxEntries: 1000, maxBytes: 50 * 1024 * 1024 });
 * const router = new Router({ targets, middleware: [responseCache({ store, ttlMs: 60_000 })] });
 * ```
 */
export class MemoryCacheStore implements CacheStore {
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #clock: Clock;
  /** In use order: the least recently used first. */
  readonly #slots = new Map<string, Slot>();
  #bytes = 0;

  constructor(options: MemoryCacheStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw storeError('options', 'expected an object { maxEntries, maxBytes, clock? }');
    }
    if (!Number.isInteger(options.maxEntries) || options.maxEntries <= 0) {
      throw storeError('maxEntries', 'expected a positive integer');
    }
    if (typeof options.maxBytes !== 'number' || !(options.maxBytes > 0)) {
      throw storeError('maxBytes', 'expected a positive number');
    }
    this.#maxEntries = options.maxEntries;
    this.#maxBytes = options.maxBytes;
    this.#clock = options.clock ?? systemClock;
  }

  /** Number of entries kept (expired ones included until they are read or evicted). */
  get size(): number {
    return this.#slots.size;
  }

  /** Bytes kept, as counted against `maxBytes`. */
  get bytes(): number {
    return this.#bytes;
  }

  get(key: string): CacheEntry | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    this.#slots.delete(key);
    if (this.#clock.now() >= slot.expiresAt) {
      this.#bytes -= slot.bytes;
      return undefined;
    }
    this.#slots.set(key, slot); // now the most recently used
    return slot.entry;
  }

  set(key: string, entry: CacheEntry, ttlMs: number): void {
    this.delete(key);
    if (!(ttlMs > 0)) return;
    const bytes = Buffer.byteLength(JSON.stringify(entry));
    if (bytes > this.#maxBytes) return;
    this.#slots.set(key, { entry, bytes, expiresAt: this.#clock.now() + ttlMs });
    this.#bytes += bytes;
    for (const [oldest, slot] of this.#slots) {
      if (this.#slots.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#slots.delete(oldest);
      this.#bytes -= slot.bytes;
    }
  }

  delete(key: string): void {
    const slot = this.#slots.get(key);
    if (slot === undefined) return;
    this.#slots.delete(key);
    this.#bytes -= slot.bytes;
  }

  /** Drops every entry. */
  clear(): void {
    this.#slots.clear();
    this.#bytes = 0;
  }
}

function storeError(field: string, problem: string): SwitchyardError {
  return new SwitchyardError('config', `MemoryCacheStore: ${field}: ${problem}`, { retryable: false });
}
