/**
 * Starts and stops real `redis-server` processes for tests: a free loopback port (found by
 * binding 127.0.0.1:0), a temporary directory, no persistence (`--save '' --appendonly no`);
 * optionally TLS with certificates made here with openssl, and ACL users.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/** PEM files made by {@link makeCertificates}. */
export interface TestCertificates {
  readonly dir: string;
  /** The CA that signed the server and client certificates. */
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A CA that signed nothing here: verifying the server against it fails. */
  readonly otherCa: string;
}

/** A CA, a server certificate for 127.0.0.1/localhost and a client certificate, with openssl (EC P-256, 1 day). */
export function makeCertificates(dir: string): TestCertificates {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...curve,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=switchyard-test-ca',
  );
  openssl(
    'req',
    '-x509',
    ...curve,
    '-keyout',
    'other.key',
    '-out',
    'other.crt',
    '-days',
    '1',
    '-subj',
    '/CN=other-ca',
  );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, ext] of [
    ['server', 'server.ext'],
    ['client', 'client.ext'],
  ] as const) {
    openssl('req', '-new', ...curve, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      ext,
    );
  }
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    dir,
    ca: read('ca.crt'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
    otherCa: read('other.crt'),
  };
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
