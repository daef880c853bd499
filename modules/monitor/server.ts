import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { type Router, systemClock, type TimerHandle } from '../../index.js';
import { optionalPeer } from '../adapter-kit/index.js';
import type { UsageRow } from '../usage/index.js';
import {
  hostsFor,
  MONITOR_PROTOCOL,
  offeredProtocols,
  originAllowed,
  presentedToken,
  tokenMatches,
} from './auth.js';
import { sendEvent, sendSnapshot } from './backpressure.js';
import { Collector, type MonitorEvent } from './collector.js';
import { type MonitorOptions, readMonitorOptions } from './options.js';
import { monitorPage } from './page.js';
import { PAGE_SCRIPT } from './page-script.js';
import { buildSnapshot, type MonitorSnapshot } from './snapshot.js';

/** A running monitor, from {@link createMonitor}. */
export interface Monitor {
  /** The page's address, token included in the fragment (the browser never sends it to the server). */
  readonly url: string;
  /** The page's address without the token. */
  readonly baseUrl: string;
  /** Connected WebSocket clients now. */
  readonly clients: number;
  /** Events dropped for slow clients so far. */
  readonly droppedEvents: number;
  /** Builds the snapshot the clients would get now. */
  snapshot(): MonitorSnapshot;
  /** Disconnects every client, stops the server and stops listening to the router. Idempotent. */
  close(): Promise<void>;
}

const loadWs = optionalPeer({
  packageName: 'ws',
  neededBy: 'switchyard-llm/monitor',
  load: () => import('ws'),
});

const HOUR = 3_600_000;
const RECENT_EVENTS = 50;

/**
 * Starts a live monitor of `router`: an HTTP server (bound to 127.0.0.1 by default) serving one
 * self-contained page, and a WebSocket endpoint (`/ws`) that pushes a snapshot at most once a
 * second — per target health, in-flight, calls/s, p50/p95, TTFT, error rate by kind, tokens/s,
 * cost per minute; budget use; recent routing decisions; alerts — and notable events as they
 * happen. Every client presents the token; browsers must come from the monitor's own origin.
 * Needs the optional peer `ws`. See docs/monitor.md.
 *
 * @example
 * ```ts
 * const monitor = await createMonitor(router, { port: 7070, token: process.env.MONITOR_TOKEN! });
 * console.log(`open ${monitor.url}`);
 * ```
 * @throws {SwitchyardError} `config` when an option is invalid (naming the field) or `ws` is missing.
 */
export async function createMonitor(router: Router, options: MonitorOptions): Promise<Monitor> {
  const s = readMonitorOptions(options);
  const { WebSocketServer: Wss } = await loadWs();
  const clock = s.clock ?? systemClock;
  const clients = new Set<WebSocket>();
  let dropped = 0;
  let closed = false;

  /** The last events, sent to a client when it connects (the page's feed after a reload or restart). */
  const recent: MonitorEvent[] = [];
  // Events are queued on the call path (one push) and sent from the next turn of the event loop:
  // serialising and writing to clients never runs inside a router call, however many clients.
  let pending: MonitorEvent[] = [];
  let flushing: ReturnType<typeof setImmediate> | undefined;
  const flushEvents = () => {
    flushing = undefined;
    const batch = pending;
    pending = [];
    if (closed || clients.size === 0) return;
    for (const event of batch) {
      const data = JSON.stringify({ type: 'event', data: event });
      for (const ws of clients) {
        if (sendEvent(ws, data, s) === 'dropped') dropped++;
      }
    }
  };
  const broadcastEvent = (event: MonitorEvent) => {
    recent.push(event);
    if (recent.length > RECENT_EVENTS) recent.shift();
    if (clients.size === 0 || closed) return;
    pending.push(event);
    flushing ??= setImmediate(flushEvents);
  };
  const collector = new Collector(router, clock, {
    windowSeconds: s.windowSeconds,
    decisions: s.decisions,
    ...(s.alerts === undefined ? {} : { alerts: s.alerts }),
    onEvent: broadcastEvent,
  });

  const snapshot = (): MonitorSnapshot => {
    const now = clock.now();
    let ledgerRows: UsageRow[] | undefined;
    try {
      ledgerRows = s.ledger?.query({ by: ['target'], since: now - HOUR });
    } catch {
      ledgerRows = undefined; // a ledger without the target dimension: no ledger figures
    }
    return buildSnapshot({
      now,
      windowSeconds: s.windowSeconds,
      health: router.health(),
      windows: collector.windows,
      budgets: router.budgets(),
      decisions: collector.decisions(),
      alerts: s.alerts?.alerts() ?? [],
      ...(ledgerRows === undefined ? {} : { ledgerRows }),
      droppedEvents: dropped,
    });
  };

  let timer: TimerHandle | undefined;
  const tick = () => {
    timer = undefined;
    if (closed || clients.size === 0) return;
    const data = JSON.stringify({ type: 'snapshot', data: snapshot() });
    for (const ws of clients) sendSnapshot(ws, data, s);
    schedule();
  };
  const schedule = () => {
    if (timer !== undefined || closed) return;
    timer = clock.setTimeout(tick, s.intervalMs);
    clock.unref?.(timer);
  };

  const page = monitorPage();
  const scriptHash = createHash('sha256').update(PAGE_SCRIPT, 'utf8').digest('base64');
  const csp = `default-src 'none'; script-src 'sha256-${scriptHash}'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  let allowedHosts = new Set<string>();

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (!originAllowed({ host: req.headers.host }, allowedHosts)) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('misdirected request\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/') {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': csp,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : page);
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204, { 'cache-control': 'max-age=86400' }).end();
      return;
    }
    if (path === '/snapshot') {
      if (!tokenMatches(presentedToken({ authorization: req.headers.authorization }), s.token)) {
        res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(snapshot()));
      return;
    }
    res.writeHead(404).end();
  };

  const refuse = (socket: Duplex, status: number, reason: string) => {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  const wss: WebSocketServer = new Wss({
    noServer: true,
    maxPayload: 4096,
    handleProtocols: (protocols) => (protocols.has(MONITOR_PROTOCOL) ? MONITOR_PROTOCOL : false),
  });
  const server = createServer(onRequest);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if ((req.url ?? '').split('?')[0] !== '/ws') return refuse(socket, 404, 'Not Found');
    if (!originAllowed(req.headers, allowedHosts)) return refuse(socket, 403, 'Forbidden');
    if (!tokenMatches(presentedToken(req.headers), s.token)) return refuse(socket, 401, 'Unauthorized');
    if (
      offeredProtocols(req.headers).length > 0 &&
      !offeredProtocols(req.headers).includes(MONITOR_PROTOCOL)
    ) {
      return refuse(socket, 400, 'Bad Request');
    }
    if (closed) return refuse(socket, 503, 'Service Unavailable');
    if (clients.size >= s.maxClients) return refuse(socket, 503, 'Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      collector.watchRoutes(true);
      ws.on('close', () => {
        clients.delete(ws);
        if (clients.size === 0) collector.watchRoutes(false);
      });
      ws.on('error', () => ws.terminate());
      ws.on('message', () => undefined); // clients have nothing to say
      sendSnapshot(ws, JSON.stringify({ type: 'snapshot', data: snapshot() }), s);
      sendSnapshot(ws, JSON.stringify({ type: 'events', data: recent }), s);
      schedule();
    });
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(s.port, s.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    collector.close();
    wss.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  allowedHosts = hostsFor(s.host, port);
  const hostPart = s.host.includes(':') ? `[${s.host}]` : s.host;
  const baseUrl = `http://${hostPart}:${port}/`;

  let closing: Promise<void> | undefined;
  return {
    url: `${baseUrl}#token=${s.token}`,
    baseUrl,
    get clients() {
      return clients.size;
    },
    get droppedEvents() {
      return dropped;
    },
    snapshot,
    close() {
      closing ??= (async () => {
        closed = true;
        if (timer !== undefined) clock.clearTimeout(timer);
        if (flushing !== undefined) clearImmediate(flushing);
        pending = [];
        timer = undefined;
        collector.close();
        for (const ws of clients) ws.terminate();
        clients.clear();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}
