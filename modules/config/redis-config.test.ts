/**
 * The config's `redis` and `gateway.keys` sections: validation (JSON paths, secrets never in a
 * message) and openServices against real redis-servers (ACL password, TLS with a CA file and a
 * client certificate, Redis down at start).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSwitchyardError, MemoryStateStore } from '../../index.js';
import {
  freePort,
  makeCertificates,
  REDIS_SERVER,
  type RedisServer,
  startRedis,
} from '../../test/helpers/redis-server.js';
import { RedisStateStore } from '../redis/index.js';
import { buildRouter, openServices, parseConfig } from './index.js';
import { configError } from './test-helpers.js';

const PASSWORD = 'pw-very-secret-0123456789';

async function rejected(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(isSwitchyardError(error) && error.kind).toBe('config');
    return (error as Error).message;
  }
  throw new Error('expected a config error');
}

const targets = [{ id: 't1', provider: 'openai', model: 'm', apiKey: 'sk-x', aliases: ['chat'] }];

describe('parseConfig: redis and gateway.keys', () => {
  it('accepts a full redis section and keys in a file or in Redis', () => {
    const config = parseConfig(
      {
        targets,
        redis: {
          url: 'rediss://router:${REDIS_PASSWORD}@redis.internal:6380/2',
          prefix: 'gw:',
          tls: { caFile: '/etc/ca.pem', certFile: '/etc/c.pem', keyFile: '/etc/k.pem', servername: 'redis' },
          commandTimeoutMs: 300,
          connectTimeoutMs: 2000,
          resyncIntervalMs: 5000,
          probeLeaseMs: 10_000,
          budgetFailure: 'closed',
        },
        gateway: { keys: { store: 'redis' }, adminKey: '${ADMIN}' },
      },
      { REDIS_PASSWORD: PASSWORD, ADMIN: 'admin-0123456789abcdef' },
    );
    expect(config.redis?.url).toBe(`rediss://router:${PASSWORD}@redis.internal:6380/2`);
    expect(config.redis?.budgetFailure).toBe('closed');
    expect(config.gateway?.keys).toEqual({ store: 'redis' });
    const file = parseConfig({ targets, gateway: { keys: { store: 'file', file: '/k.json' } } }, {});
    expect(file.gateway?.keys).toEqual({ store: 'file', file: '/k.json' });
  });

  it('examples/switchyard.replicas.config.json is valid', () => {
    const text = readFileSync(
      join(import.meta.dirname, '../../examples/switchyard.replicas.config.json'),
      'utf8',
    );
    const config = parseConfig(text, {
      OPENAI_API_KEY: 'sk-a',
      ANTHROPIC_API_KEY: 'sk-b',
      SWITCHYARD_ADMIN_KEY: 'admin-0123456789abcdef',
      REDIS_URL: `rediss://router:${PASSWORD}@redis.internal:6380`,
    });
    expect(config.redis?.prefix).toBe('switchyard:prod:');
    expect(config.gateway?.keys).toEqual({ store: 'redis' });
    expect(config.gateway?.jwt).toMatchObject({ issuer: 'https://idp.internal/', audience: 'switchyard' });
  });

  it('names the path of each problem and never quotes the URL or the password', () => {
    const message = configError(() =>
      parseConfig(
        {
          targets,
          redis: {
            url: `http://user:${PASSWORD}@redis:6379`,
            password: 42,
            budgetFailure: 'sometimes',
            comandTimeoutMs: 5,
          },
        },
        {},
      ),
    );
    expect(message).toContain('redis.url: expected redis://host:port or rediss://host:port');
    expect(message).toContain('redis.password: expected string');
    expect(message).toContain('redis.budgetFailure');
    expect(message).toContain('redis.comandTimeoutMs: unknown key');
    expect(message).not.toContain(PASSWORD);
    expect(
      configError(() => parseConfig({ targets, redis: { url: `not a url ${PASSWORD}` } }, {})),
    ).not.toContain(PASSWORD);
    expect(
      configError(() =>
        parseConfig({ targets, redis: { url: 'redis://r:6379', tls: { caFile: '/ca' } } }, {}),
      ),
    ).toBe('config: redis.tls: needs a rediss:// url');
    expect(
      configError(() =>
        parseConfig({ targets, redis: { url: 'rediss://r:6379', tls: { certFile: '/c' } } }, {}),
      ),
    ).toBe('config: redis.tls.keyFile: certFile and keyFile go together');
  });

  it('refuses adminKey without keys, Redis keys without a redis section, a file store without a file', () => {
    expect(
      configError(() => parseConfig({ targets, gateway: { adminKey: 'admin-0123456789abcdef' } }, {})),
    ).toBe('config: gateway.adminKey: needs gateway.keys (the admin API manages virtual keys)');
    expect(configError(() => parseConfig({ targets, gateway: { keys: { store: 'redis' } } }, {}))).toBe(
      "config: gateway.keys.store: 'redis' needs the redis section",
    );
    expect(configError(() => parseConfig({ targets, gateway: { keys: { store: 'file' } } }, {}))).toContain(
      'gateway.keys.file',
    );
    expect(configError(() => parseConfig({ targets, gateway: { keys: { store: 'sql' } } }, {}))).toContain(
      'gateway.keys.store',
    );
    expect(
      configError(() =>
        parseConfig({ targets, gateway: { keys: { store: 'file', file: '/k' }, adminKey: 'short' } }, {}),
      ),
    ).toBe('config: gateway.adminKey: must be at least 16 characters');
  });

  it('buildRouter: keys in the config need the keys option; with them, the gateway options carry keys, admin key and store', async () => {
    const config = parseConfig(
      {
        targets,
        gateway: {
          keys: { store: 'file', file: '/nonexistent/k.json' },
          adminKey: 'admin-0123456789abcdef',
          anthropicMessages: false,
        },
      },
      {},
    );
    expect(configError(() => buildRouter(config))).toBe(
      'config: gateway.keys: buildRouter needs the `keys` option (openServices(config).keys)',
    );
    const services = await openServices(config);
    expect(services.store).toBeInstanceOf(MemoryStateStore);
    expect(services.redis).toBeUndefined();
    const built = buildRouter(config, { store: services.store, keys: services.keys! });
    expect(built.gatewayOptions.keys).toBe(services.keys);
    expect(built.gatewayOptions.adminKey).toBe('admin-0123456789abcdef');
    expect(built.gatewayOptions.store).toBe(services.store);
    expect(built.gatewayOptions.anthropicMessages).toBe(false);
    expect(typeof built.gatewayOptions.authenticate).toBe('function');
    await built.close();
    await services.close();
  });
});

describe.skipIf(REDIS_SERVER === undefined)('openServices against redis-server', () => {
  let dir: string;
  let acl: RedisServer;
  let tls: RedisServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-ops-redis-config-'));
    const certs = makeCertificates(dir);
    [acl, tls] = await Promise.all([
      startRedis({ users: ['default off', `router on >${PASSWORD} ~* &* +@all`] }),
      startRedis({ tls: certs, tlsAuthClients: 'yes' }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await acl?.stop();
    await tls?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects with an ACL user and a password from the environment; a wrong one is a config error without it', async () => {
    const env = { REDIS_PASSWORD: PASSWORD };
    const ok = await openServices(
      parseConfig(
        { targets, redis: { url: acl.url, username: 'router', password: '${REDIS_PASSWORD}' } },
        env,
      ),
    );
    expect(ok.redis).toBeInstanceOf(RedisStateStore);
    expect(ok.store).toBe(ok.redis);
    expect(ok.redis!.healthy).toBe(true);
    expect(ok.redisUnavailable).toBeUndefined();
    await ok.close();

    const wrong = `${PASSWORD}-wrong`;
    const url = `redis://router:${wrong}@127.0.0.1:${acl.port}`;
    const message = await rejected(openServices(parseConfig({ targets, redis: { url } }, {})));
    expect(message).toMatch(
      /^config: redis: RedisStateStore: Redis at 127\.0\.0\.1:\d+ refused the credentials/,
    );
    expect(message).not.toContain(wrong);
  }, 30_000);

  it('TLS from files: the CA verifies the server, a client certificate is sent; an unreadable file names its field', async () => {
    const services = await openServices(
      parseConfig(
        {
          targets,
          redis: {
            url: tls.url,
            tls: {
              caFile: join(dir, 'ca.crt'),
              certFile: join(dir, 'client.crt'),
              keyFile: join(dir, 'client.key'),
            },
          },
        },
        {},
      ),
    );
    expect(services.redis!.healthy).toBe(true);
    await services.close();

    const missing = await rejected(
      openServices(
        parseConfig({ targets, redis: { url: tls.url, tls: { caFile: join(dir, 'nope.crt') } } }, {}),
      ),
    );
    expect(missing).toBe(`config: redis.tls.caFile: cannot read ${join(dir, 'nope.crt')} (ENOENT)`);
    const untrusted = await rejected(
      openServices(
        parseConfig(
          {
            targets,
            redis: {
              url: tls.url,
              tls: {
                caFile: join(dir, 'other.crt'),
                certFile: join(dir, 'client.crt'),
                keyFile: join(dir, 'client.key'),
              },
            },
          },
          {},
        ),
      ),
    );
    expect(untrusted).toMatch(/did not verify/);
  }, 30_000);

  it('Redis down at start: serves from local state and says why (no failure)', async () => {
    const port = await freePort();
    const services = await openServices(
      parseConfig({ targets, redis: { url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 300 } }, {}),
    );
    expect(services.redisUnavailable).toMatch(/could not connect to Redis at 127\.0\.0\.1:\d+/);
    expect(services.redis!.healthy).toBe(false);
    await services.close();
  }, 30_000);
});
