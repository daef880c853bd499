import { describe, expect, it } from 'vitest';
import {
  type StoreHealthEvent as Health,
  MemoryStateStore,
  Router,
  type StateStore,
  type TargetStateHandle,
} from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { ask } from '../helpers/calls.js';

/** A store whose claims answer asynchronously (as a shared one does), counting them. */
function asyncClaims(base: MemoryStateStore): { store: StateStore; claims: () => number } {
  let claims = 0;
  const store: StateStore = {
    target: (id, policy): TargetStateHandle => {
      const inner = base.target(id, policy);
      return {
        readyAt: (now) => inner.readyAt(now),
        blockedUntil: () => inner.blockedUntil(),
        acquire: (now) => {
          claims++;
          return Promise.resolve().then(() => inner.acquire(now));
        },
        recordSuccess: (now, probe) => inner.recordSuccess(now, probe),
        recordFailure: (now, failure) => inner.recordFailure(now, failure),
        read: () => inner.read(),
        restore: (s) => inner.restore(s),
      };
    },
  };
  return { store, claims: () => claims };
}

describe('a store that answers claims asynchronously', () => {
  it('claims once per attempt: no second slot taken, no concurrency slot leaked', async () => {
    const clock = new VirtualClock();
    const { store, claims } = asyncClaims(new MemoryStateStore());
    const adapter = new MockAdapter(() => ({ text: 'ok', delayMs: 10 }));
    const router = new Router({
      targets: [{ id: 'a', adapter, model: 'm', requestsPerMinute: 3, maxConcurrency: 1 }],
      store,
      clock,
    });
    for (let i = 0; i < 3; i++) await clock.run(router.complete(ask()));
    expect(claims()).toBe(3);
    expect(adapter.callCount).toBe(3);
    expect(router.health()[0]).toMatchObject({ inFlight: 0 });
    await expect(clock.run(router.complete(ask()))).rejects.toMatchObject({ kind: 'no_target' });
  });
});

describe('store health events', () => {
  it('relays a store’s degraded/restored as store:degraded/store:restored, until the router closes', async () => {
    const memory = new MemoryStateStore();
    const listeners = new Set<(e: Health) => void>();
    const store = {
      target: memory.target.bind(memory),
      watch(listener: (e: Health) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const router = new Router({
      targets: [{ id: 'a', adapter: new MockAdapter(() => ({ text: 'ok' })), model: 'm' }],
      store,
    });
    const seen: unknown[] = [];
    router.on('store:degraded', (e) => seen.push(['degraded', e]));
    router.on('store:restored', (e) => seen.push(['restored', e]));
    for (const l of listeners) l({ type: 'degraded', reason: 'connection lost (ECONNREFUSED)', at: 5 });
    for (const l of listeners) l({ type: 'restored', downMs: 95, at: 100 });
    expect(seen).toEqual([
      ['degraded', { reason: 'connection lost (ECONNREFUSED)', at: 5 }],
      ['restored', { downMs: 95, at: 100 }],
    ]);
    await router.close();
    expect(listeners.size).toBe(0);
  });
});
