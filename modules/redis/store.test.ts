/**
 * RedisStateStore against a real redis-server, several stores in one process standing for
 * several instances: shared breaker, probe, Retry-After block, rate window, budget, cache, key
 * TTLs, a slow Redis, snapshots and bad options.
 */
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Router, type RouterOptions, type SwitchyardError } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { REDIS_SERVER, type RedisServer, startRedis } from '../../test/helpers/redis-server.js';
import { responseCache } from '../cache/index.js';
import { RedisStateStore, type RedisStoreOptions } from './index.js';

const ask = (extra: Record<string, unknown> = {}) => ({
  messages: [{ role: 'user' as const, content: 'x' }],
  maxOutputTokens: 1,
  ...extra,
});
const waitFor = async (check: () => boolean, ms = 5000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe.skipIf(REDIS_SERVER === undefined)('RedisStateStore', () => {
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
  });

  /** A connected store on a fresh prefix (the same prefix for every store of one test). */
  async function store(options: RedisStoreOptions = {}): Promise<RedisStateStore> {
    const s = new RedisStateStore({ url: redis.url, prefix, commandTimeoutMs: 1000, ...options });
    open.push(s);
    await s.connect();
    return s;
  }

  function router(s: RedisStateStore, adapter: MockAdapter, extra: Partial<RouterOptions> = {}): Router {
    const r = new Router({
      targets: [{ id: 'a', adapter, model: 'm' }],
      store: s,
      retry: { maxAttempts: 1 },
      ...extra,
    });
    open.push(r);
    return r;
  }

  const next = () => {
    prefix = `t${++n}:`;
  };

  it('shares an ejection across instances and lets exactly one of them probe', async () => {
    next();
    const [s1, s2] = [await store(), await store()];
    const failing = new MockAdapter(() => ({ error: { status: 500 } }));
    const breaker = { failureThreshold: 2, cooldownMs: 400 };
    const r1 = router(s1, failing, { breaker });
    const ejections: number[] = [];
    r1.on('target:ejected', (e) => ejections.push(e.cooldownMs));
    for (let i = 0; i < 2; i++) await r1.complete(ask()).catch(() => {});
    await waitFor(() => ejections.length > 0); // the failure is written through after the call ends
    expect(ejections).toEqual([400]);
    const slow = new MockAdapter(() => ({ text: 'ok', delayMs: 150 }));
    const r2 = router(s2, slow, { breaker });
    // Pub/sub brings the ejection to the other instance without a call.
    await waitFor(() => r2.health()[0]?.state === 'open');
    await expect(r2.complete(ask())).rejects.toMatchObject({ kind: 'no_target' });
    expect(slow.callCount).toBe(0);
    await new Promise((r) => setTimeout(r, 450));
    const ok = new MockAdapter(() => ({ text: 'ok', delayMs: 150 }));
    const r3 = router(s1, ok, { breaker });
    const outcomes = await Promise.all(
      [r2, r3, r2, r3].map((r) =>
        r.complete(ask()).then(
          () => 'ok',
          (e: SwitchyardError) => e.kind,
        ),
      ),
    );
    expect(
      outcomes.filter((o) => o === 'ok'),
      outcomes.join(),
    ).toHaveLength(1);
    expect(slow.callCount + ok.callCount).toBe(1);
    await waitFor(() => r1.health()[0]?.state === 'closed' && r2.health()[0]?.state === 'closed');
  }, 30_000);

  it('a crashed prober does not hold the target for ever: the probe claim expires', async () => {
    next();
    const s1 = await store({ probeLeaseMs: 300 });
    const policy = {
      breaker: { failureThreshold: 1, cooldownMs: 100, maxCooldownMs: 1000, waitForRecovery: false },
      requestsPerMinute: 0,
    };
    const h1 = s1.target('a', policy);
    const now = Date.now();
    await h1.recordFailure(now, { countsAgainstHealth: true, probe: false });
    expect(await h1.acquire(now + 150)).toEqual({ admitted: true, probe: true }); // and never reports back
    const s2 = await store({ probeLeaseMs: 300 });
    const h2 = s2.target('a', policy);
    await s2.resync();
    expect(await h2.acquire(now + 200)).toMatchObject({ admitted: false });
    expect(await h2.acquire(now + 460)).toEqual({ admitted: true, probe: true });
  });

  it('shares a Retry-After block and a requests-per-minute window', async () => {
    next();
    const [s1, s2] = [await store(), await store()];
    const policy = { breaker: undefined, requestsPerMinute: 3 };
    const [h1, h2] = [s1.target('a', policy), s2.target('a', policy)];
    const now = Date.now();
    const claims = await Promise.all([h1, h2, h1, h2, h1].map((h) => h.acquire(now)));
    expect(claims.filter((c) => c.admitted)).toHaveLength(3);
    expect(claims.find((c) => !c.admitted)).toEqual({ admitted: false, retryAt: now + 60_000 });
    expect(h1.readyAt(now) > now || h2.readyAt(now) > now).toBe(true);
    await h1.recordFailure(now, { countsAgainstHealth: false, probe: false, blockForMs: 5000 });
    await s2.resync();
    expect(h2.blockedUntil()).toBe(now + 5000);
    expect(h2.read()).toMatchObject({ blockedUntil: now + 5000 });
  });

  it('reserves budgets atomically across instances and settles the actual cost', async () => {
    next();
    const [s1, s2] = [await store(), await store()];
    const [b1, b2] = [s1.budget('team/day'), s2.budget('team/day')];
    const handles = Array.from({ length: 25 }, (_, i) => (i % 2 ? b1 : b2));
    const answers = await Promise.all(
      handles.map((b) => b.reserve('2026-12-02', 0.1, 1, Date.now(), 60_000)),
    );
    expect(answers.filter((a) => a.reserved)).toHaveLength(10);
    const first = answers.findIndex((a) => a.reserved);
    await handles[first]!.settle('2026-12-02', answers[first]!.hold!, 0.05);
    await s2.resync();
    expect(b2.read('2026-12-02').spentUsd).toBeCloseTo(0.05, 10);
    expect(b2.read('2026-12-02').reservedUsd).toBeCloseTo(0.9, 10);
    expect(b2.read('2026-12-03')).toEqual({ periodKey: '2026-12-03', spentUsd: 0, reservedUsd: 0 });
    // The period's key expires two days after the period ends.
    const ttl = await raw.pTTL(`${prefix}b:team/day:2026-12-02`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(Date.UTC(2026, 11, 5) - Date.now() + 1000);
  });

  it('budget holds lapse on their own: a crashed holder frees its amount, a late settlement never releases twice', async () => {
    next();
    const [s1, s2] = [await store(), await store()];
    const [b1, b2] = [s1.budget('h'), s2.budget('h')];
    const first = await b1.reserve('total', 0.6, 1, Date.now(), 200);
    expect(first).toMatchObject({ reserved: true, hold: { amountUsd: 0.6 } });
    expect(first.hold!.expiresAt).toBeGreaterThan(Date.now() - 1000); // Redis server time
    expect(await b2.reserve('total', 0.6, 1, Date.now(), 60_000)).toMatchObject({ reserved: false });
    await new Promise((r) => setTimeout(r, 250));
    const second = await b2.reserve('total', 0.6, 1, Date.now(), 60_000); // the first lapsed: swept
    expect(second).toMatchObject({ reserved: true, totals: { reservedUsd: 0.6 } });
    // The first holder comes back late: its spend counts, its lapsed hold releases nothing more.
    expect(await b1.settle('total', first.hold!, 0.1)).toMatchObject({ spentUsd: 0.1, reservedUsd: 0.6 });
    expect(await b2.release('total', second.hold!)).toMatchObject({ spentUsd: 0.1, reservedUsd: 0 });
    expect(await b2.release('total', second.hold!)).toMatchObject({ reservedUsd: 0 });
    expect(await raw.zCard(`${prefix}b:h:total:holds`)).toBe(0);
  });

  it('restores budget spend from a snapshot as a floor: raised in Redis, never lowered or counted twice', async () => {
    next();
    const [s1, s2] = [await store(), await store()];
    const b1 = s1.budget('team/day');
    expect(await b1.restore!('2026-12-02', 0.4)).toEqual({
      periodKey: '2026-12-02',
      spentUsd: 0.4,
      reservedUsd: 0,
    });
    // Another instance sees the restored spend in Redis, and a lower or repeated restore changes nothing.
    const b2 = s2.budget('team/day');
    expect(await b2.restore!('2026-12-02', 0.1)).toMatchObject({ spentUsd: 0.4 });
    expect(await b2.restore!('2026-12-02', 0.4)).toMatchObject({ spentUsd: 0.4 });
    expect(await b2.reserve('2026-12-02', 0.7, 1, Date.now(), 60_000)).toMatchObject({ reserved: false });
    expect(await b2.reserve('2026-12-02', 0.6, 1, Date.now(), 60_000)).toMatchObject({ reserved: true });
    expect(await raw.hGet(`${prefix}b:team/day:2026-12-02`, 'spent')).toBe('0.40000000000000002');
    expect(await raw.pTTL(`${prefix}b:team/day:2026-12-02`)).toBeGreaterThan(0);

    // Through the router: a snapshot of a router on s1 restored into a router on a fresh prefix.
    const adapter = new MockAdapter(() => ({ text: 'ok', usage: { inputTokens: 1000, outputTokens: 0 } }));
    const targets = [{ id: 'a', adapter, model: 'm', price: { inputPerMTok: 100, outputPerMTok: 0 } }];
    const budgets = [{ id: 'all', limitUsd: 1, period: 'total' as const }];
    const first = router(s1, adapter, { targets, budgets });
    await first.complete(ask());
    await waitFor(() => first.budgets()[0]!.spentUsd > 0); // the settlement goes to Redis after the call
    const snapshot = first.snapshot();
    expect(snapshot.budgets).toEqual({ all: { periodKey: 'total', spentUsd: 0.1, reservedUsd: 0 } });
    next();
    const second = router(await store(), adapter, { targets, budgets });
    await second.restore(snapshot);
    expect(second.budgets()[0]).toMatchObject({ spentUsd: 0.1 });
    expect(await raw.hGet(`${prefix}b:all:total`, 'spent')).toBe('0.10000000000000001');
  });

  it('fails closed when asked: a reservation that cannot reach Redis is refused, not thrown', async () => {
    next();
    const s = await store({ budgetFailure: 'closed', commandTimeoutMs: 100 });
    const b = s.budget('x');
    expect(await b.reserve('total', 1, 10, Date.now(), 60_000)).toMatchObject({ reserved: true });
    const degraded: string[] = [];
    s.on('degraded', (e) => degraded.push(e.reason));
    await raw.sendCommand(['CLIENT', 'PAUSE', '600', 'ALL']); // every command waits 600 ms
    expect(await b.reserve('total', 1, 10, Date.now(), 60_000)).toMatchObject({ reserved: false });
    expect(degraded).toHaveLength(1);
    expect(degraded[0]).toBe('command timed out after 100 ms');
    await raw.sendCommand(['CLIENT', 'UNPAUSE']);
  });

  it('keeps routing on local state while Redis is slow, then restores', async () => {
    next();
    const s = await store({ commandTimeoutMs: 100, reconnect: { minDelayMs: 50, maxDelayMs: 100 } });
    const events: string[] = [];
    s.on('degraded', () => events.push('degraded'));
    s.on('restored', () => events.push('restored'));
    const adapter = new MockAdapter(() => ({ text: 'ok' }));
    const r = router(s, adapter, {
      targets: [
        {
          id: 'a',
          adapter,
          model: 'm',
          requestsPerMinute: 100,
          price: { inputPerMTok: 1, outputPerMTok: 1 },
        },
      ],
      budgets: [{ limitUsd: 5, period: 'day' }],
    });
    const relayed: string[] = [];
    r.on('store:degraded', (e) => relayed.push(`degraded: ${e.reason}`));
    r.on('store:restored', (e) => relayed.push(`restored after ${e.downMs >= 0 ? 'some' : 'no'} time`));
    await raw.sendCommand(['CLIENT', 'PAUSE', '500', 'ALL']); // every command waits 500 ms
    const res = await r.complete(ask());
    expect(res.text).toBe('ok');
    expect(events).toEqual(['degraded']);
    await waitFor(() => events.includes('restored'));
    expect(s.healthy).toBe(true);
    // The router relays the store's health as its own events.
    expect(relayed).toEqual(['degraded: command timed out after 100 ms', 'restored after some time']);
  });

  it('puts a TTL on every key it writes (a total budget is one bounded hash)', async () => {
    next();
    const s = await store();
    const h = s.target('a', {
      breaker: { failureThreshold: 1, cooldownMs: 1000, maxCooldownMs: 5000, waitForRecovery: false },
      requestsPerMinute: 5,
    });
    const now = Date.now();
    await h.acquire(now);
    await h.recordFailure(now, { countsAgainstHealth: true, probe: false, blockForMs: 100 });
    await s.budget('d').reserve('2026-12-02', 1, 10, now, 60_000);
    await s.budget('t').reserve('total', 1, 10, now, 60_000);
    await s.cacheStore().set('k', { response: { text: 'x' } as never }, 60_000);
    const keys = await raw.keys(`${prefix}*`);
    expect(keys.sort()).toEqual(
      [
        `${prefix}b:d:2026-12-02`,
        `${prefix}b:d:2026-12-02:holds`,
        `${prefix}b:t:total`,
        `${prefix}b:t:total:holds`,
        `${prefix}c:k`,
        `${prefix}{t:a}`,
        `${prefix}{t:a}:rate`,
      ].sort(),
    );
    for (const key of keys) {
      const ttl = await raw.pTTL(key);
      if (key.endsWith(':total') || key.endsWith(':total:holds')) expect(ttl).toBe(-1);
      else expect(ttl, key).toBeGreaterThan(0);
    }
  });

  it('is a response-cache store shared by instances', async () => {
    next();
    const [s1, s2] = [await store(), await store()];
    const adapter = new MockAdapter(() => ({ text: 'cached answer' }));
    const r1 = router(s1, adapter, {
      middleware: [responseCache({ store: s1.cacheStore(), ttlMs: 60_000 })],
    });
    const r2 = router(s2, adapter, {
      middleware: [responseCache({ store: s2.cacheStore(), ttlMs: 60_000 })],
    });
    const req = ask({ temperature: 0 });
    expect((await r1.complete(req)).text).toBe('cached answer');
    await new Promise((r) => setTimeout(r, 50)); // the write is not awaited by the call
    expect((await r2.complete(req)).text).toBe('cached answer');
    expect(adapter.callCount).toBe(1);
    const c = s1.cacheStore();
    await c.delete('nope');
    expect(await c.get('nope')).toBeUndefined();
    await c.set('big', { response: { text: 'x'.repeat(2000) } as never }, 1000);
    expect(await s1.cacheStore({ maxEntryBytes: 100 }).get('big')).toBeDefined();
    await s1
      .cacheStore({ maxEntryBytes: 100 })
      .set('big2', { response: { text: 'x'.repeat(2000) } as never }, 1000);
    expect(await c.get('big2')).toBeUndefined();
  });

  it('writes a restored snapshot through to the shared state', async () => {
    next();
    const [s1, s2] = [await store(), await store()];
    const breaker = { failureThreshold: 1, cooldownMs: 60_000 };
    const r1 = router(s1, new MockAdapter(() => ({ error: { status: 500 } })), { breaker });
    await r1.complete(ask()).catch(() => {});
    await waitFor(() => r1.health()[0]?.state === 'open');
    const snapshot = r1.snapshot();
    await raw.del(`${prefix}{t:a}`);
    const r2 = router(s2, new MockAdapter(() => ({ text: 'ok' })), { breaker });
    await r2.restore(snapshot);
    await s1.resync();
    expect(r1.health()[0]).toMatchObject({ state: 'open' });
    expect(Number(await raw.hGet(`${prefix}{t:a}`, 'st'))).toBe(1);
  });

  it('refuses bad options with a config error naming the field, never echoing a password', () => {
    const bad = (options: RedisStoreOptions) => {
      try {
        new RedisStateStore(options);
      } catch (e) {
        return e as SwitchyardError;
      }
      throw new Error('no error');
    };
    const url = bad({ url: 'redis://user:hunter2@[bad' });
    expect(url.kind).toBe('config');
    expect(url.message).toContain('url');
    expect(url.message).not.toContain('hunter2');
    expect(bad({ url: 'http://localhost' }).message).toContain('"http:"');
    expect(bad({ url: 'redis://localhost', tls: {} }).message).toContain('tls');
    expect(bad({ commandTimeoutMs: 0 }).message).toContain('commandTimeoutMs');
    expect(bad({ budgetFailure: 'maybe' as never }).message).toContain('budgetFailure');
    expect(bad({ prefix: '' }).message).toContain('prefix');
  });

  it('says when Redis cannot be reached at start, keeps serving locally, and restores once it is up', async () => {
    const spare = await startRedis();
    const port = spare.port;
    await spare.stop();
    const s = new RedisStateStore({
      url: `redis://127.0.0.1:${port}`,
      connectTimeoutMs: 300,
      reconnect: { minDelayMs: 50, maxDelayMs: 100 },
    });
    open.push(s);
    const restored: number[] = [];
    s.on('restored', (e) => restored.push(e.downMs));
    const error = await s.connect().then(
      () => undefined,
      (e: SwitchyardError) => e,
    );
    expect(error?.kind).toBe('connection');
    expect(error?.message).toContain(`127.0.0.1:${port}`);
    const r = router(s, new MockAdapter(() => ({ text: 'ok' })));
    expect((await r.complete(ask())).text).toBe('ok');
    const back = await startRedis({ port });
    open.push({ close: () => back.stop() });
    await waitFor(() => restored.length === 1, 10_000);
    expect(s.healthy).toBe(true);
  }, 30_000);
});
