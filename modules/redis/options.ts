import { type Clock, SwitchyardError, systemClock } from '../../index.js';

/** TLS settings of a `rediss://` connection. */
export interface RedisTlsOptions {
  /** CA certificate(s) (PEM) the server's certificate must chain to. @default Node's trusted CAs */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Client certificate (PEM), for servers that ask for one (`tls-auth-clients`). */
  readonly cert?: string | Buffer;
  /** The client certificate's private key (PEM). */
  readonly key?: string | Buffer;
  /** Name the server's certificate must carry. @default the URL's host */
  readonly servername?: string;
}

/** Options of a {@link RedisStateStore}. */
export interface RedisStoreOptions {
  /**
   * `redis://[user:password@]host:port[/db]` or `rediss://…` for TLS.
   * @default 'redis://127.0.0.1:6379'
   */
  readonly url?: string;
  /** ACL user (overrides the URL's). */
  readonly username?: string;
  /** Password (overrides the URL's). Never appears in errors or events. */
  readonly password?: string;
  /** TLS settings; only with a `rediss://` URL. */
  readonly tls?: RedisTlsOptions;
  /** Prefix of every key and of the pub/sub channel, so several deployments can share a Redis. @default 'switchyard:' */
  readonly prefix?: string;
  /** A command slower than this counts as a Redis failure: the store serves from local state. @default 250 */
  readonly commandTimeoutMs?: number;
  /** How long {@link RedisStateStore.connect} waits for the first connection. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** Interval of the full resync of the local mirror (pub/sub carries breaker changes in between). @default 5000 */
  readonly resyncIntervalMs?: number;
  /** How long a half-open probe claim holds before another instance may probe (a crashed prober frees it). @default 30000 */
  readonly probeLeaseMs?: number;
  /** TTL of a target's state after its last change (longer while an ejection or block lasts). @default 86400000 (a day) */
  readonly stateTtlMs?: number;
  /**
   * What a budget reservation does when Redis cannot answer: `open` (default) reserves against
   * the local copy of the spend and replays the settlements once Redis is back; `closed` refuses
   * the reservation, so the call fails with `budget_exceeded` rather than spend unaccounted.
   */
  readonly budgetFailure?: 'open' | 'closed';
  /** Reconnection backoff: doubles from `minDelayMs` to `maxDelayMs`. @default { minDelayMs: 100, maxDelayMs: 5000 } */
  readonly reconnect?: { readonly minDelayMs?: number; readonly maxDelayMs?: number };
  /** Clock for the store's own times (budget key expiry, degraded/restored times). @default systemClock */
  readonly clock?: Clock;
}

/** Options with defaults applied and the URL taken apart. */
export interface ResolvedRedisOptions {
  readonly host: string;
  readonly port: number;
  readonly database: number;
  readonly tls: RedisTlsOptions | undefined;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly prefix: string;
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly resyncIntervalMs: number;
  readonly probeLeaseMs: number;
  readonly stateTtlMs: number;
  readonly budgetFailure: 'open' | 'closed';
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly clock: Clock;
  /** `host:port` for messages (never the credentials). */
  readonly address: string;
}

function configError(field: string, message: string): SwitchyardError {
  return new SwitchyardError('config', `RedisStateStore: ${field}: ${message}`, { retryable: false });
}

function positive(options: RedisStoreOptions, field: keyof RedisStoreOptions, fallback: number): number {
  const value = options[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw configError(field, `expected a positive number of milliseconds, got ${String(value)}`);
  }
  return value;
}

function decode(part: string): string | undefined {
  if (part === '') return undefined;
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * Validates the options (a `config` {@link SwitchyardError} naming the field) and applies defaults.
 * A URL that does not parse is refused without echoing it (it may hold a password).
 */
export function resolveRedisOptions(options: RedisStoreOptions = {}): ResolvedRedisOptions {
  if (typeof options !== 'object' || options === null) throw configError('options', 'expected an object');
  const raw = options.url ?? 'redis://127.0.0.1:6379';
  if (typeof raw !== 'string') throw configError('url', 'expected a string');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw configError('url', 'not a valid URL (expected redis://host:port or rediss://host:port)');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw configError('url', `expected the redis: or rediss: scheme, got "${url.protocol}"`);
  }
  if (url.hostname === '') throw configError('url', 'has no host');
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbPath = url.pathname.replace(/^\//, '');
  const database = dbPath === '' ? 0 : Number(dbPath);
  if (!Number.isInteger(database) || database < 0) {
    throw configError('url', `the database number must be a non-negative integer, got "${dbPath}"`);
  }
  const secure = url.protocol === 'rediss:';
  if (options.tls !== undefined && !secure) {
    throw configError('tls', 'TLS options need a rediss:// URL');
  }
  for (const field of ['username', 'password', 'prefix'] as const) {
    const value = options[field];
    if (value !== undefined && typeof value !== 'string') throw configError(field, 'expected a string');
  }
  const prefix = options.prefix ?? 'switchyard:';
  if (prefix === '') throw configError('prefix', 'must not be empty (it keeps the keys apart)');
  const budgetFailure = options.budgetFailure ?? 'open';
  if (budgetFailure !== 'open' && budgetFailure !== 'closed') {
    throw configError('budgetFailure', `expected "open" or "closed", got ${JSON.stringify(budgetFailure)}`);
  }
  const minDelayMs = options.reconnect?.minDelayMs ?? 100;
  const maxDelayMs = options.reconnect?.maxDelayMs ?? 5000;
  if (!(minDelayMs > 0) || !(maxDelayMs >= minDelayMs)) {
    throw configError('reconnect', 'expected 0 < minDelayMs <= maxDelayMs');
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port,
    database,
    tls: secure ? (options.tls ?? {}) : undefined,
    username: options.username ?? decode(url.username),
    password: options.password ?? decode(url.password),
    prefix,
    commandTimeoutMs: positive(options, 'commandTimeoutMs', 250),
    connectTimeoutMs: positive(options, 'connectTimeoutMs', 5000),
    resyncIntervalMs: positive(options, 'resyncIntervalMs', 5000),
    probeLeaseMs: positive(options, 'probeLeaseMs', 30_000),
    stateTtlMs: positive(options, 'stateTtlMs', 86_400_000),
    budgetFailure,
    minDelayMs,
    maxDelayMs,
    clock: options.clock ?? systemClock,
    address: `${url.hostname}:${port}`,
  };
}
