/**
 * `switchyard-llm serve` with a `redis` section, against a real redis-server: two gateway
 * processes' worth of `serve` (in process, fake signals) started from the same config share a
 * virtual key's requests per minute; with `gateway.keys.store: "redis"` a key created through one
 * replica's admin API is accepted by the other and a revocation refuses it on both.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort, REDIS_SERVER, type RedisServer, startRedis } from '../../test/helpers/redis-server.js';
import { json, ScriptedServer } from '../adapter-kit/index.js';
import { FileKeyStore, VirtualKeys } from '../gateway/index.js';
import { runCli } from './index.js';
import { fakeIo, OK_COMPLETION, upstreamTarget } from './test-helpers.js';

const KEY = 'sk-upstream-test-0123456789';
const ADMIN = 'admin-0123456789abcdef-redis';

describe.skipIf(REDIS_SERVER === undefined)('serve with Redis: replicas share state', () => {
  let redis: RedisServer;
  let upstream: ScriptedServer;
  let dir: string;
  let n = 0;
  const running: Array<{ raise: (s: 'SIGTERM') => void; exit: Promise<number> }> = [];

  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-ops-redis-'));
    upstream = await ScriptedServer.start();
    upstream.setDefault(json(200, OK_COMPLETION));
  });
  afterEach(async () => {
    for (const r of running.splice(0)) {
      r.raise('SIGTERM');
      await r.exit;
    }
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A config with a fresh prefix, written to a file. */
  function config(gateway: Record<string, unknown>): string {
    const path = join(dir, 'config.json');
    writeFileSync(
      path,
      JSON.stringify({
        targets: [upstreamTarget(upstream.url)],
        gateway: { port: 0, ...gateway },
        redis: { url: '${REDIS_URL}', prefix: `gwops${++n}:`, commandTimeoutMs: 2000 },
        metrics: false,
      }),
    );
    return path;
  }

  /** Starts `serve` on the config; resolves with its URL and its log. */
  async function replica(path: string) {
    const fake = fakeIo({ KEY, REDIS_URL: redis.url, ADMIN });
    const exit = runCli(['serve', '--config', path], fake.io);
    running.push({ raise: fake.raise, exit });
    const listening = await fake.waitFor('listening');
    expect(listening.state).toBe('redis');
    return { url: String(listening.url), fake };
  }

  const chat = (url: string, key: string) =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
    });

  it('two replicas from one config admit a key’s requests per minute once, together', async () => {
    const keyFile = join(dir, 'keys.json');
    const { secret } = await new VirtualKeys(new FileKeyStore(keyFile)).create({ name: 'svc', rpm: 3 });
    const path = config({ keys: { store: 'file', file: keyFile } });
    const [a, b] = await Promise.all([replica(path), replica(path)]);

    const answers: Response[] = [];
    for (let i = 0; i < 8; i++) answers.push(await chat(i % 2 === 0 ? a.url : b.url, secret));
    const statuses = answers.map((r) => r.status);
    // Alone, each replica would admit 3 (6 in all); sharing the window in Redis, exactly 3 pass.
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(upstream.requests.length).toBe(3);
    const refused = answers.find((r) => r.status === 429)!;
    expect(refused.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    for (const r of answers) await r.body?.cancel();
    for (const r of [a, b]) {
      expect(r.fake.out.stderr).not.toContain(redis.url);
      expect(r.fake.out.stderr).not.toContain(KEY);
    }
  }, 60_000);

  it('keys in Redis: created through one replica’s admin API, accepted by the other, revoked on both', async () => {
    const path = config({ keys: { store: 'redis' }, adminKey: '${ADMIN}' });
    const [a, b] = await Promise.all([replica(path), replica(path)]);
    const admin = (url: string, method: string, route: string, body?: unknown) =>
      fetch(`${url}/admin/keys${route}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    const created = await admin(a.url, 'POST', '', { name: 'shared', models: ['chat'] });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; secret: string };
    const secret = key.secret;
    expect((await chat(b.url, secret)).status).toBe(200);
    expect((await chat(a.url, secret)).status).toBe(200);
    // Listed by either replica.
    const listed = (await (await admin(b.url, 'GET', '')).json()) as { data: Array<{ id: string }> };
    expect(listed.data.map((k) => k.id)).toEqual([key.id]);

    // Only the SHA-256 is in Redis.
    const raw = createClient({ url: redis.url });
    await raw.connect();
    try {
      const dump = JSON.stringify(await raw.hGetAll(`gwops${n}:keys:records`));
      expect(dump).toContain(key.id);
      expect(dump).not.toContain(secret);
      expect(JSON.stringify(await raw.hGetAll(`gwops${n}:keys:hashes`))).not.toContain(secret);
    } finally {
      await raw.close();
    }

    expect((await admin(b.url, 'DELETE', `/${key.id}`)).status).toBe(200);
    expect((await chat(a.url, secret)).status).toBe(401);
    expect((await chat(b.url, secret)).status).toBe(401);
    expect(upstream.requests.length).toBe(2);
  }, 60_000);

  it('Redis down at start: serves from local state, refuses virtual keys, accepts them once Redis is up', async () => {
    const port = await freePort();
    const path = join(dir, 'down.json');
    writeFileSync(
      path,
      JSON.stringify({
        targets: [upstreamTarget(upstream.url)],
        gateway: { port: 0, keys: { store: 'redis' }, adminKey: '${ADMIN}' },
        redis: {
          url: `redis://127.0.0.1:${port}`,
          prefix: 'down:',
          connectTimeoutMs: 300,
          commandTimeoutMs: 2000,
        },
        metrics: false,
      }),
    );
    const fake = fakeIo({ KEY, ADMIN });
    const exit = runCli(['serve', '--config', path], fake.io);
    running.push({ raise: fake.raise, exit });
    expect((await fake.waitFor('redis_unavailable')).serving).toBe('local state');
    const url = String((await fake.waitFor('listening')).url);
    expect((await chat(url, 'sk-sy-not-a-key')).status).toBe(401);
    expect(fake.lines().some((l) => l.event === 'gateway_error')).toBe(true); // the lookup failed, said so

    // Redis comes up on that port: the store reconnects, keys work.
    const late = await startRedis({ port });
    try {
      await fake.waitFor('store_restored');
      const created = await fetch(`${url}/admin/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'late' }),
      });
      expect(created.status).toBe(201);
      const { secret } = (await created.json()) as { secret: string };
      expect((await chat(url, secret)).status).toBe(200);
    } finally {
      for (const r of running.splice(0)) {
        r.raise('SIGTERM');
        await r.exit;
      }
      await late.stop();
    }
  }, 60_000);
});
