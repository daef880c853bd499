/**
 * `switchyard-llm/redis`: a Redis-backed state store, so that several processes share circuit
 * breakers (one half-open probe across all of them), Retry-After blocks, requests-per-minute
 * windows, budgets and the response cache. Needs the optional peer dependency `redis` (node-redis
 * v5): `npm install redis`.
 *
 * @example
 * ```ts
 * import { RedisStateStore } from 'switchyard-llm/redis';
 * const store = new RedisStateStore({ url: 'rediss://cache.internal:6380', username: 'router', password });
 * await store.connect();
 * const router = new Router({ targets, store });
 * ```
 */
export type { RedisCacheStoreOptions } from './cache-store.js';
export type {
  RedisStoreEvents,
  RedisStoreListener,
  StoreDegradedEvent,
  StoreErrorEvent,
  StoreRestoredEvent,
} from './events.js';
export {
  type LearningRouter,
  LearningSync,
  type LearningSyncOptions,
  type LearningSyncResult,
} from './learning-sync.js';
export type { RedisStoreOptions, RedisTlsOptions } from './options.js';
export { RedisStateStore } from './store.js';
