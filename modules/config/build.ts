import {
  type Adapter,
  isSwitchyardError,
  Router,
  type RouterOptions,
  type StateStore,
  type StrategyFactory,
  SwitchyardError,
  type TargetConfig,
} from '../../index.js';
import { adaptive, cost, intelligent, leastConnections, responseTime } from '../../strategies/index.js';
import {
  type Authenticate,
  type GatewayOptions,
  type JwtAuthenticate,
  masterKeyAuth,
  type VirtualKeys,
} from '../gateway/index.js';
import { collectMetrics, type MetricLabel, type MetricsCollector } from '../metrics/index.js';
import type { MonitorOptions } from '../monitor/index.js';
import { adapterFor } from './adapters.js';
import { jwtAuthOf } from './jwt.js';
import type { GatewayTlsFileConfig, SwitchyardConfig, TargetFileConfig } from './types.js';

/** The gateway's options from the `gateway` section (`tls` passed on as written). */
export type ConfigGatewayOptions = GatewayOptions & { readonly tls?: GatewayTlsFileConfig };

/** What {@link buildRouter} builds from a config. */
export interface BuiltRouter {
  readonly router: Router;
  /** Options for `createGateway(router, gatewayOptions)`: the `gateway` section, auth and metrics. */
  readonly gatewayOptions: ConfigGatewayOptions;
  /** The metrics collector serving `/metrics`, when metrics are on. */
  readonly metrics: MetricsCollector | undefined;
  /**
   * Why metrics are off when the config did not mention them: `prom-client` is not installed.
   * `undefined` when they are on or were turned off by the config.
   */
  readonly metricsSkipped: string | undefined;
  /** Options for `createMonitor(router, monitor)` (`switchyard-llm/monitor`), when configured. */
  readonly monitor: MonitorOptions | undefined;
  /** Closes the metrics collector and the router (its adapters' connections). */
  close(): Promise<void>;
}

/** Options of {@link buildRouter}. */
export interface BuildRouterOptions {
  /**
   * Where breaker, rate-limit and budget state lives. Pass the same store to the routers built on
   * each reload so that budgets' spend and breakers carry over. @default a new MemoryStateStore
   */
  readonly store?: StateStore;
  /**
   * The gateway's virtual keys (from {@link openServices}, kept across reloads): they serve the
   * router built here from now on (their budgets are applied to it), and go into the gateway
   * options with `gateway.adminKey`.
   */
  readonly keys?: VirtualKeys;
  /**
   * The JWT hook of `gateway.jwt` (from {@link openServices}, kept across reloads so that its
   * keys and verified-token cache carry over). @default built here from `gateway.jwt`
   */
  readonly jwt?: JwtAuthenticate;
}

/** Tries each hook in turn: the first principal wins; none → refused. */
function anyOf(hooks: readonly Authenticate[]): Authenticate {
  if (hooks.length === 1) return hooks[0]!;
  return async (request) => {
    for (const hook of hooks) {
      const principal = await hook(request);
      if (principal !== undefined) return principal;
    }
    return undefined;
  };
}

const WITH_OPTIONS: Readonly<Record<string, (options: never) => StrategyFactory>> = {
  'least-connections': leastConnections,
  'response-time': responseTime,
  cost,
  adaptive,
  intelligent,
};

function strategyOf(config: SwitchyardConfig): RouterOptions['strategy'] {
  const s = config.strategy;
  if (s === undefined || typeof s === 'string') return s;
  const make = WITH_OPTIONS[s.name];
  return make !== undefined && s.options !== undefined ? make(s.options as never) : s.name;
}

function prefixed(error: unknown, where: string): SwitchyardError {
  const message = error instanceof Error ? error.message : String(error);
  if (isSwitchyardError(error) && error.kind === 'config') {
    return new SwitchyardError('config', `config: ${where}${message.replace(/^config: /, '')}`, {
      cause: error,
    });
  }
  return new SwitchyardError('config', `config: ${where}${message}`, { cause: error });
}

function targetOf(t: TargetFileConfig, adapter: Adapter): TargetConfig {
  return {
    id: t.id,
    adapter,
    model: t.model,
    ...(t.aliases && { aliases: t.aliases }),
    ...(t.weight !== undefined && { weight: t.weight }),
    ...(t.priority !== undefined && { priority: t.priority }),
    ...(t.maxConcurrency !== undefined && { maxConcurrency: t.maxConcurrency }),
    ...(t.requestsPerMinute !== undefined && { requestsPerMinute: t.requestsPerMinute }),
    ...(t.tokensPerMinute !== undefined && { tokensPerMinute: t.tokensPerMinute }),
    ...(t.price && { price: t.price }),
    ...(t.contextWindow !== undefined && { contextWindow: t.contextWindow }),
    ...(t.maxOutputTokens !== undefined && { maxOutputTokens: t.maxOutputTokens }),
    ...(t.firstTokenTimeoutMs !== undefined && { firstTokenTimeoutMs: t.firstTokenTimeoutMs }),
    ...(t.interTokenTimeoutMs !== undefined && { interTokenTimeoutMs: t.interTokenTimeoutMs }),
    ...(t.providerOptions && { providerOptions: t.providerOptions }),
    ...(t.metadata && { metadata: t.metadata }),
  };
}

function metricsOf(
  config: SwitchyardConfig,
  router: Router,
): { metrics: MetricsCollector | undefined; skipped: string | undefined } {
  const m = config.metrics;
  if (m === false) return { metrics: undefined, skipped: undefined };
  const options =
    typeof m === 'object'
      ? {
          ...(m.prefix !== undefined && { prefix: m.prefix }),
          ...(m.labels && { labels: m.labels as readonly MetricLabel[] }),
          ...(m.buckets && { buckets: m.buckets }),
          ...(m.maxTagValues !== undefined && { maxTagValues: m.maxTagValues }),
        }
      : {};
  try {
    return { metrics: collectMetrics(router, options), skipped: undefined };
  } catch (error) {
    // Not asked for, and prom-client is not installed: no /metrics.
    if (m === undefined && isSwitchyardError(error) && error.message.includes('prom-client')) {
      return { metrics: undefined, skipped: error.message };
    }
    throw prefixed(error, 'metrics: ');
  }
}

/**
 * Builds the router a config describes (adapters by provider, strategy, retries, breaker,
 * timeouts, queue, budgets, routes), its metrics collector, and the gateway's and monitor's
 * options. Nothing listens yet.
 *
 * @throws {SwitchyardError} `config` naming the target or field (a missing API key, a bad option).
 *
 * @example
 * ```ts
 * const { router, gatewayOptions } = buildRouter(await loadConfig('switchyard.config.json'));
 * await createGateway(router, gatewayOptions).start();
 * ```
 */
export function buildRouter(config: SwitchyardConfig, options: BuildRouterOptions = {}): BuiltRouter {
  const adapters: Adapter[] = [];
  const closeAdapters = () => Promise.all(adapters.map((a) => a.close?.())).catch(() => {});
  let router: Router;
  try {
    const targets = config.targets.map((t, i) => {
      let adapter: Adapter;
      try {
        adapter = adapterFor(t);
      } catch (error) {
        throw prefixed(error, `targets[${i}] (${t.id}): `);
      }
      adapters.push(adapter);
      return targetOf(t, adapter);
    });
    try {
      router = new Router({
        targets,
        ...(config.strategy !== undefined && { strategy: strategyOf(config) }),
        ...(config.retry && { retry: config.retry }),
        ...(config.breaker !== undefined && { breaker: config.breaker }),
        ...(config.timeoutMs !== undefined && { timeoutMs: config.timeoutMs }),
        ...(config.streamIdleTimeoutMs !== undefined && { streamIdleTimeoutMs: config.streamIdleTimeoutMs }),
        ...(config.firstTokenTimeoutMs !== undefined && { firstTokenTimeoutMs: config.firstTokenTimeoutMs }),
        ...(config.interTokenTimeoutMs !== undefined && { interTokenTimeoutMs: config.interTokenTimeoutMs }),
        ...(config.queue && { queue: config.queue }),
        ...(config.budgets && { budgets: config.budgets }),
        ...(config.routes && { routes: config.routes }),
        ...(config.hedge && { hedge: config.hedge }),
        ...(config.affinity && { affinity: config.affinity }),
        ...(options.store && { store: options.store }),
      });
    } catch (error) {
      throw prefixed(error, '');
    }
  } catch (error) {
    void closeAdapters();
    throw error;
  }

  let metrics: ReturnType<typeof metricsOf>;
  try {
    metrics = metricsOf(config, router);
  } catch (error) {
    void router.close();
    throw error;
  }

  const g = config.gateway ?? {};
  const keys = g.keys === undefined ? undefined : options.keys;
  if (g.keys !== undefined && keys === undefined) {
    void router.close();
    metrics.metrics?.close();
    throw new SwitchyardError(
      'config',
      'config: gateway.keys: buildRouter needs the `keys` option (openServices(config).keys)',
    );
  }
  let jwt: JwtAuthenticate | undefined;
  try {
    jwt = g.jwt === undefined ? undefined : (options.jwt ?? jwtAuthOf(g.jwt));
  } catch (error) {
    void router.close();
    metrics.metrics?.close();
    throw error;
  }
  keys?.useRouter(router);
  const hooks: Authenticate[] = [];
  if (g.masterKey !== undefined) hooks.push(masterKeyAuth(g.masterKey));
  if (keys !== undefined) hooks.push(keys.authenticate);
  // Last: a bearer token that is no JWT is refused by it (thrown), not passed on.
  if (jwt !== undefined) hooks.push(jwt);
  const gatewayOptions: ConfigGatewayOptions = {
    ...(g.host !== undefined && { host: g.host }),
    ...(g.port !== undefined && { port: g.port }),
    ...(hooks.length > 0 && { authenticate: anyOf(hooks) }),
    ...(keys !== undefined && { keys }),
    ...(g.adminKey !== undefined && { adminKey: g.adminKey }),
    ...(g.anthropicMessages !== undefined && { anthropicMessages: g.anthropicMessages }),
    ...(options.store !== undefined && { store: options.store }),
    ...(g.maxBodyBytes !== undefined && { maxBodyBytes: g.maxBodyBytes }),
    ...(g.headersTimeoutMs !== undefined && { headersTimeoutMs: g.headersTimeoutMs }),
    ...(g.requestTimeoutMs !== undefined && { requestTimeoutMs: g.requestTimeoutMs }),
    ...(g.keepAliveTimeoutMs !== undefined && { keepAliveTimeoutMs: g.keepAliveTimeoutMs }),
    ...(g.maxCallTimeoutMs !== undefined && { maxCallTimeoutMs: g.maxCallTimeoutMs }),
    ...(g.shutdownGraceMs !== undefined && { shutdownGraceMs: g.shutdownGraceMs }),
    ...(g.strategies && { strategies: g.strategies }),
    ...(g.tls && { tls: g.tls }),
    ...(metrics.metrics && { metrics: metrics.metrics }),
  };

  const m = config.monitor;
  const monitor: MonitorOptions | undefined = m && {
    port: m.port,
    token: m.token,
    ...(m.host !== undefined && { host: m.host }),
    ...(m.intervalMs !== undefined && { intervalMs: m.intervalMs }),
    ...(m.windowSeconds !== undefined && { windowSeconds: m.windowSeconds }),
  };

  let closed: Promise<void> | undefined;
  return {
    router,
    gatewayOptions,
    metrics: metrics.metrics,
    metricsSkipped: metrics.skipped,
    monitor,
    close() {
      closed ??= (async () => {
        metrics.metrics?.close();
        await router.close();
      })();
      return closed;
    },
  };
}
