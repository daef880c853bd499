/**
 * The gateway's RedisKeyStore over a real redis-server, through RedisStateStore.commandClient():
 * two VirtualKeys (two replicas) share keys, rotation with grace, revocation, budgets of keys made
 * elsewhere, foreign values, and Redis down (refused, never accepted).
 */
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isSwitchyardError, Router } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { REDIS_SERVER, type RedisServer, startRedis } from '../../test/helpers/redis-server.js';
import { RedisKeyStore, VirtualKeys } from '../gateway/index.js';
import { RedisStateStore } from './index.js';

const bearer = (token: string) => ({
  method: 'POST',
  path: '/v1/chat/completions',
  headers: { authorization: `Bearer ${token}` },
});

describe.skipIf(REDIS_SERVER === undefined)('RedisKeyStore', () => {
  let redis: RedisServer;
  let raw: ReturnType<typeof createClient>;
  const open: Array<{ close(): Promise<void> }> = [];
  let n = 0;

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
  });

  async function replica(prefix: string, clock = new VirtualClock(Date.UTC(2026, 0, 1))) {
    const store = new RedisStateStore({ url: redis.url, prefix, commandTimeoutMs: 2000 });
    open.push(store);
    await store.connect();
    const router = new Router({
      targets: [
        {
          id: 't',
          model: 'm',
          adapter: new MockAdapter([{ text: 'x' }]),
          price: { inputPerMTok: 1, outputPerMTok: 1 },
        },
      ],
      store,
      clock,
    });
    open.push(router);
    const keys = new VirtualKeys(new RedisKeyStore(store.commandClient(), { prefix }), { router, clock });
    return { store, router, keys, clock };
  }

  it('two replicas share keys: create on one, accepted, rotated with grace and revoked on both; only hashes stored', async () => {
    const prefix = `ks${++n}:`;
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const [a, b] = [await replica(prefix, clock), await replica(prefix, clock)];
    const { key, secret } = await a.keys.create({ name: 'svc', rpm: 5, metadata: { team: 'search' } });
    expect(await b.keys.authenticate(bearer(secret))).toMatchObject({
      id: key.id,
      team: 'search',
      limits: { requestsPerMinute: 5 },
    });
    expect(await b.keys.authenticate(bearer(`${secret}x`))).toBeUndefined();
    expect((await b.keys.list()).map((k) => k.id)).toEqual([key.id]);

    const rotated = (await b.keys.rotate(key.id, { graceMs: 60_000 }))!;
    expect(await a.keys.authenticate(bearer(rotated.secret))).toMatchObject({ id: key.id });
    expect(await a.keys.authenticate(bearer(secret))).toMatchObject({ id: key.id }); // in grace
    clock.advance(60_001);
    expect(await a.keys.authenticate(bearer(secret))).toBeUndefined();

    await a.keys.revoke(key.id);
    expect(await a.keys.authenticate(bearer(rotated.secret))).toBeUndefined();
    expect(await b.keys.authenticate(bearer(rotated.secret))).toBeUndefined();

    const stored = JSON.stringify([
      await raw.hGetAll(`${prefix}keys:records`),
      await raw.hGetAll(`${prefix}keys:hashes`),
    ]);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(rotated.secret);
    // The rotation's old hash left the index with the record's change.
    expect(Object.keys(await raw.hGetAll(`${prefix}keys:hashes`))).toHaveLength(1);
  });

  it('a key with a budget made on one replica is enforced by the router of the other once it is seen', async () => {
    const prefix = `ks${++n}:`;
    const [a, b] = [await replica(prefix), await replica(prefix)];
    const { key, secret } = await a.keys.create({ name: 'capped', budget: { limitUsd: 5, period: 'day' } });
    expect(b.router.budgets().some((x) => x.id === `key:${key.id}`)).toBe(false);
    await b.keys.authenticate(bearer(secret));
    expect(b.router.budgets().find((x) => x.id === `key:${key.id}`)).toMatchObject({ limitUsd: 5 });
    await a.keys.revoke(key.id);
    await b.keys.authenticate(bearer(secret)); // refused, and its budget leaves b's router
    expect(b.router.budgets().some((x) => x.id === `key:${key.id}`)).toBe(false);
  });

  it('a value that is not a key record is a config error; Redis down: lookups reject (the gateway answers 401)', async () => {
    const prefix = `ks${++n}:`;
    const a = await replica(prefix);
    await raw.hSet(`${prefix}keys:records`, 'key_x', '{"not":"a record"}');
    const error = await a.keys.list().catch((e: unknown) => e);
    expect(isSwitchyardError(error) && error.kind).toBe('config');
    await raw.del(`${prefix}keys:records`);
    const { secret } = await a.keys.create({ name: 'ok' });
    await a.store.close();
    await expect(a.keys.authenticate(bearer(secret))).rejects.toThrow();
    expect(() => new RedisKeyStore({} as never)).toThrow(/client/);
  });
});
