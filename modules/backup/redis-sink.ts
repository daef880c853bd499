import { SwitchyardError } from '../../index.js';
import type { SnapshotSink, SnapshotWriteMeta, StoredSnapshot } from './sink.js';

/**
 * The one method of a Redis client this sink uses: node-redis v4/v5's `sendCommand` (a connected
 * `createClient()` fits). Typed here so that importing this module does not load `redis`.
 */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

/** Options of a {@link RedisSnapshotSink}. */
export interface RedisSnapshotSinkOptions {
  /** A connected node-redis client (the caller opens and closes it). */
  readonly client: RedisCommandClient;
  /** The list holding the snapshots, newest first. One per router process. @default 'switchyard:snapshots' */
  readonly key?: string;
  /** The list expires this long after the last write (a router that stopped leaves nothing behind for ever). @default 604800000 (7 days) */
  readonly ttlMs?: number;
}

/** Pushes, trims to `keep` and sets the TTL in one step on the server. KEYS: list. ARGV: data, keep, ttl ms. */
const PUSH = `
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('LLEN', KEYS[1])
`;

/**
 * Snapshots in a Redis list (`LPUSH` + `LTRIM` + `PEXPIRE` in one script, so the list always
 * holds the newest `keep`, bounded, with a TTL). Each entry carries the SHA-256 of its content,
 * so an entry damaged in Redis is detected and skipped on restore. Durability is Redis's: with
 * `appendonly yes` and `appendfsync everysec` a write survives a Redis crash after about a second
 * (docs/operations.md).
 *
 * @throws {SwitchyardError} `config` for a missing client, an empty key or a TTL that is not a positive number.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const sink = new RedisSnapshotSink({ client, key: `myapp:snapshots:${hostname()}` });
 * ```
 */
export class RedisSnapshotSink implements SnapshotSink {
  readonly #client: RedisCommandClient;
  readonly #key: string;
  readonly #ttlMs: number;

  constructor(options: RedisSnapshotSinkOptions) {
    if (typeof options !== 'object' || options === null) throw configError('options', 'expected an object');
    if (typeof options.client?.sendCommand !== 'function') {
      throw configError('client', 'expected a connected node-redis client (with sendCommand)');
    }
    const key = options.key ?? 'switchyard:snapshots';
    if (typeof key !== 'string' || key.length === 0) throw configError('key', 'expected a non-empty string');
    const ttlMs = options.ttlMs ?? 604_800_000;
    if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs <= 0) {
      throw configError('ttlMs', 'expected a positive whole number of milliseconds');
    }
    this.#client = options.client;
    this.#key = key;
    this.#ttlMs = ttlMs;
  }

  async write(data: string, meta: SnapshotWriteMeta): Promise<string> {
    await this.#client.sendCommand([
      'EVAL',
      PUSH,
      '1',
      this.#key,
      data,
      String(meta.keep),
      String(this.#ttlMs),
    ]);
    return `${this.#key}[0]`;
  }

  async list(): Promise<readonly StoredSnapshot[]> {
    const entries = await this.#client.sendCommand(['LRANGE', this.#key, '0', '-1']);
    if (!Array.isArray(entries)) return [];
    return entries.map((entry, i) => ({
      id: `${this.#key}[${i}]`,
      read: async () =>
        typeof entry === 'string' ? entry : Buffer.isBuffer(entry) ? entry.toString('utf8') : '',
    }));
  }
}

function configError(field: string, message: string): SwitchyardError {
  return new SwitchyardError('config', `RedisSnapshotSink: ${field}: ${message}`, { retryable: false });
}
