/**
 * Starts and stops real `redis-server` processes for tests: a free loopback port (found by
 * binding 127.0.0.1:0), a temporary directory, no persistence (`--save '' --appendonly no`);
 * optionally TLS with certificates made with openssl (./certificates.ts), and ACL users.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestCertificates } from './certificates.js';

export { makeCertificates, type TestCertificates } from './certificates.js';

/** Where the Debian package puts the binary. */
export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) =>
  existsSync(p),
);

/** A port nobody listens on now: bind 127.0.0.1:0, read the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** Options of {@link startRedis}. */
export interface StartRedisOptions {
  /** Serve TLS only, with these certificates (`--port 0 --tls-port <port>`). */
  readonly tls?: TestCertificates;
  /** With TLS: ask clients for a certificate (`tls-auth-clients`). @default 'optional' */
  readonly tlsAuthClients?: 'yes' | 'no' | 'optional';
  /** ACL rules, e.g. `['default off', 'router on >secret ~* &* +@all']`. */
  readonly users?: readonly string[];
  /** Reuse this port (a restart). */
  readonly port?: number;
}

/** A running redis-server. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` or `rediss://…` with TLS. */
  readonly url: string;
  readonly dir: string;
  readonly process: ChildProcess;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
  /** A new server on the same port and options (empty: nothing is persisted). */
  restart(): Promise<RedisServer>;
  /** SIGTERM (SIGKILL after 2 s), wait, remove the temp dir. */
  stop(): Promise<void>;
}

/** Starts redis-server on a free loopback port; resolves once it accepts connections. */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  if (REDIS_SERVER === undefined) throw new Error('redis-server is not installed');
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-redis-'));
  const args = [
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    '--protected-mode',
    'no',
    '--enable-debug-command',
    'yes',
  ];
  if (options.tls === undefined) {
    args.push('--port', String(port));
  } else {
    const t = options.tls;
    args.push(
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--tls-cert-file',
      join(t.dir, 'server.crt'),
      '--tls-key-file',
      join(t.dir, 'server.key'),
      '--tls-ca-cert-file',
      join(t.dir, 'ca.crt'),
      '--tls-auth-clients',
      options.tlsAuthClients ?? 'optional',
    );
  }
  for (const rule of options.users ?? []) args.push('--user', ...rule.split(' '));
  const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 15_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${out}`));
    });
  });
  const server: RedisServer = {
    port,
    url: `${options.tls === undefined ? 'redis' : 'rediss'}://127.0.0.1:${port}`,
    dir,
    process: child,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
      return startRedis({ ...options, port });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
