import type { CacheEntry, CacheStore } from '../cache/index.js';
import type { RedisConnection } from './connection.js';

/** Options of {@link RedisStateStore.cacheStore}. */
export interface RedisCacheStoreOptions {
  /** An entry whose JSON is longer than this (UTF-8 bytes) is not stored. @default 1048576 (1 MiB) */
  readonly maxEntryBytes?: number;
}

/**
 * A {@link CacheStore} in Redis for `responseCache`: one string key per entry
 * (`<prefix>c:<key>`, JSON, expiring after the cache's `ttlMs`), so every instance shares the
 * answers. While Redis is out a read is a miss and a write is skipped: the call goes on.
 */
export class RedisCacheStore implements CacheStore {
  readonly #connection: RedisConnection;
  readonly #maxEntryBytes: number;

  constructor(connection: RedisConnection, maxEntryBytes: number) {
    this.#connection = connection;
    this.#maxEntryBytes = maxEntryBytes;
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    if (!this.#connection.healthy) return undefined;
    const text = await this.#connection.command(['GET', this.#connection.key(`c:${key}`)]);
    if (typeof text !== 'string') return undefined;
    return JSON.parse(text) as CacheEntry;
  }

  async set(key: string, entry: CacheEntry, ttlMs: number): Promise<void> {
    if (!this.#connection.healthy) return;
    const text = JSON.stringify(entry);
    if (Buffer.byteLength(text) > this.#maxEntryBytes) return;
    const px = String(Math.max(1, Math.ceil(ttlMs)));
    await this.#connection.command(['SET', this.#connection.key(`c:${key}`), text, 'PX', px]);
  }

  async delete(key: string): Promise<void> {
    if (!this.#connection.healthy) return;
    await this.#connection.command(['DEL', this.#connection.key(`c:${key}`)]);
  }
}
