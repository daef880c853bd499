/**
 * The load test's floor: a bare pass-through proxy on `node:http`. It reads the request body,
 * forwards it to the upstream with an undici keep-alive pool, and pipes the answer back (status,
 * content type, each body chunk as it arrives) — no routing, no parsing, no mapping. Whatever
 * latency and CPU per call it adds is what any Node proxy between the client and the mock pays on
 * this machine, so the gateway's added latency is read against it.
 *
 * Loopback only. Started as a child process by `npm run loadtest` (`servers.ts bare <origin>`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

/** A started bare proxy. */
export interface BareProxy {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

function forward(pool: Pool, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  pool.request(
    {
      path: req.url ?? '/',
      method: 'POST',
      headers: {
        'content-type': req.headers['content-type'] ?? 'application/json',
        authorization: req.headers.authorization ?? '',
      },
      body,
    },
    (error, data) => {
      if (error) {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"upstream failed","type":"api_error"}}');
        return;
      }
      const type = data.headers['content-type'];
      res.writeHead(data.statusCode, typeof type === 'string' ? { 'content-type': type } : {});
      data.body.on('data', (chunk: Buffer) => res.write(chunk));
      data.body.on('end', () => res.end());
      data.body.on('error', () => res.destroy());
    },
  );
}

/** Starts the bare proxy on 127.0.0.1 (`port` 0: a free port) in front of `upstreamOrigin`. */
export async function startBareProxy(upstreamOrigin: string, port = 0): Promise<BareProxy> {
  const pool = new Pool(upstreamOrigin, { connections: 256, pipelining: 1 });
  const server = createServer({ noDelay: true, keepAlive: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () =>
      forward(pool, req, res, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    );
  });
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${bound}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.close();
    },
  };
}
