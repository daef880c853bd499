import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import { type Router, SwitchyardError } from '../../index.js';
import type { GatewayStats } from './auth-events.js';
import { SHUTDOWN_CODE } from './chat.js';
import { createHandler, type Lifecycle } from './handler.js';
import { InFlight } from './in-flight.js';
import { type GatewayOptions, resolveOptions } from './options.js';
import { loadTls, tlsServerFactory } from './tls.js';

/** A running gateway's address. */
export interface GatewayAddress {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` (`https://` with `tls`), for clients (`baseURL: `${url}/v1``). */
  readonly url: string;
}

/** An OpenAI-compatible HTTP server in front of a {@link Router}. */
export interface Gateway {
  /** Starts listening. Resolves with the address once bound. Rejects when already started. */
  start(): Promise<GatewayAddress>;
  /**
   * Graceful shutdown: stops accepting connections, answers new requests on open connections
   * with a 503, lets calls in flight finish for up to `shutdownGraceMs`, then aborts the rest
   * (their clients get a 503 `gateway_shutdown` error, or a last error event in a stream) and
   * closes every connection. Idempotent. Does not close the router.
   */
  stop(): Promise<void>;
  /** The `node:http` request listener, to mount the gateway in a server of your own. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** The underlying server (for tests and socket-level settings). */
  readonly server: Server;
  /** Calls in flight now. */
  readonly inFlight: number;
  /**
   * With `tls`: re-reads the certificate, key and CA files and uses them for new connections
   * (open ones keep theirs). Call it on `SIGHUP` after renewing the certificate.
   * @throws {SwitchyardError} `config` naming the field when the new files are unreadable or do
   *   not match (the old certificate then stays in use), or when the gateway has no `tls`.
   */
  reloadTls(): void;
  /**
   * Serves new requests from `router` from now on (`/v1/models`, `/readyz` and calls), while
   * the calls in flight finish on the router they started on. Resolves once those calls have
   * finished; it does not close the previous router (close it then). For a config reload.
   * @throws {SwitchyardError} `config` when `router` is not a Router.
   */
  replaceRouter(router: Router): Promise<void>;
  /** Counters of refused requests (by reason) and admin calls (by action). */
  stats(): GatewayStats;
}

/**
 * Creates an OpenAI-compatible gateway for `router`: `POST /v1/chat/completions` (plain and
 * streamed), `GET /v1/models`, `GET /healthz`, `GET /readyz` and, with a metrics collector,
 * `GET /metrics`. Call `start()` to listen.
 *
 * @throws {SwitchyardError} `config` naming the field, for bad options.
 *
 * @example
 * ```ts
 * const gateway = createGateway(router, { port: 8080, authenticate: masterKeyAuth(process.env.MASTER_KEY!) });
 * await gateway.start();
 * process.once('SIGTERM', () => void gateway.stop().then(() => router.close()));
 * ```
 */
export function createGateway(router: Router, options: GatewayOptions = {}): Gateway {
  const o = resolveOptions(options);
  const calls = new InFlight();
  let stopping = false;
  let stopped: Promise<void> | undefined;
  let started = false;

  const lifecycle: Lifecycle = {
    get stopping() {
      return stopping;
    },
    track(controller) {
      calls.add(controller);
      return () => calls.delete(controller);
    },
  };

  const handler = createHandler(router, o, lifecycle);
  if (o.metrics !== undefined) o.events.register(o.metrics.registry);
  // With `tls`, a node:https server (its handshake gets the headers' time limit).
  const server = (o.tls ? tlsServerFactory(o.tls, o.headersTimeoutMs) : createServer)(
    {
      headersTimeout: o.headersTimeoutMs,
      requestTimeout: o.requestTimeoutMs,
      keepAliveTimeout: o.keepAliveTimeoutMs,
      // Node checks the two timeouts above on this interval (30 s by default): check often enough
      // that they hold to within about a quarter.
      connectionsCheckingInterval: Math.max(
        25,
        Math.min(1_000, Math.floor(Math.min(o.headersTimeoutMs, o.requestTimeoutMs) / 4)),
      ),
    },
    handler,
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // Malformed HTTP (bad request line, header injection attempts) and slow clients: a JSON error and close.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, code] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['408 Request Timeout', 'request_timeout']
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? ['431 Request Header Fields Too Large', 'headers_too_large']
          : ['400 Bad Request', 'bad_request'];
    const body = JSON.stringify({
      error: {
        message: 'Malformed or incomplete HTTP request.',
        type: 'invalid_request_error',
        param: null,
        code,
      },
    });
    socket.end(
      `HTTP/1.1 ${status}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  function waitGrace(): Promise<void> {
    if (calls.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = o.clock.setTimeout(resolve, o.shutdownGraceMs);
      void calls.settled().then(() => {
        o.clock.clearTimeout(timer);
        resolve();
      });
    });
  }

  async function shutdown(): Promise<void> {
    stopping = true;
    const closed = started
      ? new Promise<void>((resolve) => server.close(() => resolve()))
      : Promise.resolve();
    server.closeIdleConnections();
    await waitGrace();
    if (calls.size > 0) {
      const reason = new SwitchyardError(
        'aborted',
        `the gateway is shutting down: the call was cancelled after the ${o.shutdownGraceMs} ms grace period`,
        { code: SHUTDOWN_CODE },
      );
      for (const controller of calls.keys()) controller.abort(reason);
      await calls.settled();
    }
    server.closeAllConnections();
    await closed;
    o.events.unregister();
  }

  return {
    handler,
    server,
    get inFlight() {
      return calls.size;
    },
    stats: () => o.events.stats(),
    start() {
      if (started || stopping) {
        return Promise.reject(new SwitchyardError('config', 'createGateway: start() was already called'));
      }
      started = true;
      return new Promise<GatewayAddress>((resolve, reject) => {
        const onError = (error: unknown) => reject(error);
        server.once('error', onError);
        server.listen(o.port, o.host, () => {
          server.off('error', onError);
          server.on('error', o.onError);
          const { port } = server.address() as AddressInfo;
          const host = o.host.includes(':') ? `[${o.host}]` : o.host;
          resolve({ host: o.host, port, url: `${o.tls ? 'https' : 'http'}://${host}:${port}` });
        });
      });
    },
    stop() {
      stopped ??= shutdown();
      return stopped;
    },
    reloadTls() {
      if (o.tls === undefined)
        throw new SwitchyardError('config', 'createGateway: reloadTls: the gateway has no tls option');
      (server as unknown as TlsServer).setSecureContext(loadTls(o.tls.options));
    },
    replaceRouter(next) {
      if (typeof next?.complete !== 'function' || !Array.isArray(next.targets)) {
        throw new SwitchyardError('config', 'replaceRouter: expected a Router');
      }
      handler.setRouter(next);
      // The calls tracked now are exactly the ones on the previous router (see createHandler).
      return calls.settled();
    },
  };
}
