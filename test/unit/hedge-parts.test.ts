import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../index.js';
import { CallScope } from '../../src/reliability/call-scope.js';
import { LatencyQuantile } from '../../src/reliability/latency-quantile.js';
import { VirtualClock } from '../../src/testing/index.js';

describe('LatencyQuantile (learned p95 of hedge delays)', () => {
  it('answers quantiles within 10% above the true value', () => {
    const q = new LatencyQuantile();
    for (let i = 1; i <= 500; i++) q.record(2 * i); // 2 … 1000 ms (fewer samples than a halving)
    const p95 = q.quantile(0.95)!;
    expect(p95).toBeGreaterThanOrEqual(950);
    expect(p95).toBeLessThan(950 * 1.1);
    const p50 = q.quantile(0.5)!;
    expect(p50).toBeGreaterThanOrEqual(500);
    expect(p50).toBeLessThan(550);
    expect(q.samples).toBe(500);
  });

  it('is empty until a sample arrives, and ignores what is not a latency', () => {
    const q = new LatencyQuantile();
    expect(q.quantile(0.95)).toBeUndefined();
    q.record(Number.NaN);
    q.record(-5);
    expect(q.quantile(0.95)).toBeUndefined();
    q.record(0.2);
    expect(q.quantile(0.95)).toBe(1);
  });

  it('forgets old samples: it follows a target that became slower', () => {
    const q = new LatencyQuantile();
    for (let i = 0; i < 2000; i++) q.record(100);
    expect(q.quantile(0.95)!).toBeLessThan(111);
    for (let i = 0; i < 2000; i++) q.record(1000);
    expect(q.quantile(0.95)!).toBeGreaterThanOrEqual(1000);
    expect(q.quantile(0.95)!).toBeLessThan(1100);
  });

  it('keeps hours-long samples in its last bucket', () => {
    const q = new LatencyQuantile();
    q.record(10 * 3_600_000);
    expect(q.quantile(1)!).toBeGreaterThan(3_600_000);
  });
});

describe('CallScope.child (one per hedged attempt)', () => {
  it('aborts with its parent, with the same reason and deadline', async () => {
    const clock = new VirtualClock();
    const parent = new CallScope(clock, 1000, undefined);
    const a = parent.child();
    const b = parent.child();
    expect(a.deadline).toBe(parent.deadline);
    await clock.advance(1000);
    expect(a.reason).toBe(parent.reason);
    expect(b.reason?.kind).toBe('timeout');
    parent.dispose();
    a.dispose();
    b.dispose();
    expect(clock.pendingTimers).toBe(0);
  });

  it('aborting a child leaves the parent and its siblings running', async () => {
    const clock = new VirtualClock();
    const parent = new CallScope(clock, 1000, undefined);
    const a = parent.child();
    const b = parent.child();
    const raced = a.race(new Promise<never>(() => {}));
    a.abort(new SwitchyardError('aborted', 'lost'));
    await expect(raced).rejects.toMatchObject({ message: 'lost' });
    expect(parent.aborted).toBe(false);
    expect(b.aborted).toBe(false);
    parent.dispose();
  });

  it('a child of an aborted scope starts aborted; a disposed child no longer follows its parent', () => {
    const clock = new VirtualClock();
    const parent = new CallScope(clock, 1000, undefined);
    const gone = parent.child();
    gone.dispose();
    parent.expire();
    expect(gone.aborted).toBe(false);
    expect(parent.child().aborted).toBe(true);
    parent.dispose();
  });
});
