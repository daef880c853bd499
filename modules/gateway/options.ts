import {
  type Clock,
  MemoryStateStore,
  Router,
  type StateStore,
  SwitchyardError,
  systemClock,
} from '../../index.js';
import type { MetricsCollector } from '../metrics/index.js';
import { keyDigest } from './admin.js';
import type { Authenticate } from './auth.js';
import { type GatewayEvent, GatewayEventLog } from './auth-events.js';
import { VirtualKeys } from './keys/virtual-keys.js';
import { PrincipalLimiter } from './limits.js';
import { type GatewayTlsOptions, type ResolvedTls, resolveTls } from './tls.js';

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  /** Interface to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one. @default 8080 */
  readonly port?: number;
  /** Who may call `/v1/*` (see {@link masterKeyAuth}). @default everyone */
  readonly authenticate?: Authenticate;
  /** A metrics collector (`switchyard-llm/metrics`) to serve on `GET /metrics`. @default no `/metrics` */
  readonly metrics?: MetricsCollector;
  /** Largest request body in bytes; larger ones get a 413. @default 4 MiB */
  readonly maxBodyBytes?: number;
  /** Time allowed to receive the request headers (slowloris guard). @default 10 000 */
  readonly headersTimeoutMs?: number;
  /** Time allowed to receive the whole request, body included. @default 30 000 */
  readonly requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open. @default 5 000 */
  readonly keepAliveTimeoutMs?: number;
  /** Largest `x-switchyard-timeout-ms` a caller may ask for. @default 600 000 */
  readonly maxCallTimeoutMs?: number;
  /** On `stop()`, how long calls in flight may take to finish before they are aborted. @default 10 000 */
  readonly shutdownGraceMs?: number;
  /** Strategy names a caller may pick with `x-switchyard-strategy`. @default every name in `Router.strategies` */
  readonly strategies?: readonly string[];
  /** Time source (the router's, for `retry-after` of `no_target`; also the grace timer). @default systemClock */
  readonly clock?: Clock;
  /** Makes the `chatcmpl-…` ids. @default random */
  readonly generateId?: () => string;
  /** Failures of the gateway itself (a socket error, a hook that threw): never thrown. @default ignored */
  readonly onError?: (error: unknown) => void;
  /** Serve HTTPS (TLS 1.3 by default) with this certificate and key; see `gateway.reloadTls()`. @default plain HTTP */
  readonly tls?: GatewayTlsOptions;
  /**
   * Virtual keys: their hook lets callers in (unless `authenticate` is given) and, with
   * `adminKey`, the admin API manages them. @default none
   */
  readonly keys?: VirtualKeys;
  /** The master key of the admin API (`/admin/keys…`); at least 16 characters. Needs `keys`. @default no admin API */
  readonly adminKey?: string;
  /**
   * Where per-principal requests/tokens per minute are counted (its `quota` operation): a shared
   * store (Redis) makes them cluster-wide. @default a new MemoryStateStore
   */
  readonly store?: StateStore;
  /** Security events: `auth:failure` (refused requests) and `admin:call`. A throwing listener goes to `onError`. @default ignored */
  readonly onEvent?: (event: GatewayEvent) => void;
  /**
   * Serve Anthropic's Messages API on `POST /v1/messages` (for Anthropic-SDK clients), with the
   * same authentication and limits as `/v1/chat/completions`. `false` answers it 404. @default true
   */
  readonly anthropicMessages?: boolean;
}

/** {@link GatewayOptions} with the defaults applied. */
export interface ResolvedGatewayOptions {
  readonly host: string;
  readonly port: number;
  readonly authenticate: Authenticate | undefined;
  readonly metrics: MetricsCollector | undefined;
  readonly maxBodyBytes: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxCallTimeoutMs: number;
  readonly shutdownGraceMs: number;
  readonly strategies: ReadonlySet<string>;
  readonly clock: Clock;
  readonly generateId: (() => string) | undefined;
  readonly onError: (error: unknown) => void;
  readonly tls: ResolvedTls | undefined;
  readonly keys: VirtualKeys | undefined;
  /** SHA-256 of the admin key. */
  readonly adminKeyHash: Buffer | undefined;
  /** Counts and emits the security events. */
  readonly events: GatewayEventLog;
  /** Per-principal limits over the store. */
  readonly limiter: PrincipalLimiter;
  /** `POST /v1/messages` is served. */
  readonly anthropicMessages: boolean;
}

function bad(field: string, expected: string): never {
  throw new SwitchyardError('config', `createGateway: ${field}: expected ${expected}`);
}

function integer(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    bad(field, `an integer between ${min} and ${max}`);
  }
  return value;
}

function fn<T>(value: unknown, field: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') bad(field, 'a function');
  return value as T;
}

/**
 * Checks the options and applies the defaults.
 * @throws {SwitchyardError} `config` naming the field.
 */
export function resolveOptions(options: GatewayOptions): ResolvedGatewayOptions {
  if (typeof options !== 'object' || options === null) bad('options', 'an object');
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') bad('host', 'a non-empty string');
  const metrics = options.metrics;
  if (metrics !== undefined && typeof metrics?.metricsHandler !== 'function') {
    bad('metrics', 'a collector from collectMetrics() (switchyard-llm/metrics)');
  }
  const strategies = options.strategies ?? Router.strategies.names();
  if (!Array.isArray(strategies) || strategies.some((s) => typeof s !== 'string')) {
    bad('strategies', 'an array of strategy names');
  }
  const clock = options.clock ?? systemClock;
  if (typeof clock?.now !== 'function' || typeof clock.setTimeout !== 'function') bad('clock', 'a Clock');
  const day = 86_400_000;
  const keys = options.keys;
  if (keys !== undefined && !(keys instanceof VirtualKeys)) bad('keys', 'a VirtualKeys');
  const adminKey = options.adminKey;
  if (adminKey !== undefined) {
    if (typeof adminKey !== 'string' || adminKey.length < 16)
      bad('adminKey', 'a string of at least 16 characters');
    if (keys === undefined) bad('adminKey', 'the `keys` option too (the admin API manages virtual keys)');
  }
  const store = options.store ?? new MemoryStateStore();
  if (typeof store?.quota !== 'function') bad('store', 'a StateStore with a `quota` operation');
  const onError = fn<(error: unknown) => void>(options.onError, 'onError') ?? (() => {});
  const anthropicMessages = options.anthropicMessages ?? true;
  if (typeof anthropicMessages !== 'boolean') bad('anthropicMessages', 'a boolean');
  return {
    host,
    port: integer(options.port, 'port', 0, 65_535, 8080),
    authenticate: fn<Authenticate>(options.authenticate, 'authenticate') ?? keys?.authenticate,
    metrics,
    maxBodyBytes: integer(options.maxBodyBytes, 'maxBodyBytes', 1, 1 << 30, 4 * 1024 * 1024),
    headersTimeoutMs: integer(options.headersTimeoutMs, 'headersTimeoutMs', 1, day, 10_000),
    requestTimeoutMs: integer(options.requestTimeoutMs, 'requestTimeoutMs', 1, day, 30_000),
    keepAliveTimeoutMs: integer(options.keepAliveTimeoutMs, 'keepAliveTimeoutMs', 1, day, 5_000),
    maxCallTimeoutMs: integer(options.maxCallTimeoutMs, 'maxCallTimeoutMs', 1, day, 600_000),
    shutdownGraceMs: integer(options.shutdownGraceMs, 'shutdownGraceMs', 0, day, 10_000),
    strategies: new Set(strategies),
    clock,
    generateId: fn<() => string>(options.generateId, 'generateId'),
    tls: resolveTls(options.tls),
    onError,
    keys,
    adminKeyHash: adminKey === undefined ? undefined : keyDigest(adminKey),
    events: new GatewayEventLog(fn(options.onEvent, 'onEvent'), onError),
    limiter: new PrincipalLimiter(store, clock, onError),
    anthropicMessages,
  };
}
