/**
 * Rolling-window quotas in Redis (StateStore.quota) against a real redis-server: atomic takes
 * across stores, corrections, the mirror; two gateways sharing a virtual key's requests per
 * minute; and the core's tokensPerMinute over Redis.
 */
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { REDIS_SERVER, type RedisServer, startRedis } from '../../test/helpers/redis-server.js';
import { createGateway, type Gateway, MemoryKeyStore, VirtualKeys } from '../gateway/index.js';
import { RedisStateStore } from './index.js';

describe.skipIf(REDIS_SERVER === undefined)('RedisStateStore.quota', () => {
  let redis: RedisServer;
  let raw: ReturnType<typeof createClient>;
  const open: Array<{ close(): Promise<void> }> = [];
  let n = 0;
  let prefix = '';

  beforeAll(async () => {
    redis = await startRedis();
    raw = createClient({ url: redis.url });
    await raw.connect();
  }, 30_000);

  afterAll(async () => {
    await raw?.close();
    await redis?.stop();
  });

  afterEach(async () => {
    for (const x of open.splice(0).reverse()) await x.close();
    prefix = `q${++n}:`;
  });

  async function store(): Promise<RedisStateStore> {
    prefix ||= `q${++n}:`;
    const s = new RedisStateStore({ url: redis.url, prefix, commandTimeoutMs: 2000 });
    open.push(s);
    await s.connect();
    return s;
  }

  it('admits exactly the limit across stores racing for it, and says when there is room again', async () => {
    const [a, b] = await Promise.all([store(), store()]);
    const qa = a.quota('k', 60_000);
    const qb = b.quota('k', 60_000);
    const now = 1_000_000;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? qa : qb).take(now + i, 1, 10)),
    );
    expect(results.filter((r) => r.admitted)).toHaveLength(10);
    const refused = results.find((r) => !r.admitted)!;
    expect(refused.used).toBe(10);
    expect(refused.retryAt).toBe(1_000_000 + 60_000); // the slot of the first takes leaves the window
    // The window moves on: once the first second's slot has left, there is room again.
    expect((await qa.take(now + 60_000, 1, 10)).admitted).toBe(true);
  });

  it('adjust corrects a take (never below zero); read answers from the last reply', async () => {
    const [a, b] = await Promise.all([store(), store()]);
    const qa = a.quota('tokens', 60_000);
    const qb = b.quota('tokens', 60_000);
    const t = 5_000_000;
    const taken = await qa.take(t, 500, 1000);
    expect(taken).toMatchObject({ admitted: true, used: 500, resetAt: t + 60_000 });
    await qa.adjust(t + 10, t, -480); // the call used 20
    expect(qa.read(t + 10)).toEqual({ used: 20, resetAt: t + 60_000 });
    expect((await qb.take(t + 2000, 100, 1000)).used).toBe(120); // b sees a's correction
    await qb.adjust(t + 2010, t + 2000, -1000); // the slot of that take only, and not below 0
    expect(qb.read(t + 2010).used).toBe(20);
    expect(qb.read(t + 60_000).used).toBe(0); // the mirror ages out with the window
    const stored = await raw.hGetAll(`${prefix}q:tokens:60000`);
    expect(
      Object.values(stored)
        .map(Number)
        .sort((x, y) => x - y),
    ).toEqual([0, 20]);
    expect(await raw.pTTL(`${prefix}q:tokens:60000`)).toBeGreaterThan(59_000);
  });

  it('two gateways over one Redis admit exactly a key’s requests per minute together', async () => {
    const [sa, sb] = await Promise.all([store(), store()]);
    const records = new MemoryKeyStore();
    const maker = new VirtualKeys(records);
    const { secret } = await maker.create({ name: 'shared', rpm: 5 });
    const gateways: Gateway[] = [];
    const routers: Router[] = [];
    const ports: number[] = [];
    for (const s of [sa, sb]) {
      const router = new Router({
        targets: [
          { id: 't', model: 'm', aliases: ['chat'], adapter: new MockAdapter(() => ({ text: 'ok' })) },
        ],
      });
      // Each gateway has its own key store holding the same record (as two replicas reading one file).
      const keys = new VirtualKeys(new MemoryKeyStore(records.list()));
      const gateway = createGateway(router, { port: 0, keys, store: s });
      ports.push((await gateway.start()).port);
      gateways.push(gateway);
      routers.push(router);
    }
    try {
      const answers = await Promise.all(
        Array.from({ length: 14 }, (_, i) =>
          fetch(`http://127.0.0.1:${ports[i % 2]}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
            body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
          }).then(async (r) => ({
            status: r.status,
            reset: r.headers.get('x-ratelimit-limit-requests'),
            body: await r.text(),
          })),
        ),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(9);
      expect(answers.every((a) => a.reset === '5')).toBe(true);
    } finally {
      await Promise.all(gateways.map((g) => g.stop()));
      await Promise.all(routers.map((r) => r.close()));
    }
  });

  it('makes the core tokensPerMinute work over Redis: one call counted and corrected to its usage', async () => {
    const s = await store();
    const router = new Router({
      targets: [
        {
          id: 'tpm-target',
          model: 'm',
          tokensPerMinute: 1000,
          adapter: new MockAdapter(() => ({ text: 'ok', usage: { inputTokens: 7, outputTokens: 3 } })),
        },
      ],
      store: s,
    });
    open.push(router);
    const response = await router.complete({
      messages: [{ role: 'user', content: 'hello' }],
      maxOutputTokens: 50,
    });
    expect(response.text).toBe('ok');
    const keys = await raw.keys(`${prefix}q:*`);
    expect(keys).toHaveLength(1);
    // The estimate (2 + 50) was counted, then corrected to the real 10 when the attempt ended.
    const until = Date.now() + 5000;
    let units: number[] = [];
    while (Date.now() < until) {
      units = Object.values(await raw.hGetAll(keys[0]!)).map(Number);
      if (units.length === 1 && units[0] === 10) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(units).toEqual([10]);
  });
});
