/**
 * AUTH (an ACL user and password) and TLS (`rediss://`, CA verification, client certificate)
 * against real redis-servers; wrong credentials and certificates that do not verify give a clear
 * `config` error at connect, never a hang and never the password.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router, type SwitchyardError } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import {
  makeCertificates,
  REDIS_SERVER,
  type RedisServer,
  startRedis,
  type TestCertificates,
} from '../../test/helpers/redis-server.js';
import { RedisStateStore, type RedisStoreOptions } from './index.js';

const SECRET = 's3cret-Pa55word';

/** Connects a store, routes one call through it, and closes; resolves with the connect error if any. */
async function tryStore(options: RedisStoreOptions): Promise<SwitchyardError | 'ok'> {
  const store = new RedisStateStore({ connectTimeoutMs: 3000, ...options });
  const errors: string[] = [];
  store.on('error', (e) => errors.push(e.error.message));
  try {
    await store.connect();
    const router = new Router({
      targets: [
        { id: 'a', adapter: new MockAdapter(() => ({ text: 'ok' })), model: 'm', requestsPerMinute: 10 },
      ],
      store,
    });
    await router.complete({ messages: [{ role: 'user', content: 'x' }] });
    await router.close();
    expect(store.healthy).toBe(true);
    return 'ok';
  } catch (e) {
    for (const m of errors) expect(m).not.toContain(SECRET);
    return e as SwitchyardError;
  } finally {
    await store.close();
  }
}

describe.skipIf(REDIS_SERVER === undefined)('RedisStateStore: AUTH and TLS', () => {
  let dir: string;
  let certs: TestCertificates;
  let acl: RedisServer;
  let tls: RedisServer;
  let mtls: RedisServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-redis-certs-'));
    certs = makeCertificates(dir);
    [acl, tls, mtls] = await Promise.all([
      startRedis({ users: ['default off', `router on >${SECRET} ~* &* +@all`] }),
      startRedis({
        tls: certs,
        tlsAuthClients: 'no',
        users: ['default off', `router on >${SECRET} ~* &* +@all`],
      }),
      startRedis({ tls: certs, tlsAuthClients: 'yes' }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([acl?.stop(), tls?.stop(), mtls?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('authenticates as an ACL user, from options or from the URL', async () => {
    expect(await tryStore({ url: acl.url, username: 'router', password: SECRET })).toBe('ok');
    expect(
      await tryStore({ url: `redis://router:${encodeURIComponent(SECRET)}@127.0.0.1:${acl.port}` }),
    ).toBe('ok');
  }, 30_000);

  it('refuses wrong credentials with a config error that names the user, not the password', async () => {
    const wrong = await tryStore({ url: acl.url, username: 'router', password: `${SECRET}-not` });
    expect(wrong).toMatchObject({ kind: 'config' });
    const message = (wrong as SwitchyardError).message;
    expect(message).toContain('refused the credentials of user "router"');
    expect(message).not.toContain(SECRET);
    const none = await tryStore({ url: acl.url });
    expect(none).toMatchObject({ kind: 'config' });
  }, 30_000);

  it('speaks TLS with CA verification and AUTH over it', async () => {
    expect(
      await tryStore({ url: tls.url, username: 'router', password: SECRET, tls: { ca: certs.ca } }),
    ).toBe('ok');
  }, 30_000);

  it('refuses a server certificate that does not verify', async () => {
    const error = await tryStore({
      url: tls.url,
      username: 'router',
      password: SECRET,
      tls: { ca: certs.otherCa },
    });
    expect(error).toMatchObject({ kind: 'config' });
    expect((error as SwitchyardError).message).toContain('TLS certificate');
    expect((error as SwitchyardError).message).not.toContain(SECRET);
    // Node's own CAs do not know the test CA either.
    expect(await tryStore({ url: tls.url, username: 'router', password: SECRET })).toMatchObject({
      kind: 'config',
    });
  }, 30_000);

  it('presents a client certificate to a server that asks for one', async () => {
    expect(
      await tryStore({ url: mtls.url, tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } }),
    ).toBe('ok');
  }, 30_000);

  // The server resets the connection after the TLS 1.3 handshake for want of a client certificate:
  // a clear `config` error at connect, quickly, and no uncaught `read ECONNRESET` (node-redis
  // listens to its socket's errors with `once`, and such a socket emits two: see #stopOnFatal in
  // connection.ts).
  it('refuses to connect without the client certificate a server asks for', async () => {
    const started = Date.now();
    const without = await tryStore({ url: mtls.url, tls: { ca: certs.ca }, connectTimeoutMs: 1500 });
    expect(without).toMatchObject({ kind: 'config' });
    expect((without as SwitchyardError).message).toContain('client certificate');
    expect(Date.now() - started).toBeLessThan(1500);
  }, 30_000);
});
