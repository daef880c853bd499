/** RedisSnapshotSink against a real redis-server (skipped when none is installed). */
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router, type SwitchyardError } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { REDIS_SERVER, type RedisServer, startRedis } from '../../test/helpers/redis-server.js';
import {
  type BackupErrorEvent,
  decodeSnapshot,
  RedisSnapshotSink,
  restoreLatest,
  startSnapshots,
} from './index.js';

describe.skipIf(REDIS_SERVER === undefined)('RedisSnapshotSink', () => {
  let redis: RedisServer;
  let client: ReturnType<typeof createClient>;

  beforeAll(async () => {
    redis = await startRedis();
    client = createClient({ url: redis.url, disableOfflineQueue: true });
    client.on('error', () => {}); // the outage below is reported through the sink
    await client.connect();
  }, 30_000);

  afterAll(async () => {
    if (client?.isOpen) await client.close();
    await redis?.stop();
  });

  function world(clock: VirtualClock) {
    return new Router({
      targets: [
        { id: 'down', model: 'm', adapter: new MockAdapter(() => ({ error: { status: 503 } })) },
        { id: 'up', model: 'm', adapter: new MockAdapter(() => ({ text: 'ok' })) },
      ],
      strategy: 'priority',
      breaker: { failureThreshold: 2, cooldownMs: 60_000 },
      clock,
    });
  }

  it('keeps the newest `keep` in one list with a TTL, restores the newest, and skips a damaged entry', async () => {
    const key = 'backup-test:snapshots:host-1';
    const sink = new RedisSnapshotSink({ client, key, ttlMs: 3_600_000 });
    const clock = new VirtualClock(1_000_000);
    const router = world(clock);
    const snapshots = startSnapshots(router, { sink, everyMs: 1000, keep: 3, clock });
    const written: string[] = [];
    snapshots.on('written', (e) => written.push(e.id));
    for (let i = 0; i < 5; i++) {
      await clock.run(router.complete({ messages: [{ role: 'user', content: 'hi' }] }));
      // The write goes to a real Redis: wait for it, or the next tick finds it still in flight
      // and (by design) skips its turn.
      const wrote = new Promise<void>((resolve) => {
        const done = () => {
          snapshots.off('written', done);
          resolve();
        };
        snapshots.on('written', done);
      });
      await clock.advance(1000);
      await wrote;
    }
    await snapshots.stop();
    expect(written).toEqual(Array(6).fill(`${key}[0]`));
    expect(await client.lLen(key)).toBe(3);
    const ttl = await client.pTTL(key);
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
    const listed = await sink.list();
    expect(listed.map((s) => s.id)).toEqual([`${key}[0]`, `${key}[1]`, `${key}[2]`]);
    const newest = decodeSnapshot(await listed[0]!.read());
    expect(newest.takenAt).toBe(1_005_000);
    expect(decodeSnapshot(await listed[2]!.read()).takenAt).toBe(1_004_000);

    // The newest entry damaged in Redis: the next one is restored, and the breaker holds `down` out.
    await client.lSet(key, 0, (await listed[0]!.read()).replace('"up"', '"UP"'));
    const next = world(new VirtualClock(1_006_000));
    const result = await restoreLatest(next, sink);
    expect(result.skipped).toEqual([
      { id: `${key}[0]`, reason: 'corrupt', message: 'the SHA-256 checksum does not match' },
    ]);
    expect(result.restored).toEqual({ id: `${key}[1]`, takenAt: 1_005_000 });
    expect(next.health().find((h) => h.id === 'down')!.state).toBe('open');
    expect(await new RedisSnapshotSink({ client, key: 'backup-test:none' }).list()).toEqual([]);
  });

  it('rejects bad options naming the field', () => {
    const bad = (options: unknown) => {
      try {
        new RedisSnapshotSink(options as never);
      } catch (error) {
        expect((error as SwitchyardError).kind).toBe('config');
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(bad({})).toBe(
      'RedisSnapshotSink: client: expected a connected node-redis client (with sendCommand)',
    );
    expect(bad({ client, key: '' })).toBe('RedisSnapshotSink: key: expected a non-empty string');
    expect(bad({ client, ttlMs: 0 })).toBe(
      'RedisSnapshotSink: ttlMs: expected a positive whole number of milliseconds',
    );
  });

  it('while Redis is down: a write is an error event, a restore starts fresh with the error in its result', async () => {
    const sink = new RedisSnapshotSink({ client, key: 'backup-test:outage' });
    const clock = new VirtualClock(0);
    const router = world(clock);
    const errors: BackupErrorEvent[] = [];
    const snapshots = startSnapshots(router, { sink, everyMs: 1000, clock, onError: (e) => errors.push(e) });
    await redis.kill();
    await clock.advance(1000);
    await snapshots.snapshotNow();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.operation === 'write')).toBe(true);
    expect((await clock.run(router.complete({ messages: [{ role: 'user', content: 'hi' }] }))).text).toBe(
      'ok',
    );
    const result = await restoreLatest(world(clock), sink);
    expect(result.restored).toBeUndefined();
    expect(result.error).toBeInstanceOf(Error);
    await snapshots.stop();
  });
});
