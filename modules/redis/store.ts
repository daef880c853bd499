import { randomBytes } from 'node:crypto';
import {
  type BudgetStateHandle,
  MemoryStateStore,
  type QuotaStateHandle,
  type StateStore,
  type StoreHealthEvent,
  SwitchyardError,
  type TargetPolicy,
  type TargetStateHandle,
} from '../../index.js';
import type { CacheStore } from '../cache/index.js';
import { RedisBudgetState } from './budget-state.js';
import { RedisCacheStore, type RedisCacheStoreOptions } from './cache-store.js';
import { RedisConnection, StoreUnavailable } from './connection.js';
import { asError, type RedisStoreEvents, type RedisStoreListener, StoreEmitter } from './events.js';
import { type RedisStoreOptions, type ResolvedRedisOptions, resolveRedisOptions } from './options.js';
import { RedisQuotaState } from './quota-state.js';
import { RedisTargetState, readTarget, type TargetContext, TargetMirror } from './target-state.js';

interface SharedTarget {
  readonly mirror: TargetMirror;
  /** A local handle of the target, to seed the fallback from the mirror. */
  readonly seed: TargetStateHandle;
}

/**
 * A {@link StateStore} in Redis, so that several processes (app servers, gateway replicas) share
 * breakers — with a single half-open probe across all of them — Retry-After blocks,
 * requests-per-minute windows and budgets, and (through {@link RedisStateStore.cacheStore}) the
 * response cache.
 *
 * The hot path stays local: reads answer from a mirror refreshed by every reply, by pub/sub
 * messages of breaker changes and by a periodic resync; only a rate-window slot, the probe claim
 * and budget reservations wait for Redis (one Lua script each, atomic on the server). When Redis
 * is down or slower than `commandTimeoutMs`, the store serves from local state (seeded from the
 * mirror), emits `degraded`, reconnects with backoff, resyncs and emits `restored`; no routed
 * call fails because of it unless `budgetFailure: 'closed'`.
 *
 * @throws {SwitchyardError} `config` for bad options, naming the field.
 *
 * @example
 * ```ts
 * import { RedisStateStore } from 'switchyard-llm/redis';
 * const store = new RedisStateStore({ url: process.env.REDIS_URL, prefix: 'myapp:' });
 * store.on('degraded', (e) => log.warn(`redis out: ${e.reason}`));
 * await store.connect();
 * const router = new Router({ targets, store });
 * // …
 * await router.close();
 * await store.close();
 * ```
 */
export class RedisStateStore implements StateStore {
  readonly #options: ResolvedRedisOptions;
  readonly #events = new StoreEmitter();
  readonly #connection: RedisConnection;
  readonly #local = new MemoryStateStore();
  readonly #targets = new Map<string, SharedTarget>();
  readonly #budgets = new Map<string, RedisBudgetState>();
  readonly #quotas = new Map<string, RedisQuotaState>();
  readonly #instance = randomBytes(6).toString('hex');
  #seq = 0;
  #resyncTimer: NodeJS.Timeout | undefined;

  constructor(options: RedisStoreOptions = {}) {
    this.#options = resolveRedisOptions(options);
    this.#connection = new RedisConnection(this.#options, this.#events, (m) => this.#onMessage(m));
    this.#connection.resync = () => this.resync();
    this.#connection.onDown = () => this.#seedLocal();
  }

  /**
   * Connects to Redis and loads the shared state. Until it resolves the store serves from local
   * state. Rejects with a `config` error when Redis refuses the credentials or its certificate
   * does not verify, or a `connection` error when Redis cannot be reached within
   * `connectTimeoutMs` (the store then keeps trying and emits `restored` once connected).
   */
  async connect(): Promise<void> {
    if (this.#resyncTimer === undefined) {
      this.#resyncTimer = setInterval(() => {
        if (this.#connection.healthy) this.resync().catch((e: unknown) => this.#report('resync', e));
      }, this.#options.resyncIntervalMs).unref();
    }
    await this.#connection.connect();
  }

  /** Whether Redis answers (shared state) or the store serves from local state. */
  get healthy(): boolean {
    return this.#connection.healthy;
  }

  /** Listens to `degraded`, `restored` or `error`. */
  on<E extends keyof RedisStoreEvents>(event: E, listener: RedisStoreListener<E>): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Stops listening. */
  off<E extends keyof RedisStoreEvents>(event: E, listener: RedisStoreListener<E>): this {
    this.#events.off(event, listener);
    return this;
  }

  /** The store seam's health feed: a router relays it as `store:degraded` / `store:restored`. */
  watch(listener: (event: StoreHealthEvent) => void): () => void {
    const degraded: RedisStoreListener<'degraded'> = (e) =>
      listener({ type: 'degraded', reason: e.reason, at: e.at });
    const restored: RedisStoreListener<'restored'> = (e) =>
      listener({ type: 'restored', downMs: e.downMs, at: e.at });
    this.#events.on('degraded', degraded);
    this.#events.on('restored', restored);
    return () => {
      this.#events.off('degraded', degraded);
      this.#events.off('restored', restored);
    };
  }

  target(id: string, policy: TargetPolicy): TargetStateHandle {
    let shared = this.#targets.get(id);
    if (shared === undefined) {
      shared = { mirror: new TargetMirror(id), seed: this.#local.target(id, policy) };
      this.#targets.set(id, shared);
      if (this.#connection.healthy) {
        readTarget(this.#connection, shared.mirror, this.#options.clock.now()).catch((e: unknown) =>
          this.#report('resync', e),
        );
      }
    }
    const ctx: TargetContext = {
      connection: this.#connection,
      mirror: shared.mirror,
      local: this.#local.target(id, policy),
      probeLeaseMs: this.#options.probeLeaseMs,
      stateTtlMs: this.#options.stateTtlMs,
      member: () => `${this.#instance}:${++this.#seq}`,
      now: () => this.#options.clock.now(),
      report: (operation, error) => this.#report(operation, error),
    };
    return new RedisTargetState(ctx, policy);
  }

  budget(id: string): BudgetStateHandle {
    let state = this.#budgets.get(id);
    if (state === undefined) {
      state = new RedisBudgetState(
        {
          connection: this.#connection,
          failClosed: this.#options.budgetFailure === 'closed',
          now: () => this.#options.clock.now(),
          report: (operation, error) => this.#report(operation, error),
        },
        id,
      );
      this.#budgets.set(id, state);
    }
    return state;
  }

  /**
   * The rolling-window quota `id` (a target's tokens per minute, a gateway key's requests or
   * tokens per minute), shared by every process on this Redis: take and adjust are one Lua
   * script each; `read` answers from the last reply. While Redis is out, counted locally.
   */
  quota(id: string, windowMs: number): QuotaStateHandle {
    const key = `${id}\u0000${windowMs}`;
    let state = this.#quotas.get(key);
    if (state === undefined) {
      state = new RedisQuotaState(
        {
          connection: this.#connection,
          local: this.#local.quota(id, windowMs),
          report: (operation, error) => this.#report(operation, error),
        },
        id,
        windowMs,
      );
      this.#quotas.set(key, state);
    }
    return state;
  }

  /** A response-cache store on this store's connection (`responseCache({ store })`). */
  cacheStore(options: RedisCacheStoreOptions = {}): CacheStore {
    const max = options.maxEntryBytes ?? 1_048_576;
    if (!(max > 0)) {
      throw new SwitchyardError(
        'config',
        'RedisStateStore.cacheStore: maxEntryBytes: expected a positive number of bytes',
        {
          retryable: false,
        },
      );
    }
    return new RedisCacheStore(this.#connection, max);
  }

  /**
   * A command client on this store's connection, for other Redis-backed stores (the gateway's
   * `RedisKeyStore`, `redisVaultStorage`, `RedisAuditLog`): each command is bounded by
   * `commandTimeoutMs`, and rejects at once while Redis is out (the store is degraded).
   */
  commandClient(): { sendCommand(args: readonly string[]): Promise<unknown> } {
    return { sendCommand: (args) => this.#connection.command(args) };
  }

  /**
   * Pulls every known target's state into the mirror and replays the budget settlements queued
   * while Redis was out, then reads the budgets' totals. Runs every `resyncIntervalMs` and after
   * each reconnection.
   */
  async resync(): Promise<void> {
    const now = this.#options.clock.now();
    await Promise.all([
      ...[...this.#targets.values()].map((t) => readTarget(this.#connection, t.mirror, now)),
      ...[...this.#budgets.values()].map((b) => b.resync()),
    ]);
  }

  /** Stops the resync, closes both connections and drops the listeners. */
  async close(): Promise<void> {
    clearInterval(this.#resyncTimer);
    await this.#connection.close();
    this.#events.clear();
  }

  /** Redis went away: local state starts from the last known shared state. */
  #seedLocal(): void {
    for (const { mirror, seed } of this.#targets.values()) {
      try {
        seed.restore(mirror.seed());
      } catch (error) {
        this.#report('seed local state', error);
      }
    }
  }

  /** `<id>\n<fields>`: a breaker change published by a script. */
  #onMessage(message: string): void {
    const cut = message.lastIndexOf('\n');
    const shared = this.#targets.get(message.slice(0, cut));
    if (shared === undefined) return;
    const fields = message.slice(cut + 1).split(',');
    if (fields.length !== 9) throw new Error(`malformed state message (${fields.length} fields)`);
    shared.mirror.apply(['', '', '', ...fields], 3);
  }

  /** A failure that is not an outage (those are `degraded`) goes to `error`. */
  #report(operation: string, error: unknown): void {
    if (error instanceof StoreUnavailable || !this.#connection.healthy) return;
    this.#events.emit('error', { operation, error: asError(error) });
  }
}
