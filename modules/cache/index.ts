/**
 * `switchyard-llm/cache`: an opt-in response cache for deterministic requests, with a pluggable
 * store (in-memory LRU by default).
 *
 * @example
 * ```ts
 * import { responseCache } from 'switchyard-llm/cache';
 * const router = new Router({
 *   targets,
 *   middleware: [responseCache({ ttlMs: 60_000, maxEntries: 500, maxBytes: 10_000_000 })],
 * });
 * ```
 */
export {
  type CacheHitMetadata,
  isCacheHit,
  type ResponseCache,
  type ResponseCacheOptions,
  responseCache,
} from './cache.js';
export { canonicalJson, requestKey } from './key.js';
export { type CacheEntry, type CacheStore, MemoryCacheStore, type MemoryCacheStoreOptions } from './store.js';
