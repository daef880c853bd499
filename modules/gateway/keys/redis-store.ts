import { SwitchyardError } from '../../../index.js';
import { checkRecord } from './records.js';
import type { KeyRecord, KeyStore } from './types.js';

/**
 * The one method {@link RedisKeyStore} uses: node-redis v5's `client.sendCommand` (a connected
 * `createClient()`, or `RedisStateStore.commandClient()` from `switchyard-llm/redis`, which adds
 * the store's command timeout). Typed structurally, so the gateway does not load `redis` itself.
 */
export interface RedisCommandClient {
  sendCommand(args: readonly string[]): Promise<unknown>;
}

/** Options of {@link RedisKeyStore}. */
export interface RedisKeyStoreOptions {
  /** Prefix of the two hashes (`<prefix>keys:records`, `<prefix>keys:hashes`). @default 'switchyard:' */
  readonly prefix?: string;
}

/**
 * Inserts or replaces a record and keeps the hash index in step, in one script: the old record's
 * hashes (current and in-grace previous) leave the index, the new ones point at the id.
 * KEYS: records, hashes. ARGV: id, record JSON, hash, previous hash or ''.
 */
const PUT = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local ok, r = pcall(cjson.decode, old)
  if ok and type(r) == 'table' then
    if type(r.hash) == 'string' and redis.call('HGET', KEYS[2], r.hash) == ARGV[1] then
      redis.call('HDEL', KEYS[2], r.hash)
    end
    if type(r.previous) == 'table' and type(r.previous.hash) == 'string'
      and redis.call('HGET', KEYS[2], r.previous.hash) == ARGV[1] then
      redis.call('HDEL', KEYS[2], r.previous.hash)
    end
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[3], ARGV[1])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], ARGV[4], ARGV[1]) end
return 1
`;

/** The record a hash points at, in one round trip. KEYS: records, hashes. ARGV: hash. */
const FIND = `
local id = redis.call('HGET', KEYS[2], ARGV[1])
if not id then return false end
return redis.call('HGET', KEYS[1], id)
`;

/**
 * A {@link KeyStore} in Redis, so that every gateway replica sees the same virtual keys: a key
 * created, rotated or revoked through the admin API of one replica is accepted or refused by all
 * of them at the next request. Like every key store it holds only SHA-256 hashes, never a secret.
 *
 * Two hashes: `<prefix>keys:records` (id → the record's JSON) and `<prefix>keys:hashes` (SHA-256
 * → id, for the current and an in-grace previous secret). A change is one Lua script that
 * updates both, so a lookup never sees one without the other. Every authentication is one lookup
 * (one round trip); nothing is cached, so a revocation takes effect on every replica at once.
 * While Redis cannot be reached, lookups reject — the gateway refuses virtual keys (a 401) rather
 * than accept one it cannot check. Neither hash has a TTL: keys are meant to persist.
 *
 * A value in either hash that is not a valid record is a `config` error (never used).
 *
 * @example
 * ```ts
 * const store = new RedisStateStore({ url: process.env.REDIS_URL, prefix: 'gw:' });
 * await store.connect();
 * const keys = new VirtualKeys(new RedisKeyStore(store.commandClient(), { prefix: 'gw:' }), { router });
 * createGateway(router, { keys, adminKey: process.env.SWITCHYARD_ADMIN_KEY, store });
 * ```
 */
export class RedisKeyStore implements KeyStore {
  readonly #client: RedisCommandClient;
  readonly #records: string;
  readonly #hashes: string;

  constructor(client: RedisCommandClient, options: RedisKeyStoreOptions = {}) {
    if (client === null || typeof client !== 'object' || typeof client.sendCommand !== 'function') {
      throw new SwitchyardError(
        'config',
        'RedisKeyStore: client: expected a connected node-redis client (with sendCommand)',
      );
    }
    const prefix = options.prefix ?? 'switchyard:';
    if (typeof prefix !== 'string' || prefix === '') {
      throw new SwitchyardError('config', 'RedisKeyStore: prefix: expected a non-empty string');
    }
    this.#client = client;
    this.#records = `${prefix}keys:records`;
    this.#hashes = `${prefix}keys:hashes`;
  }

  async get(id: string): Promise<KeyRecord | undefined> {
    return this.#parse(await this.#client.sendCommand(['HGET', this.#records, id]));
  }

  async findByHash(hash: string): Promise<KeyRecord | undefined> {
    const reply = await this.#client.sendCommand(['EVAL', FIND, '2', this.#records, this.#hashes, hash]);
    const record = this.#parse(reply);
    // The index and the record agree, or the record is not the one this hash belongs to.
    if (record !== undefined && record.hash !== hash && record.previous?.hash !== hash) return undefined;
    return record;
  }

  async list(): Promise<readonly KeyRecord[]> {
    const reply = await this.#client.sendCommand(['HVALS', this.#records]);
    const records = (Array.isArray(reply) ? reply : []).map((value) => this.#parse(value)!);
    // Creation order (ids break ties), as the other stores list them.
    return records.sort((a, b) =>
      a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1,
    );
  }

  async put(record: KeyRecord): Promise<void> {
    await this.#client.sendCommand([
      'EVAL',
      PUT,
      '2',
      this.#records,
      this.#hashes,
      record.id,
      JSON.stringify(record),
      record.hash,
      record.previous?.hash ?? '',
    ]);
  }

  #parse(value: unknown): KeyRecord | undefined {
    if (value === null || value === undefined) return undefined;
    let record: unknown;
    try {
      record = JSON.parse(String(value));
    } catch {
      record = undefined;
    }
    const problem = checkRecord(record);
    if (problem !== undefined) {
      throw new SwitchyardError(
        'config',
        `RedisKeyStore: ${this.#records} holds a value that is not a key record`,
      );
    }
    return record as KeyRecord;
  }
}
