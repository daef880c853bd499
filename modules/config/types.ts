import type {
  AffinityOptions,
  BreakerOptions,
  BudgetConfig,
  HedgeOptions,
  Price,
  RetryOptions,
  RouteRule,
} from '../../index.js';
import type { JsonWebKeySet, JwtAuthOptions, RemoteJwksOptions } from '../gateway/index.js';

/**
 * Which adapter a target uses: `anthropic`, `cohere`, `openai`, or the name of a built-in
 * OpenAI-compatible preset (`groq`, `mistral`, `deepseek`, `ollama`, `vllm`, … — see
 * `presetNames()` in `switchyard-llm/adapters/openai`).
 */
export type ProviderName = string;

/** One target of the config file: the adapter to build and the router's target settings. */
export interface TargetFileConfig {
  /** Unique id (events, errors, metrics). */
  readonly id: string;
  /** The adapter: `anthropic`, `cohere`, `openai` or an OpenAI-compatible preset name. */
  readonly provider: ProviderName;
  /** The provider's model id. */
  readonly model: string;
  /** API key; write `"${ENV_VAR}"` to read it from the environment. @default the provider's env var */
  readonly apiKey?: string;
  /** Base URL of the provider's API. @default the provider's */
  readonly baseURL?: string;
  /** Headers sent with every call. */
  readonly headers?: Readonly<Record<string, string>>;
  /** How long one attempt may wait for the response headers, in ms. @default the adapter's */
  readonly timeoutMs?: number;
  /** OpenAI-compatible adapters: `OpenAI-Organization`. */
  readonly organization?: string;
  /** OpenAI-compatible adapters: `OpenAI-Project`. */
  readonly project?: string;
  /** Azure OpenAI (`provider: "azure"`): endpoint, API version, deployment. */
  readonly azure?: { readonly endpoint?: string; readonly apiVersion?: string; readonly deployment?: string };
  /** Anthropic: `max_tokens` when neither the call nor the target sets one. */
  readonly defaultMaxTokens?: number;
  /** Anthropic: how JSON-schema answers are asked for. */
  readonly jsonSchemaMode?: 'tool' | 'native';
  /** Model aliases this target serves (what callers put in `model`). */
  readonly aliases?: readonly string[];
  /** Relative share for weighted strategies. */
  readonly weight?: number;
  /** Lower is preferred by the `priority` strategy. */
  readonly priority?: number;
  /** Most attempts in flight at once on this target. */
  readonly maxConcurrency?: number;
  /** Most attempts started per rolling minute. */
  readonly requestsPerMinute?: number;
  /** Most tokens per rolling minute (estimated when an attempt starts, corrected when it ends). */
  readonly tokensPerMinute?: number;
  /** Token prices in USD per million tokens (budgets need one on every target). */
  readonly price?: Price;
  /** Context window in tokens. */
  readonly contextWindow?: number;
  /** Default `maxOutputTokens` of calls that set none. */
  readonly maxOutputTokens?: number;
  /** Streams: abort an attempt with no content this long after it started, and fall back. */
  readonly firstTokenTimeoutMs?: number;
  /** Streams: abort a stream that stalls this long after sending content. */
  readonly interTokenTimeoutMs?: number;
  /** Provider options sent with every call to this target. */
  readonly providerOptions?: Readonly<Record<string, unknown>>;
  /** Free-form data for custom strategies. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** A strategy by name, with the options of the built-in strategy of that name. */
export interface StrategyFileConfig {
  /** A built-in strategy name (`round-robin`, `weighted`, `least-connections`, `response-time`, …). */
  readonly name: string;
  /** Its options (see `switchyard-llm/strategies`). */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** TLS of the gateway: PEM files, read at start and on a reload. */
export interface GatewayTlsFileConfig {
  /** Path of the certificate chain (PEM). */
  readonly certFile: string;
  /** Path of the private key (PEM). */
  readonly keyFile: string;
  /** Oldest TLS version accepted. */
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/**
 * Virtual keys of the gateway (`switchyard-llm/gateway`'s `VirtualKeys`): where they are kept.
 * `file`: a key file (the `keys` CLI edits it; re-read on `SIGHUP`), for one replica. `redis`:
 * in the `redis` section's Redis, shared by every replica (the admin API of any replica manages them).
 */
export type KeysFileConfig =
  | {
      readonly store: 'file';
      /** Path of the key file (hashes only; created on the first change). */
      readonly file: string;
      /** Time zone of the keys' daily and monthly budgets. @default 'UTC' */
      readonly budgetTimeZone?: string;
    }
  | {
      readonly store: 'redis';
      /** Time zone of the keys' daily and monthly budgets. @default 'UTC' */
      readonly budgetTimeZone?: string;
    };

/**
 * Settings of a remote JWKS (the `remote` object, or the rest of `jwks: { url, … }`): the
 * gateway's `RemoteJwksOptions`, with the CA certificates as PEM files instead of `ca`.
 */
export interface RemoteJwksFileConfig extends Omit<RemoteJwksOptions, 'ca'> {
  /** PEM file(s) of the CA the JWKS server's certificate must chain to, read at start. @default Node's trusted CAs */
  readonly caFile?: string | readonly string[];
}

/**
 * JWT bearer tokens (`switchyard-llm/gateway`'s `jwtAuth`, needs the `jose` package): the
 * options of `jwtAuth` that JSON can hold, as it documents them. Exactly one key source:
 * `jwksFile` (re-read on `SIGHUP`), `jwks` or `jwksUrl`.
 */
export interface JwtFileConfig
  extends Pick<
    JwtAuthOptions,
    'jwksFile' | 'issuer' | 'audience' | 'algorithms' | 'clockSkewMs' | 'maxTokenAgeMs' | 'cacheSize'
  > {
  /** A JWKS (`{ "keys": [...] }`, public keys only), or a remote one as `{ url, caFile, … }`. */
  readonly jwks?: JsonWebKeySet | (RemoteJwksFileConfig & { readonly url: string });
  /** The identity provider's JWKS URL: `https:` (or `http:` on a loopback address). */
  readonly jwksUrl?: string;
  /** Settings of the remote JWKS (with `jwksUrl`). */
  readonly remote?: RemoteJwksFileConfig;
}

/** The `gateway` section: how the HTTP server listens. Read once, at start. */
export interface GatewayFileConfig {
  /** Interface to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Port; 0 picks a free one. @default 8080 */
  readonly port?: number;
  /** Bearer key every `/v1/*` caller must send (write `"${GATEWAY_MASTER_KEY}"`). @default no auth */
  readonly masterKey?: string;
  /** Largest request body in bytes. */
  readonly maxBodyBytes?: number;
  /** Time to receive the request headers, in ms. */
  readonly headersTimeoutMs?: number;
  /** Time to receive the whole request, in ms. */
  readonly requestTimeoutMs?: number;
  /** Idle keep-alive time, in ms. */
  readonly keepAliveTimeoutMs?: number;
  /** Largest `x-switchyard-timeout-ms` a caller may ask for. */
  readonly maxCallTimeoutMs?: number;
  /** How long a shutdown lets calls in flight finish, in ms. */
  readonly shutdownGraceMs?: number;
  /** Strategy names callers may pick with `x-switchyard-strategy`. */
  readonly strategies?: readonly string[];
  /** HTTPS instead of HTTP. */
  readonly tls?: GatewayTlsFileConfig;
  /** Virtual keys (`sk-sy-…`) callers may use, with per-key models, limits and budgets. */
  readonly keys?: KeysFileConfig;
  /** JWT bearer tokens verified against a JWKS, their claims mapped to a principal. */
  readonly jwt?: JwtFileConfig;
  /** The admin API's key (`/admin/keys…`; write `"${SWITCHYARD_ADMIN_KEY}"`). Needs `keys`. @default no admin API */
  readonly adminKey?: string;
  /** Serve Anthropic's Messages API on `POST /v1/messages`. @default true */
  readonly anthropicMessages?: boolean;
}

/** TLS of the connection to Redis (a `rediss://` URL): PEM files read at start. */
export interface RedisTlsFileConfig {
  /** CA certificate(s) the server's certificate must chain to. @default Node's trusted CAs */
  readonly caFile?: string;
  /** Client certificate, for a server that asks for one (`tls-auth-clients`). */
  readonly certFile?: string;
  /** The client certificate's private key. */
  readonly keyFile?: string;
  /** Name the server's certificate must carry. @default the URL's host */
  readonly servername?: string;
}

/**
 * The `redis` section: keep breakers, Retry-After blocks, rate windows, per-key quotas and
 * budgets in Redis (`switchyard-llm/redis`, needs the `redis` package), so that every replica
 * started from the same config shares them. Read once, at start.
 */
export interface RedisFileConfig {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…`; write `"${REDIS_URL}"`. */
  readonly url: string;
  /** ACL user (overrides the URL's). */
  readonly username?: string;
  /** Password (overrides the URL's); write `"${REDIS_PASSWORD}"`. */
  readonly password?: string;
  /** Prefix of every key, so several deployments can share a Redis. @default 'switchyard:' */
  readonly prefix?: string;
  /** TLS files (with a `rediss://` URL). */
  readonly tls?: RedisTlsFileConfig;
  /** A command slower than this counts as a Redis failure (local state serves). @default 250 */
  readonly commandTimeoutMs?: number;
  /** How long the start waits for the first connection. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** Interval of the full resync of the local mirror. @default 5000 */
  readonly resyncIntervalMs?: number;
  /** How long a half-open probe claim holds. @default 30000 */
  readonly probeLeaseMs?: number;
  /** Budgets while Redis is out: `open` spends against local totals, `closed` refuses. @default 'open' */
  readonly budgetFailure?: 'open' | 'closed';
}

/** The `metrics` section (`switchyard-llm/metrics`, needs prom-client). */
export interface MetricsFileConfig {
  /** Metric name prefix. @default 'switchyard_' */
  readonly prefix?: string;
  /** Which labels the metrics carry. */
  readonly labels?: readonly string[];
  /** Latency histogram buckets, in seconds. */
  readonly buckets?: readonly number[];
  /** Distinct caller-supplied label values kept per label. */
  readonly maxTagValues?: number;
}

/** The `monitor` section: the live monitor (`switchyard-llm/monitor`, needs ws) on its own port. */
export interface MonitorFileConfig {
  /** Port; 0 picks a free one. */
  readonly port: number;
  /** Interface. @default '127.0.0.1' */
  readonly host?: string;
  /** Shared secret of the monitor's clients (write `"${MONITOR_TOKEN}"`). */
  readonly token: string;
  /** Period of snapshots in ms (at least 1000). */
  readonly intervalMs?: number;
  /** Seconds of history behind each figure. */
  readonly windowSeconds?: number;
}

/**
 * The config file of `switchyard-llm serve`, after `${VAR}` substitution and validation. Unknown
 * keys are errors: a typo must not be silently ignored.
 */
export interface SwitchyardConfig {
  /** A JSON schema reference for editors; ignored. */
  readonly $schema?: string;
  /** The targets (at least one). */
  readonly targets: readonly TargetFileConfig[];
  /** The strategy: a name, or `{ name, options }`. @default 'round-robin' */
  readonly strategy?: string | StrategyFileConfig;
  /** Retries and fallback. */
  readonly retry?: RetryOptions;
  /** Per-target circuit breaker, or `false`. */
  readonly breaker?: BreakerOptions | false;
  /** Whole-call deadline in ms, retries included. */
  readonly timeoutMs?: number;
  /** Streams: abort an attempt that gets no event for this long. */
  readonly streamIdleTimeoutMs?: number;
  /** Streams: no content this long after an attempt started → fall back. */
  readonly firstTokenTimeoutMs?: number;
  /** Streams: a stall this long after content → `stream_interrupted`. */
  readonly interTokenTimeoutMs?: number;
  /** Wait up to `maxWaitMs` for a free target instead of failing at once. */
  readonly queue?: { readonly maxWaitMs: number };
  /** Spend caps (every target needs a `price`). */
  readonly budgets?: readonly BudgetConfig[];
  /** Conditional routes (each may set its own `hedge`). */
  readonly routes?: readonly RouteRule[];
  /** Hedged requests for every call (see docs/hedging.md). @default off */
  readonly hedge?: HedgeOptions;
  /** Session and prompt-cache affinity (see docs/strategies.md). @default off */
  readonly affinity?: AffinityOptions;
  /** `GET /metrics`: `true`/an object to require it, `false` to turn it off. @default on when prom-client is installed */
  readonly metrics?: boolean | MetricsFileConfig;
  /** The live monitor on its own port. @default off */
  readonly monitor?: MonitorFileConfig;
  /** The HTTP server. */
  readonly gateway?: GatewayFileConfig;
  /** Shared state in Redis for several replicas. @default state in memory, per process */
  readonly redis?: RedisFileConfig;
}
