import { SwitchyardError } from '../../index.js';
import { entryHash, GENESIS_HASH } from './chain.js';
import { checkData } from './log.js';
import {
  AUDIT_EVENT_TYPES,
  type AuditEntry,
  type AuditEventType,
  type AuditSink,
  type AuditValue,
} from './types.js';

/**
 * The one method the Redis audit log uses: node-redis v5's `client.sendCommand` (a connected
 * `createClient()`). Typed structurally, so this module does not load `redis`; you create,
 * connect and close the client.
 */
export interface AuditRedisClient {
  sendCommand(args: readonly string[]): Promise<unknown>;
}

/** Options of {@link RedisAuditLog}. */
export interface RedisAuditLogOptions {
  /** The stream. @default 'switchyard:audit' */
  readonly key?: string;
  /**
   * The hash holding the chain's head (`hash`, `seq`). On Redis Cluster both keys must hash to
   * the same slot: use a hash tag, e.g. `key: '{audit}'` (the default head is then `{audit}:head`).
   * @default `${key}:head`
   */
  readonly headKey?: string;
  /** Wall-clock time in ms. @default Date.now */
  readonly now?: () => number;
  /** How many times one entry is re-chained when other writers keep appending first. @default 50 */
  readonly maxAttempts?: number;
}

/**
 * Appends an entry only if the chain's head is still the one it was chained to; otherwise
 * returns the current head so the writer can re-chain. The XADD and the head update happen in
 * one script, so the stream and its head never disagree.
 * KEYS: stream, head. ARGV: prev hash, prev seq, hash, seq, entry JSON.
 */
const APPEND = `
local st = redis.call('TYPE', KEYS[1])['ok']
if st ~= 'none' and st ~= 'stream' then return {'wrongtype', KEYS[1]} end
local ht = redis.call('TYPE', KEYS[2])['ok']
if ht ~= 'none' and ht ~= 'hash' then return {'wrongtype', KEYS[2]} end
local h = redis.call('HMGET', KEYS[2], 'hash', 'seq')
local hash, seq = h[1], h[2]
if not hash or not seq then
  if st == 'stream' and redis.call('XLEN', KEYS[1]) > 0 then return {'nohead'} end
  hash, seq = '${GENESIS_HASH}', '0'
end
if hash ~= ARGV[1] or seq ~= ARGV[2] then return {'conflict', hash, seq} end
local id = redis.call('XADD', KEYS[1], '*', 'entry', ARGV[5])
redis.call('HSET', KEYS[2], 'hash', ARGV[3], 'seq', ARGV[4])
return {'ok', id}
`;

/**
 * A tamper-evident audit trail in a Redis stream, shared by several processes: each entry (the
 * same JSON as a line of {@link AuditLog}) carries the SHA-256 of the one before, computed by the
 * writer, and is appended by a Lua script only if the stream's head (kept in `headKey`) is still
 * the entry's `prev` — when another process appended first, the entry is re-chained to the new
 * head and tried again. So entries from any number of writers form one chain, which
 * {@link verifyAuditStream} checks. Data rules are those of {@link AuditLog}: no field named like
 * a secret or prompt text, key-like strings redacted.
 *
 * `record()` returns a promise; one instance appends its entries in call order.
 */
export class RedisAuditLog implements AuditSink {
  /** The stream's key. */
  readonly key: string;
  /** The head hash's key. */
  readonly headKey: string;
  readonly #client: AuditRedisClient;
  readonly #now: () => number;
  readonly #maxAttempts: number;
  #head = { hash: GENESIS_HASH, seq: 0 };
  #queue: Promise<unknown> = Promise.resolve();

  /** Checks the options (a `config` error naming the field); sends nothing yet. */
  constructor(client: AuditRedisClient, options: RedisAuditLogOptions = {}) {
    if (client === null || typeof client !== 'object' || typeof client.sendCommand !== 'function') {
      throw new SwitchyardError(
        'config',
        'RedisAuditLog: client must be a connected node-redis client (with sendCommand)',
      );
    }
    const key = options?.key ?? 'switchyard:audit';
    if (typeof key !== 'string' || key === '') {
      throw new SwitchyardError('config', 'RedisAuditLog: options.key must be a non-empty string');
    }
    const headKey = options.headKey ?? `${key}:head`;
    if (typeof headKey !== 'string' || headKey === '' || headKey === key) {
      throw new SwitchyardError(
        'config',
        'RedisAuditLog: options.headKey must be a non-empty string other than options.key',
      );
    }
    const maxAttempts = options.maxAttempts ?? 50;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new SwitchyardError(
        'config',
        'RedisAuditLog: options.maxAttempts must be an integer of at least 1',
      );
    }
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new SwitchyardError('config', 'RedisAuditLog: options.now must be a function');
    }
    this.#client = client;
    this.key = key;
    this.headKey = headKey;
    this.#now = options.now ?? Date.now;
    this.#maxAttempts = maxAttempts;
  }

  /**
   * Appends one event and resolves with the written entry. Rejects with `invalid_request` for
   * an unknown type or a field that looks like a secret or prompt text (nothing is written),
   * with `config` when the key holds something else or the head was deleted, or with the
   * client's error when Redis does not answer.
   */
  record(type: AuditEventType, data: Readonly<Record<string, AuditValue>> = {}): Promise<AuditEntry> {
    let clean: Record<string, AuditValue>;
    try {
      if (!AUDIT_EVENT_TYPES.includes(type)) {
        throw new SwitchyardError('invalid_request', `audit log: unknown event type '${String(type)}'`);
      }
      clean = checkData(data);
    } catch (error) {
      return Promise.reject(error);
    }
    const at = new Date(this.#now()).toISOString();
    const run = this.#queue.then(() => this.#append(type, at, clean));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every entry recorded so far is written (or failed). */
  async settled(): Promise<void> {
    await this.#queue;
  }

  async #append(type: AuditEventType, at: string, data: Record<string, AuditValue>): Promise<AuditEntry> {
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      const head = this.#head;
      const body = { seq: head.seq + 1, at, type, data, prev: head.hash };
      const entry: AuditEntry = { ...body, hash: entryHash(body) };
      const reply = (await this.#client.sendCommand([
        'EVAL',
        APPEND,
        '2',
        this.key,
        this.headKey,
        head.hash,
        String(head.seq),
        entry.hash,
        String(entry.seq),
        JSON.stringify(entry),
      ])) as unknown[];
      if (reply[0] === 'ok') {
        this.#head = { hash: entry.hash, seq: entry.seq };
        return entry;
      }
      if (reply[0] === 'conflict') {
        this.#head = { hash: String(reply[1]), seq: Number(reply[2]) };
        continue;
      }
      if (reply[0] === 'nohead') {
        throw new SwitchyardError(
          'config',
          `RedisAuditLog: the stream '${this.key}' has entries but its head '${this.headKey}' is missing (deleted?); run verifyAuditStream`,
        );
      }
      throw new SwitchyardError(
        'config',
        `RedisAuditLog: '${String(reply[1])}' holds something that is not a Switchyard audit stream`,
      );
    }
    throw new SwitchyardError(
      'server',
      `RedisAuditLog: other writers appended first ${this.#maxAttempts} times in a row; entry not written`,
      { retryable: true },
    );
  }
}
