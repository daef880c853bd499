import { describe, expect, it } from 'vitest';
import { MemoryQuotaState } from './memory-quota.js';
import { MemoryStateStore } from './memory-store.js';

const MINUTE = 60_000;

describe('MemoryQuotaState', () => {
  it('admits while the use is below the limit and counts the amount at once', () => {
    const q = new MemoryQuotaState(MINUTE);
    expect(q.take(0, 600, 1000)).toMatchObject({ admitted: true, used: 600 });
    // Below the limit: admitted even though it overshoots (the provider windows do the same).
    expect(q.take(1_500, 600, 1000)).toMatchObject({ admitted: true, used: 1200 });
    const refused = q.take(2_000, 1, 1000);
    expect(refused.admitted).toBe(false);
    expect(refused.used).toBe(1200);
    // The first take leaves the window one minute after its slot began; then 600 < 1000.
    expect(refused.retryAt).toBe(MINUTE);
    expect(q.take(MINUTE - 1, 1, 1000).admitted).toBe(false);
    expect(q.take(MINUTE, 1, 1000)).toMatchObject({ admitted: true, used: 601 });
  });

  it('forgets everything after one window and reports resetAt', () => {
    const q = new MemoryQuotaState(MINUTE);
    q.take(5_500, 10, 100);
    expect(q.read(6_000)).toEqual({ used: 10, resetAt: 5_000 + MINUTE });
    expect(q.read(5_000 + MINUTE)).toEqual({ used: 0, resetAt: 5_000 + MINUTE });
  });

  it('corrects an estimate in the slot of its take, never below zero, and ignores a take that left', () => {
    const q = new MemoryQuotaState(MINUTE);
    q.take(1_000, 500, 10_000);
    q.take(30_000, 100, 10_000);
    q.adjust(31_000, 1_000, -420);
    expect(q.read(31_000).used).toBe(180);
    q.adjust(31_000, 1_000, -1_000);
    expect(q.read(31_000).used).toBe(100);
    q.adjust(MINUTE + 5_000, 1_000, 999); // that slot has left the window
    expect(q.read(MINUTE + 5_000).used).toBe(100);
  });

  it('a refusal reports when enough has left, oldest first', () => {
    const q = new MemoryQuotaState(MINUTE);
    q.take(0, 10, 100);
    q.take(10_000, 10, 100);
    q.take(20_000, 90, 100);
    // used 110: below 100 only once the first two have left.
    expect(q.take(30_000, 1, 100).retryAt).toBe(10_000 + MINUTE);
  });

  it('the store keeps one quota per id and window, shared by its users', () => {
    const store = new MemoryStateStore();
    store.quota('k', MINUTE).take(0, 3, 10);
    expect(store.quota('k', MINUTE).read(1).used).toBe(3);
    expect(store.quota('k', 1_000).read(1).used).toBe(0);
    expect(store.quota('other', MINUTE).read(1).used).toBe(0);
  });
});
