import { SwitchyardError } from '../../index.js';
import type { VaultConflict, VaultDocument, VaultStorage } from './storage.js';

/**
 * The one method the Redis storages use: node-redis v5's `client.sendCommand` (a connected
 * `createClient()` or `createCluster()` node fits). Typed structurally, so this module does not
 * load `redis` itself; you create, connect and close the client.
 */
export interface RedisCommandClient {
  sendCommand(args: readonly string[]): Promise<unknown>;
}

/** Options of {@link redisVaultStorage}. */
export interface RedisVaultStorageOptions {
  /** The Redis key holding the vault (a hash with the fields `doc` and `ver`). @default 'switchyard:keys:vault' */
  readonly key?: string;
}

/** Reads the document and its version in one step; a key that is not a vault hash is `wrongtype`. */
const READ = `
local t = redis.call('TYPE', KEYS[1])['ok']
if t == 'none' then return {'none'} end
if t ~= 'hash' then return {'wrongtype'} end
local v = redis.call('HMGET', KEYS[1], 'doc', 'ver')
if not v[1] or not v[2] then return {'wrongtype'} end
return {'ok', v[1], v[2]}
`;

/**
 * Compare-and-set: replaces the document only if `ver` is still ARGV[1] ('' = no vault yet); on a
 * conflict answers with the current version and document, so the writer need not read it again.
 */
const WRITE = `
local t = redis.call('TYPE', KEYS[1])['ok']
local cur = ''
if t == 'hash' then
  local v = redis.call('HMGET', KEYS[1], 'doc', 'ver')
  if not v[1] or not v[2] then return {'wrongtype'} end
  cur = v[2]
elseif t ~= 'none' then
  return {'wrongtype'}
end
if cur ~= ARGV[1] then
  if t == 'hash' then return {'conflict', cur, redis.call('HGET', KEYS[1], 'doc')} end
  return {'conflict'}
end
local n = tostring((tonumber(cur) or 0) + 1)
redis.call('HSET', KEYS[1], 'doc', ARGV[2], 'ver', n)
return {'ok', n}
`;

/**
 * Keeps a {@link KeyVault} in Redis, so several processes share one vault. The whole document
 * (records encrypted exactly as in the file: Redis never sees a key or the master key) lives in
 * one hash; every write is one Lua script that compares the version and replaces the document
 * atomically. When another process wrote first, the vault re-reads the document and re-applies
 * its change (so concurrent `add`s from two processes both land), up to a few times.
 *
 * A key that exists but is not a vault is a `config` error at open, and is never overwritten.
 *
 * @example
 * ```ts
 * const client = await createClient({ url }).connect();
 * const vault = await KeyVault.open({ storage: redisVaultStorage(client, { key: 'app:vault' }), masterKey });
 * ```
 */
export function redisVaultStorage(
  client: RedisCommandClient,
  options: RedisVaultStorageOptions = {},
): VaultStorage {
  if (client === null || typeof client !== 'object' || typeof client.sendCommand !== 'function') {
    throw new SwitchyardError(
      'config',
      'redisVaultStorage: client must be a connected node-redis client (with sendCommand)',
    );
  }
  const key = options?.key ?? 'switchyard:keys:vault';
  if (typeof key !== 'string' || key === '') {
    throw new SwitchyardError('config', 'redisVaultStorage: options.key must be a non-empty string');
  }
  const name = `redis:${key}`;
  const notOurs = (): SwitchyardError =>
    new SwitchyardError('config', `key vault: '${name}' is not a Switchyard key vault`);
  return {
    name,
    async read(): Promise<VaultDocument | undefined> {
      const reply = (await client.sendCommand(['EVAL', READ, '1', key])) as unknown[];
      if (reply[0] === 'none') return undefined;
      if (reply[0] !== 'ok') throw notOurs();
      return { text: String(reply[1]), version: String(reply[2]) };
    },
    async write(text, expectedVersion): Promise<string | VaultConflict> {
      const reply = (await client.sendCommand([
        'EVAL',
        WRITE,
        '1',
        key,
        expectedVersion ?? '',
        text,
      ])) as unknown[];
      if (reply[0] === 'wrongtype') throw notOurs();
      if (reply[0] === 'conflict') {
        return reply.length >= 3
          ? { conflict: true, current: { version: String(reply[1]), text: String(reply[2]) } }
          : { conflict: true };
      }
      return String(reply[1]);
    },
  };
}
