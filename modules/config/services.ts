import { readFileSync } from 'node:fs';
import { isSwitchyardError, MemoryStateStore, type StateStore, SwitchyardError } from '../../index.js';
import { FileKeyStore, type KeyStore, RedisKeyStore, VirtualKeys } from '../gateway/index.js';
import type { RedisStateStore, RedisStoreOptions } from '../redis/index.js';
import type { RedisFileConfig, SwitchyardConfig } from './types.js';

/** The message when the config asks for Redis and the `redis` package is missing. */
export const REDIS_MISSING =
  'config: redis: switchyard-llm/redis needs the optional peer dependency redis: npm install redis';

/**
 * What a process builds once from its first config and keeps across reloads: the state store
 * (Redis when the config has a `redis` section, else memory) and the virtual keys.
 */
export interface ConfigServices {
  /** The state store every router of the process uses (`buildRouter(config, { store })`). */
  readonly store: StateStore;
  /** The Redis store, when the config has a `redis` section (its events: degraded, restored, error). */
  readonly redis: RedisStateStore | undefined;
  /** The gateway's virtual keys, when the config has `gateway.keys`. */
  readonly keys: VirtualKeys | undefined;
  /**
   * Why Redis was not reachable at start (`undefined` when it was): the store then serves from
   * local state and keeps connecting in the background.
   */
  readonly redisUnavailable: string | undefined;
  /** Closes the Redis connections. */
  close(): Promise<void>;
}

/** Options of {@link openServices}. */
export interface OpenServicesOptions {
  /** Called with the Redis store before it connects, to listen to its events. */
  readonly watchRedis?: (store: RedisStateStore) => void;
}

function readPem(file: string, field: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new SwitchyardError('config', `config: redis.tls.${field}: cannot read ${file} (${code})`);
  }
}

/** The `RedisStateStore` options of the `redis` section (TLS files read here). */
export function redisStoreOptions(r: RedisFileConfig): RedisStoreOptions {
  const tls = r.tls && {
    ...(r.tls.caFile !== undefined && { ca: readPem(r.tls.caFile, 'caFile') }),
    ...(r.tls.certFile !== undefined && { cert: readPem(r.tls.certFile, 'certFile') }),
    ...(r.tls.keyFile !== undefined && { key: readPem(r.tls.keyFile, 'keyFile') }),
    ...(r.tls.servername !== undefined && { servername: r.tls.servername }),
  };
  return {
    url: r.url,
    ...(r.username !== undefined && { username: r.username }),
    ...(r.password !== undefined && { password: r.password }),
    ...(r.prefix !== undefined && { prefix: r.prefix }),
    ...(tls && { tls }),
    ...(r.commandTimeoutMs !== undefined && { commandTimeoutMs: r.commandTimeoutMs }),
    ...(r.connectTimeoutMs !== undefined && { connectTimeoutMs: r.connectTimeoutMs }),
    ...(r.resyncIntervalMs !== undefined && { resyncIntervalMs: r.resyncIntervalMs }),
    ...(r.probeLeaseMs !== undefined && { probeLeaseMs: r.probeLeaseMs }),
    ...(r.budgetFailure !== undefined && { budgetFailure: r.budgetFailure }),
  };
}

/** `switchyard-llm/redis`, loaded only when a config asks for it (it needs the `redis` package). */
async function loadRedisModule(): Promise<typeof import('../redis/index.js')> {
  try {
    return await import('../redis/index.js');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new SwitchyardError('config', REDIS_MISSING, { cause: error });
    }
    throw error;
  }
}

function prefixRedis(error: unknown): SwitchyardError {
  if (isSwitchyardError(error) && error.message.startsWith('config: redis')) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SwitchyardError('config', `config: redis: ${message.replace(/^config: /, '')}`, {
    cause: error,
  });
}

/**
 * Opens what a config's `redis` and `gateway.keys` sections describe: a connected
 * `RedisStateStore` (or a `MemoryStateStore` without `redis`) and the gateway's `VirtualKeys`
 * over a key file or over Redis. Pass both to {@link buildRouter}; keep them across reloads.
 *
 * Redis refusing the credentials or a certificate that does not verify rejects (a `config`
 * error); Redis unreachable does not: the store serves from local state, keeps connecting, and
 * {@link ConfigServices.redisUnavailable} says why.
 *
 * @throws {SwitchyardError} `config`: a TLS file that cannot be read, a key file that is not
 *   one, the `redis` package missing, bad credentials.
 *
 * @example
 * ```ts
 * const config = await loadConfig('switchyard.config.json');
 * const services = await openServices(config);
 * const { router, gatewayOptions } = buildRouter(config, services);
 * ```
 */
export async function openServices(
  config: SwitchyardConfig,
  options: OpenServicesOptions = {},
): Promise<ConfigServices> {
  let redis: RedisStateStore | undefined;
  let unavailable: string | undefined;
  if (config.redis !== undefined) {
    const { RedisStateStore } = await loadRedisModule();
    try {
      redis = new RedisStateStore(redisStoreOptions(config.redis));
    } catch (error) {
      throw prefixRedis(error);
    }
    options.watchRedis?.(redis);
    try {
      await redis.connect();
    } catch (error) {
      if (isSwitchyardError(error) && error.kind === 'connection') {
        unavailable = error.message;
      } else {
        await redis.close();
        throw prefixRedis(error);
      }
    }
  }
  let keys: VirtualKeys | undefined;
  const k = config.gateway?.keys;
  if (k !== undefined) {
    try {
      let store: KeyStore;
      if (k.store === 'file') {
        store = new FileKeyStore(k.file);
      } else {
        store = new RedisKeyStore(redis!.commandClient(), {
          ...(config.redis?.prefix !== undefined && { prefix: config.redis.prefix }),
        });
      }
      keys = new VirtualKeys(store, {
        ...(k.budgetTimeZone !== undefined && { budgetTimeZone: k.budgetTimeZone }),
      });
    } catch (error) {
      await redis?.close();
      const message = error instanceof Error ? error.message : String(error);
      throw new SwitchyardError('config', `config: gateway.keys: ${message.replace(/^config: /, '')}`, {
        cause: error,
      });
    }
  }
  const store: StateStore = redis ?? new MemoryStateStore();
  return {
    store,
    redis,
    keys,
    redisUnavailable: unavailable,
    close: async () => {
      await redis?.close();
    },
  };
}
