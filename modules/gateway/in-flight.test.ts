import { describe, expect, it } from 'vitest';
import { AbortLatch } from '../../index.js';
import { InFlight } from './in-flight.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('InFlight', () => {
  it('settles when every call in flight at the time has ended, not the ones added later', async () => {
    const calls = new InFlight();
    const a = new AbortLatch();
    const b = new AbortLatch();
    calls.add(a);
    calls.add(b);
    let settled = false;
    void calls.settled().then(() => {
      settled = true;
    });
    const later = new AbortLatch();
    calls.add(later);
    calls.delete(a);
    await tick();
    expect(settled).toBe(false);
    calls.delete(b);
    await tick();
    expect(settled).toBe(true);
    expect(calls.size).toBe(1);
    expect([...calls.keys()]).toEqual([later]);
  });

  it('wakes every waiter of a call, and resolves at once with nothing in flight', async () => {
    const calls = new InFlight();
    await calls.settled();
    const a = new AbortLatch();
    calls.add(a);
    const woken: string[] = [];
    void calls.settled().then(() => woken.push('first'));
    void calls.settled().then(() => woken.push('second'));
    calls.delete(a);
    calls.delete(a); // idempotent
    await tick();
    expect(woken.sort()).toEqual(['first', 'second']);
    expect(calls.size).toBe(0);
  });
});
