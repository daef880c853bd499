import { describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { DeadlineQueue } from '../../src/reliability/deadline-queue.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { ask, rejectionOf } from '../helpers/calls.js';

function entry(deadline: number, log: number[]) {
  return {
    deadline,
    prevDeadline: undefined,
    nextDeadline: undefined,
    queued: false,
    expire: () => log.push(deadline),
  };
}

describe('DeadlineQueue', () => {
  it('expires entries in order with one timer, and refuses an earlier deadline than its tail', async () => {
    const clock = new VirtualClock();
    const q = new DeadlineQueue(clock);
    const log: number[] = [];
    const [a, b, c] = [entry(100, log), entry(100, log), entry(250, log)];
    expect([q.add(a), q.add(b), q.add(c)]).toEqual([true, true, true]);
    expect(q.add(entry(50, log))).toBe(false);
    expect(clock.pendingTimers).toBe(1);
    q.remove(b);
    q.remove(b); // idempotent
    await clock.advance(100);
    expect(log).toEqual([100]);
    await clock.advance(150);
    expect(log).toEqual([100, 250]);
    expect(q.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('clears its timer when it becomes empty, so it never keeps a process alive', () => {
    const clock = new VirtualClock();
    const q = new DeadlineQueue(clock);
    const e = entry(1000, []);
    q.add(e);
    expect(clock.pendingTimers).toBe(1);
    q.remove(e);
    expect(clock.pendingTimers).toBe(0);
  });

  it('through the router: a shorter per-request deadline after longer ones still fires on time', async () => {
    const clock = new VirtualClock();
    const a = new MockAdapter(() => ({ text: 'slow', delayMs: 10_000 }));
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm' }], clock, timeoutMs: 5000 });
    const long1 = router.complete(ask());
    const long2 = router.complete(ask());
    const short = router.complete(ask('x', { timeoutMs: 100 }));
    const shortError = await rejectionOf(clock.run(short));
    expect(shortError.kind).toBe('timeout');
    expect(clock.now()).toBe(100);
    const [e1, e2] = await Promise.all([rejectionOf(clock.run(long1)), rejectionOf(long2)]);
    expect([e1.kind, e2.kind]).toEqual(['timeout', 'timeout']);
    expect(clock.now()).toBe(5000);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('DeadlineQueue with a clock that can unref timers', () => {
  it('keeps one timer across busy periods: unref when empty, ref again on the next entry', async () => {
    const clock = new VirtualClock();
    const refs: string[] = [];
    const refClock = Object.assign(Object.create(clock) as VirtualClock, {
      setTimeout: (fn: () => void, ms: number) => {
        refs.push('set');
        return clock.setTimeout(fn, ms);
      },
      unref: () => refs.push('unref'),
      ref: () => refs.push('ref'),
      now: () => clock.now(),
      clearTimeout: (h: unknown) => clock.clearTimeout(h),
    });
    const q = new DeadlineQueue(refClock);
    const log: number[] = [];
    for (let i = 0; i < 3; i++) {
      const e = entry(1000 + i, log);
      q.add(e);
      q.remove(e);
    }
    expect(refs).toEqual(['set', 'unref', 'ref', 'unref', 'ref', 'unref']);
    const late = entry(5000, log);
    q.add(late);
    await clock.advance(1000); // the old timer fires for nothing and re-arms for the new head
    expect(log).toEqual([]);
    await clock.advance(4000);
    expect(log).toEqual([5000]);
  });

  it('replaces the idle timer when the next entry is due before it (a shorter per-request timeout)', async () => {
    const clock = new VirtualClock();
    const refClock = Object.assign(Object.create(clock) as VirtualClock, {
      setTimeout: (fn: () => void, ms: number) => clock.setTimeout(fn, ms),
      unref: () => {},
      ref: () => {},
      now: () => clock.now(),
      clearTimeout: (h: unknown) => clock.clearTimeout(h),
    });
    const q = new DeadlineQueue(refClock);
    const log: number[] = [];
    const long = entry(120_000, log);
    q.add(long);
    q.remove(long); // the call finished: the timer stays, unref'd, due at 120 000
    const short = entry(100, log);
    q.add(short);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(100);
    expect(log).toEqual([100]);
  });

  it('through the router with the system clock: a short timeoutMs after a finished call fires on time', async () => {
    const a = new MockAdapter((req) => ({ text: 'x', delayMs: req.messages.length > 1 ? 5_000 : 0 }));
    const router = new Router({ targets: [{ id: 'a', adapter: a, model: 'm' }] });
    await router.complete(ask());
    const started = Date.now();
    const first = ask().messages[0]!;
    const error = await rejectionOf(router.complete({ model: 'm', messages: [first, first], timeoutMs: 50 }));
    expect(error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
    await router.close();
  });
});
