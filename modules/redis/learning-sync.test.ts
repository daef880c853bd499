/**
 * The learned-state sync (`store.syncLearning(router)`) against a real redis-server: routers on
 * separate stores stand for separate instances. A target one instance saw fail or slow down is
 * learned by the others within one sync interval; a merge keeps each instance's own evidence;
 * every key has a TTL and a crashed instance drops out after it; Redis down does not stop routing.
 */
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CandidateScore, Router, type RouterOptions } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { REDIS_SERVER, type RedisServer, startRedis } from '../../test/helpers/redis-server.js';
import { type LearningSync, RedisStateStore } from './index.js';

const ask = (tags?: string[]) => ({
  messages: [{ role: 'user' as const, content: 'x' }],
  maxOutputTokens: 1,
  ...(tags === undefined ? {} : { tags }),
});
const waitFor = async (check: () => boolean, ms = 5000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** Mock upstreams a, b, c: delay (ms) and failure per target, calls counted. */
function upstreams() {
  const delay: Record<string, number> = { a: 5, b: 5, c: 5 };
  const failing: Record<string, boolean> = { a: false, b: false, c: false };
  const calls: Record<string, number> = { a: 0, b: 0, c: 0 };
  const adapter = (id: string) =>
    new MockAdapter(() => {
      calls[id]!++;
      return failing[id] ? { error: { status: 503 }, delayMs: 2 } : { text: 'ok', delayMs: delay[id]! };
    });
  return { delay, failing, calls, adapter };
}

type Ups = ReturnType<typeof upstreams>;

describe.skipIf(REDIS_SERVER === undefined)('RedisStateStore.syncLearning', () => {
  let redis: RedisServer;
  let raw: ReturnType<typeof createClient>;
  const open: Array<{ close(): Promise<void> }> = [];
  let n = 0;
  let prefix = '';

  beforeAll(async () => {
    redis = await startRedis();
    raw = createClient({ url: redis.url });
    raw.on('error', () => {}); // the Redis-down test kills the server under it
    await raw.connect();
  }, 30_000);

  afterAll(async () => {
    await raw?.close();
    await redis?.stop();
  });

  afterEach(async () => {
    for (const x of open.splice(0).reverse()) await x.close();
  });

  /** One instance: its own store and router (adaptive over a, b, c; `only-b` calls go to b). */
  async function instance(ups: Ups, extra: Partial<RouterOptions> = {}) {
    const store = new RedisStateStore({ url: redis.url, prefix, commandTimeoutMs: 1000 });
    open.push(store);
    await store.connect();
    const router = new Router({
      targets: ['a', 'b', 'c'].map((id) => ({ id, adapter: ups.adapter(id), model: 'm' })),
      strategy: 'adaptive',
      store,
      breaker: false,
      retry: { maxAttempts: 1 },
      routes: [{ name: 'only-b', when: { tags: ['only-b'] }, targets: ['b'] }],
      ...extra,
    });
    open.push(router);
    const errors: string[] = [];
    store.on('error', (e) => errors.push(`${e.operation}: ${e.error.message}`));
    return { store, router, errors };
  }

  /** The candidates' scores of `router`'s next call. */
  async function scoresOf(router: Router): Promise<Record<string, number>> {
    let seen: readonly CandidateScore[] = [];
    const listener = (e: { candidates: readonly CandidateScore[] }) => {
      seen = e.candidates;
    };
    router.on('route', listener);
    await router.complete(ask()).catch(() => {});
    router.off('route', listener);
    return Object.fromEntries(seen.map((c) => [c.target, c.score]));
  }

  /** Records each `mergeLearning` call of `router`: when, and when its freshest peer share was published. */
  function mergesOf(router: Router): { at: number; publishedAt: number }[] {
    const times: { at: number; publishedAt: number }[] = [];
    const merge = router.mergeLearning.bind(router);
    router.mergeLearning = (peers) => {
      const at = Date.now();
      const youngest = Math.min(...peers.map((p) => p.ageMs));
      times.push({ at, publishedAt: at - youngest });
      return merge(peers);
    };
    return times;
  }

  /** Resolves once `sync` completed a round that started after now; the ms it took. */
  async function nextRound(sync: LearningSync, ms = 5000): Promise<number> {
    const started = Date.now();
    const before = sync.rounds;
    await waitFor(() => sync.rounds >= before + 2, ms); // a round in flight may have read before now
    return Date.now() - started;
  }

  const next = () => {
    prefix = `ls${++n}:`;
  };

  it('instances that never called b learn from the one that saw it fail, within one interval', async () => {
    next();
    const everyMs = 250;
    const ups = upstreams();
    ups.failing.b = true; // the provider is down for everyone
    const seer = await instance(ups);
    const others = [await instance(ups), await instance(ups)];
    const control = await instance(ups); // no sync
    const syncs = [seer, ...others].map((i) => i.store.syncLearning(i.router, { everyMs, group: 'g' }));
    for (let k = 0; k < 20; k++) await seer.router.complete(ask()).catch(() => {});
    for (let k = 0; k < 10; k++) await seer.router.complete(ask(['only-b'])).catch(() => {});
    expect(ups.calls.b).toBeGreaterThanOrEqual(10);
    const merged = others.map((o) => mergesOf(o.router));
    const published = Date.now();
    await syncs[0]!.syncNow(); // the seer's latest evidence is in Redis from here on
    // Each other instance merges it at its next round: within one interval of the publish.
    const learnedWithin: number[] = [];
    for (const times of merged) {
      await waitFor(() => times.some((t) => t.at > published && t.publishedAt >= published), 5000);
      learnedWithin.push(times.find((t) => t.at > published && t.publishedAt >= published)!.at - published);
    }
    for (const ms of learnedWithin) expect(ms).toBeLessThan(everyMs + 150);
    for (const other of others) {
      const scores = await scoresOf(other.router);
      expect(scores.b).toBeLessThan(scores.a!);
      expect(scores.b).toBeLessThan(scores.c!);
    }
    const bBefore = ups.calls.b!;
    for (const other of others) for (let k = 0; k < 5; k++) await other.router.complete(ask());
    expect(ups.calls.b).toBe(bBefore); // 2 × (1 + 5) calls, none to b
    // Without the sync an instance has to try b itself (untried targets first).
    for (let k = 0; k < 3; k++) await control.router.complete(ask()).catch(() => {});
    expect(ups.calls.b).toBeGreaterThan(bBefore);
    for (const i of [seer, ...others]) expect(i.errors).toEqual([]);
    console.log(`learned within ${learnedWithin.join(', ')} ms of the publish (everyMs ${everyMs})`);
  }, 30_000);

  it('an instance that saw b fast learns that it became slow elsewhere, and keeps its own evidence', async () => {
    next();
    const everyMs = 200;
    const ups = upstreams();
    const seer = await instance(ups);
    const other = await instance(ups);
    for (let k = 0; k < 30; k++) {
      await seer.router.complete(ask());
      await other.router.complete(ask());
    }
    const before = await scoresOf(other.router);
    expect(Math.abs(before.b! - before.a!)).toBeLessThan(0.5);
    const ownBefore = ownMean(other.router, 'b');
    const syncs = [seer, other].map((i) => i.store.syncLearning(i.router, { everyMs, group: 'g' }));
    ups.delay.b = 400;
    for (let k = 0; k < 6; k++) await seer.router.complete(ask(['only-b']));
    await syncs[0]!.syncNow();
    await nextRound(syncs[1]!);
    // Its own evidence of b (fast) is still its own: what it shares has the same mean ratio.
    expect(ownMean(other.router, 'b')).toBeCloseTo(ownBefore, 6);
    const after = await scoresOf(other.router);
    expect(after.b).toBeLessThan(after.a!);
    expect(after.b).toBeLessThan(after.c!);
    // 400 ms against 5 ms: b's expected latency penalty grows several times over (≈ 0.006 → 0.026 seen).
    expect(after.a! - after.b!).toBeGreaterThan(0.01);
    const bBefore = ups.calls.b!;
    for (let k = 0; k < 5; k++) await other.router.complete(ask());
    expect(ups.calls.b! - bBefore).toBeLessThanOrEqual(1); // exploration may still try it once
    // With the peer gone, only its own evidence is left.
    await syncs[0]!.stop();
    await nextRound(syncs[1]!);
    const alone = await scoresOf(other.router);
    expect(Math.abs(alone.b! - alone.a!)).toBeLessThan(0.5);
  }, 30_000);

  it('bounds: a TTL on every key, a crashed instance drops out after ttlMs, a stopped one at once, maxBytes', async () => {
    next();
    const ups = upstreams();
    const [x, y, z] = [await instance(ups), await instance(ups), await instance(ups)];
    for (const i of [x, y, z]) await i.router.complete(ask());
    const sx = x.store.syncLearning(x.router, { everyMs: 60_000, ttlMs: 400, group: 'g' });
    const sy = y.store.syncLearning(y.router, { everyMs: 60_000, group: 'g' });
    const sz = z.store.syncLearning(z.router, { everyMs: 60_000, group: 'g', maxBytes: 10 });
    expect((await sx.syncNow()).peers).toBe(0);
    // z's 10-byte bound: its own share is too big to publish, x's too big to read.
    expect(await sz.syncNow()).toMatchObject({ synced: true, bytes: 0, peers: 0 });
    expect(z.errors.join()).toContain('over maxBytes (10); not published');
    expect(z.errors.join()).toContain('over maxBytes: skipped');
    const y1 = await sy.syncNow();
    expect(y1).toMatchObject({ synced: true, peers: 1 });
    expect(y1.bytes).toBeGreaterThan(100);
    const keys = await raw.keys(`${prefix}learn:*`);
    expect(keys.sort()).toEqual([`${prefix}learn:g`, `${prefix}learn:g:exp`]);
    for (const key of keys) expect(await raw.pTTL(key)).toBeGreaterThan(0);
    // x "crashes": no more rounds, no leave; after its 400 ms TTL it is gone for y.
    await new Promise((r) => setTimeout(r, 450));
    expect((await sy.syncNow()).peers).toBe(0);
    expect(await raw.hKeys(`${prefix}learn:g`)).toEqual([sy.instance]);
    // A stopped instance leaves at once; closing the store stops its syncs.
    await sy.stop();
    expect(await raw.hLen(`${prefix}learn:g`)).toBe(0);
    await z.store.close();
    expect(sz.stopped).toBe(true);
  }, 30_000);

  it('Redis down: routing goes on, rounds do nothing; back up: it syncs again', async () => {
    next();
    const ups = upstreams();
    const x = await instance(ups);
    const y = await instance(ups);
    const sx = x.store.syncLearning(x.router, { everyMs: 100, group: 'g' });
    const sy = y.store.syncLearning(y.router, { everyMs: 100, group: 'g' });
    await x.router.complete(ask());
    await nextRound(sx);
    await redis.kill();
    const down = await sx.syncNow();
    expect(down.synced).toBe(false);
    for (let k = 0; k < 5; k++) await expect(x.router.complete(ask())).resolves.toBeDefined();
    redis = await redis.restart();
    await waitFor(() => x.store.healthy && y.store.healthy, 10_000);
    await nextRound(sx);
    expect((await sy.syncNow()).peers).toBe(1);
    await raw.close().catch(() => {});
    raw = createClient({ url: redis.url });
    raw.on('error', () => {});
    await raw.connect();
  }, 30_000);

  it('bad options are config errors naming the field', async () => {
    next();
    const x = await instance(upstreams());
    expect(() => x.store.syncLearning(x.router, { everyMs: 0 })).toThrow(
      'RedisStateStore.syncLearning: everyMs: expected a positive number, got 0',
    );
    expect(() => x.store.syncLearning(x.router, { group: 'a b' })).toThrow('syncLearning: group:');
    expect(() => x.store.syncLearning(x.router, { maxPeers: 1.5 })).toThrow('syncLearning: maxPeers:');
    expect(() => x.store.syncLearning({} as Router)).toThrow('syncLearning: router:');
  });
});

/** The mean speed ratio of target `id` in what `router`'s adaptive strategy shares (its own evidence). */
function ownMean(router: Router, id: string): number {
  const shared = router.shareLearning().adaptive as { targets: Record<string, number[]> };
  const v = shared.targets[id]!;
  return v[4]! / v[3]!;
}
