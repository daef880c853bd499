import { isSwitchyardError, MemoryStateStore, type StateStore, SwitchyardError } from '../../index.js';
import {
  FileKeyStore,
  type JwtAuthenticate,
  type KeyStore,
  RedisKeyStore,
  VirtualKeys,
} from '../gateway/index.js';
import type { RedisStateStore, RedisStoreOptions } from '../redis/index.js';
import { checkJose, jwtAuthOf } from './jwt.js';
import { readPem } from './pem.js';
import type { RedisFileConfig, SwitchyardConfig } from './types.js';

/** The message when the config asks for Redis and the `redis` package is missing. */
export const REDIS_MISSING =
  'config: redis: switchyard-llm/redis needs the optional peer dependency redis: npm install redis';

/**
 * What a process builds once from its first config and keeps across reloads: the state store
 * (Redis when the config has a `redis` section, else memory), the virtual keys and the JWT hook.
 */
export interface ConfigServices {
  /** The state store every router of the process uses (`buildRouter(config, { store })`). */
  readonly store: StateStore;
  /** The Redis store, when the config has a `redis` section (its events: degraded, restored, error). */
  readonly redis: RedisStateStore | undefined;
  /** The gateway's virtual keys, when the config has `gateway.keys`. */
  readonly keys: VirtualKeys | undefined;
  /** The JWT hook, when the config has `gateway.jwt` (`reload()` re-reads the JWKS file or re-fetches the URL). */
  readonly jwt: JwtAuthenticate | undefined;
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
  /** Failures of the JWT key source (a remote JWKS that cannot be fetched): `jwtAuth`'s `onError`. */
  readonly onJwtError?: (error: unknown) => void;
}

/** The `RedisStateStore` options of the `redis` section (TLS files read here). */
export function redisStoreOptions(r: RedisFileConfig): RedisStoreOptions {
  const tls = r.tls && {
    ...(r.tls.caFile !== undefined && { ca: readPem(r.tls.caFile, 'redis.tls.caFile') }),
    ...(r.tls.certFile !== undefined && { cert: readPem(r.tls.certFile, 'redis.tls.certFile') }),
    ...(r.tls.keyFile !== undefined && { key: readPem(r.tls.keyFile, 'redis.tls.keyFile') }),
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
 * Opens what a config's `redis`, `gateway.keys` and `gateway.jwt` sections describe: a connected
 * `RedisStateStore` (or a `MemoryStateStore` without `redis`), the gateway's `VirtualKeys` over a
 * key file or over Redis, and the JWT hook (its JWKS file read). Pass them to {@link buildRouter};
 * keep them across reloads.
 *
 * Redis refusing the credentials or a certificate that does not verify rejects (a `config`
 * error); Redis unreachable does not: the store serves from local state, keeps connecting, and
 * {@link ConfigServices.redisUnavailable} says why.
 *
 * @throws {SwitchyardError} `config`: a TLS or CA file that cannot be read, a key file or JWKS
 *   file that is not one, the `redis` or (with `gateway.jwt`) `jose` package missing, bad credentials.
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
  let jwt: JwtAuthenticate | undefined;
  if (config.gateway?.jwt !== undefined) {
    try {
      jwt = jwtAuthOf(config.gateway.jwt, options.onJwtError);
      await checkJose();
    } catch (error) {
      await redis?.close();
      throw error;
    }
  }
  const store: StateStore = redis ?? new MemoryStateStore();
  return {
    store,
    redis,
    keys,
    jwt,
    redisUnavailable: unavailable,
    close: async () => {
      await redis?.close();
    },
  };
}
