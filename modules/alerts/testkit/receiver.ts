// Test helpers (not exported): a local HTTP receiver with scripted answers, and a recording sink.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertSink, Notification } from '../types.js';

/** One request the receiver got. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** When it arrived (Date.now()). */
  readonly at: number;
}

/** What the receiver does with one request. */
export type Behaviour =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }
  | 'hang'
  | 'close';

/** A local receiver on 127.0.0.1:0. */
export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Answers the next requests with these, in order, then with `fallback`. */
  script(...behaviours: Behaviour[]): void;
  /** Resolves once `n` requests have arrived. */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a receiver. `check` may inspect each request and return a behaviour (e.g. 400 when the
 * payload is wrong); otherwise the script, then `fallback`.
 */
export async function startReceiver(
  fallback: Behaviour = { status: 200, body: 'ok' },
  check?: (r: Received) => Behaviour | undefined,
): Promise<Receiver> {
  const received: Received[] = [];
  const script: Behaviour[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      received.push(r);
      for (const w of [...waiters]) {
        if (received.length >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
      const b = check?.(r) ?? script.shift() ?? fallback;
      if (b === 'hang') return;
      if (b === 'close') {
        req.socket.destroy();
        return;
      }
      res.writeHead(b.status, { 'content-type': 'text/plain', ...b.headers });
      res.end(b.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script: (...b) => script.push(...b),
    waitFor: (n) =>
      received.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A sink that records what it is sent; `fail` makes the next sends throw it. */
export function recordingSink(kind = 'record'): AlertSink & { sent: Notification[]; fail: unknown[] } {
  const sent: Notification[] = [];
  const fail: unknown[] = [];
  return {
    kind,
    sent,
    fail,
    secrets: () => [],
    async send(n) {
      const f = fail.shift();
      if (f !== undefined) throw f;
      sent.push(n);
    },
  };
}

/** Lets pending I/O and promise callbacks run (a real turn of the event loop, not a sleep). */
export const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
