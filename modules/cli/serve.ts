import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { type Router, SwitchyardError } from '../../index.js';
import {
  type BuiltRouter,
  buildRouter,
  type ConfigServices,
  loadConfig,
  openServices,
  type SwitchyardConfig,
  ZOD_MISSING,
} from '../config/index.js';
import { createGateway, type Gateway, type GatewayAddress } from '../gateway/index.js';
import type { MetricsCollector } from '../metrics/index.js';
import { createMonitor, type Monitor } from '../monitor/index.js';
import type { RedisStateStore } from '../redis/index.js';
import { summarize } from './describe.js';
import type { CliIo } from './io.js';
import { createLog, type Log, messageOf, throttled } from './log.js';
import { secretsOf } from './secrets.js';

/** Options of the `serve` command. */
export interface ServeOptions {
  /** Path of the config file (relative to `io.cwd`). */
  readonly config: string;
  /** Overrides `gateway.port`. */
  readonly port?: number;
  /** Overrides `gateway.host`. */
  readonly host?: string;
}

/** One loaded config and what was built from it. */
interface Generation {
  readonly config: SwitchyardConfig;
  readonly built: BuiltRouter;
}

/** A config error's message, with how to get zod when that is what is missing. */
export function explain(error: unknown, command: string): string {
  const message = messageOf(error);
  if (message !== ZOD_MISSING) return message;
  return `${message} (or run it without installing: npx -p switchyard-llm -p zod switchyard-llm ${command} …)`;
}

/** The gateway's TLS reload, once the gateway has one (an additive option of the gateway). */
function tlsReloader(gateway: Gateway): (() => unknown) | undefined {
  const reload = (gateway as Gateway & { reloadTls?: () => unknown }).reloadTls;
  return typeof reload === 'function' ? () => reload.call(gateway) : undefined;
}

/** Logs breaker ejections and recoveries of a router. */
function watchRouter(router: Router, log: Log): void {
  router.on('target:ejected', (e) =>
    log('warn', 'target_ejected', {
      target: e.target,
      errorKind: e.errorKind,
      cooldownMs: e.cooldownMs,
      consecutiveFailures: e.consecutiveFailures,
    }),
  );
  router.on('target:restored', (e) => log('info', 'target_restored', { target: e.target, downMs: e.downMs }));
}

/** Logs the Redis store's health (type-only import: the store is loaded only with a `redis` section). */
function watchStore(store: RedisStateStore, log: Log): void {
  store.on('degraded', (e) => log('warn', 'store_degraded', { reason: e.reason }));
  store.on('restored', (e) => log('info', 'store_restored', { downMs: e.downMs }));
  store.on('error', (e) => log('error', 'store_error', { operation: e.operation, message: e.error.message }));
}

/** Why a reload cannot apply: authentication turned on or off needs a restart. */
function authChange(before: SwitchyardConfig, after: SwitchyardConfig): string | undefined {
  const auth = (c: SwitchyardConfig) =>
    c.gateway?.masterKey !== undefined || c.gateway?.keys !== undefined || c.gateway?.jwt !== undefined;
  const had = auth(before);
  const has = auth(after);
  if (had === has) return undefined;
  return had
    ? 'gateway.masterKey: authentication cannot be turned off by a reload; restart to do so'
    : 'gateway.masterKey: authentication cannot be turned on by a reload; restart to do so';
}

/** Settings of the `gateway` section (and metrics on/off) that a reload does not apply. */
function needRestart(before: SwitchyardConfig, after: SwitchyardConfig): string[] {
  const a: Record<string, unknown> = { ...before.gateway, masterKey: undefined };
  const b: Record<string, unknown> = { ...after.gateway, masterKey: undefined };
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]))
    .map((key) => `gateway.${key}`);
  if ((before.metrics === false) !== (after.metrics === false)) fields.push('metrics');
  if (JSON.stringify(before.redis) !== JSON.stringify(after.redis)) fields.push('redis');
  return fields;
}

/** At most one `jwks_unavailable` log line per this many ms (the rest are counted in `suppressed`). */
const JWKS_LOG_INTERVAL_MS = 30_000;

/**
 * `switchyard-llm serve`: builds the router from the config file and serves it with the gateway
 * until SIGTERM or SIGINT (graceful stop, exit code 0). SIGHUP reloads the config: a valid one
 * replaces the router for new requests while calls in flight finish on the old one (then closed);
 * an invalid one is logged and the old one keeps serving. Logs are JSON lines on stderr.
 * Resolves with the exit code.
 */
export async function serve(options: ServeOptions, io: CliIo): Promise<number> {
  const path = resolve(io.cwd, options.config);
  let current: Generation | undefined;
  const log = createLog(io, () => secretsOf(current?.config));
  // Every refused token reports it while the identity provider is down: one line per 30 s.
  const jwksUnavailable = throttled(log, 'warn', 'jwks_unavailable', JWKS_LOG_INTERVAL_MS);
  // One state store for every router of the process (Redis with a `redis` section, else memory):
  // budgets' spend, breakers and rate limits carry over a reload. The virtual keys too.
  let services: ConfigServices | undefined;

  async function load(): Promise<Generation> {
    const config = await loadConfig(path, io.env);
    if (services === undefined) {
      services = await openServices(config, {
        watchRedis: (store) => watchStore(store, log),
        onJwtError: (error) => jwksUnavailable({ message: messageOf(error) }),
      });
      if (services.redisUnavailable !== undefined) {
        log('warn', 'redis_unavailable', { message: services.redisUnavailable, serving: 'local state' });
      }
    } else if (config.gateway?.keys !== undefined && services.keys === undefined) {
      throw new SwitchyardError(
        'config',
        'config: gateway.keys: virtual keys cannot be turned on by a reload; restart to do so',
      );
    } else if (config.gateway?.jwt !== undefined && services.jwt === undefined) {
      throw new SwitchyardError(
        'config',
        'config: gateway.jwt: JWT authentication cannot be turned on by a reload; restart to do so',
      );
    }
    const built = buildRouter(config, {
      store: services.store,
      ...(services.keys !== undefined && { keys: services.keys }),
      ...(services.jwt !== undefined && { jwt: services.jwt }),
    });
    watchRouter(built.router, log);
    return { config, built };
  }

  try {
    current = await load();
    // Stored keys' budgets in the router now (a bad one stops the start); keys in a Redis that
    // is not reachable yet are loaded by the first request once it is.
    if (services?.redisUnavailable === undefined) await services?.keys?.ready();
  } catch (error) {
    log('error', 'startup_failed', { config: path, message: explain(error, 'serve') });
    await current?.built.close();
    await services?.close();
    return 1;
  }
  const keys = services!.keys;
  const jwt = services!.jwt;
  const closeServices = () => services!.close();
  const first = current;
  if (first.built.metricsSkipped !== undefined) {
    log('info', 'metrics_off', { reason: first.built.metricsSkipped });
  }

  // The gateway keeps its options; these follow the current generation.
  const live = (): Generation => current ?? first;
  const startMetrics = first.built.metrics;
  const metrics: MetricsCollector | undefined = startMetrics && {
    get registry() {
      return (live().built.metrics ?? startMetrics).registry;
    },
    metricsHandler: () => (req: IncomingMessage, res: ServerResponse) => {
      const m = live().built.metrics;
      if (m === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('metrics are off\n');
        return;
      }
      m.metricsHandler()(req, res);
    },
    metrics: () => live().built.metrics?.metrics() ?? Promise.resolve(''),
    close: () => {},
  };
  const startAuth = first.built.gatewayOptions.authenticate;
  const gateway = createGateway(first.built.router, {
    ...first.built.gatewayOptions,
    ...(options.port !== undefined && { port: options.port }),
    ...(options.host !== undefined && { host: options.host }),
    ...(metrics && { metrics }),
    ...(startAuth && {
      authenticate: (info) => (live().built.gatewayOptions.authenticate ?? startAuth)(info),
    }),
    onError: (error) => log('error', 'gateway_error', { message: messageOf(error) }),
  });
  const reloadTls = tlsReloader(gateway);
  if (first.config.gateway?.tls !== undefined && reloadTls === undefined) {
    log('error', 'startup_failed', {
      message: 'gateway.tls: this version of switchyard-llm/gateway does not serve TLS',
    });
    await first.built.close();
    await closeServices();
    return 1;
  }

  let address: GatewayAddress;
  try {
    address = await gateway.start();
  } catch (error) {
    log('error', 'startup_failed', { message: messageOf(error) });
    await gateway.stop();
    await first.built.close();
    await closeServices();
    return 1;
  }

  let monitor: Monitor | undefined;
  /** Starts the generation's monitor, if it has one; false when it failed (logged). */
  async function startMonitor(generation: Generation): Promise<boolean> {
    const settings = generation.built.monitor;
    if (settings === undefined) return true;
    try {
      monitor = await createMonitor(generation.built.router, settings);
      log('info', 'monitor_listening', { url: monitor.baseUrl });
      return true;
    } catch (error) {
      log('error', 'monitor_failed', { message: messageOf(error) });
      return false;
    }
  }
  // A monitor the config asks for must start (on a reload, a failed one is logged and the gateway serves on).
  if (!(await startMonitor(first))) {
    log('error', 'startup_failed', { message: 'monitor: could not start (see monitor_failed)' });
    await gateway.stop();
    await first.built.close();
    await closeServices();
    return 1;
  }

  const summary = summarize(first.config, first.built);
  log('info', 'listening', {
    url: address.url,
    config: path,
    targets: summary.targets.length,
    models: summary.models,
    auth: summary.auth,
    metrics: summary.metrics,
    state: summary.state,
  });

  return new Promise<number>((done) => {
    let stopping = false;
    let finished = false;
    let reloads = Promise.resolve();
    const draining = new Set<Promise<void>>();

    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      for (const off of offs) off();
      done(code);
    };

    async function reloadConfig(): Promise<void> {
      const startedAt = Date.now();
      const previous = live();
      let next: Generation;
      try {
        next = await load();
      } catch (error) {
        log('error', 'reload_failed', {
          config: path,
          message: explain(error, 'serve'),
          serving: 'previous config',
        });
        return;
      }
      const refused = authChange(previous.config, next.config);
      if (refused !== undefined || stopping) {
        if (refused !== undefined)
          log('error', 'reload_failed', { message: refused, serving: 'previous config' });
        keys?.useRouter(previous.built.router); // buildRouter moved them to the refused router
        await next.built.close();
        return;
      }
      const restart = needRestart(previous.config, next.config);
      if (restart.length > 0) log('warn', 'restart_needed', { fields: restart });

      current = next;
      const inFlight = gateway.inFlight;
      const drained = gateway.replaceRouter(next.built.router);
      if (monitor !== undefined || next.built.monitor !== undefined) {
        await monitor?.close();
        monitor = undefined;
        await startMonitor(next);
      }
      const s = summarize(next.config, next.built);
      log('info', 'reloaded', {
        targets: s.targets.length,
        models: s.models,
        draining: inFlight,
        ms: Date.now() - startedAt,
      });
      const closing = drained
        .then(() => previous.built.close())
        .then(
          () => log('info', 'previous_router_closed', { calls: inFlight }),
          (error: unknown) => log('error', 'previous_router_close_failed', { message: messageOf(error) }),
        );
      draining.add(closing);
      void closing.finally(() => draining.delete(closing));
    }

    /** Re-reads the virtual keys (the key file); an invalid file changes nothing. */
    async function reloadKeys(): Promise<void> {
      if (keys === undefined || stopping) return;
      try {
        await keys.reload();
        log('info', 'keys_reloaded', { keys: (await keys.store.list()).length });
      } catch (error) {
        log('error', 'keys_reload_failed', { message: messageOf(error), serving: 'previous keys' });
      }
    }

    /** Re-reads the JWKS file (or re-fetches the URL); an invalid file changes nothing. */
    async function reloadJwt(): Promise<void> {
      if (jwt === undefined || stopping) return;
      try {
        await jwt.reload();
        log('info', 'jwt_reloaded');
      } catch (error) {
        log('error', 'jwt_reload_failed', { message: messageOf(error), serving: 'previous keys' });
      }
    }

    async function reload(): Promise<void> {
      log('info', 'reload_requested', { signal: 'SIGHUP' });
      await reloadConfig();
      await reloadKeys();
      await reloadJwt();
      if (reloadTls !== undefined && !stopping) {
        try {
          await reloadTls();
          log('info', 'tls_reloaded');
        } catch (error) {
          log('error', 'tls_reload_failed', { message: messageOf(error) });
        }
      }
    }

    async function stop(signal: string): Promise<void> {
      if (stopping) {
        log('warn', 'forced_exit', { signal });
        finish(1);
        return;
      }
      stopping = true;
      log('info', 'stopping', { signal, inFlight: gateway.inFlight });
      await reloads;
      await gateway.stop();
      await monitor?.close();
      await Promise.all([...draining]);
      await live().built.close();
      await closeServices();
      log('info', 'stopped');
      finish(0);
    }

    const onStop = (signal: string) => () => {
      stop(signal).catch((error: unknown) => {
        log('error', 'stop_failed', { message: messageOf(error) });
        finish(1);
      });
    };
    const offs = [
      io.onSignal('SIGHUP', () => {
        if (stopping) return;
        reloads = reloads.then(reload).catch((error: unknown) => {
          log('error', 'reload_failed', { message: messageOf(error), serving: 'previous config' });
        });
      }),
      io.onSignal('SIGTERM', onStop('SIGTERM')),
      io.onSignal('SIGINT', onStop('SIGINT')),
    ];
  });
}
