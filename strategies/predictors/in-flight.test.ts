import { describe, expect, it } from 'vitest';
import { fakeOutcome, fakeTargets } from '../testing.js';
import { InFlightTracker } from './in-flight.js';

describe('InFlightTracker', () => {
  const [a, b] = fakeTargets(2);

  it('counts pending attempts and settles them by start time', () => {
    const tracker = new InFlightTracker(2, 3);
    tracker.picked(0, 100);
    tracker.picked(0, 200);
    expect(tracker.pending(0)).toBe(2);
    expect(tracker.lastPickAt(0)).toBe(200);
    expect(tracker.lastPickAt(1)).toBe(Number.NEGATIVE_INFINITY);
    tracker.settled({ ...fakeOutcome(a!, { latencyMs: 300 }), startedAt: 100 }, 400);
    expect(tracker.pending(0)).toBe(1);
    expect(tracker.lastOutcomeAt(0)).toBe(400);
    expect(tracker.meanLatency(0)).toBe(300);
    // An attempt the strategy never picked (single candidate) is ignored, not counted below 0.
    tracker.settled(fakeOutcome(b!, { latencyMs: 50 }), 500);
    expect(tracker.pending(1)).toBe(0);
  });

  it('is not late in a steady state, and late when pending attempts stop finishing', () => {
    const tracker = new InFlightTracker(1, 3);
    // Usual latency 1 s; 4 pending attempts, the last outcome just now.
    tracker.settled(fakeOutcome(a!, { latencyMs: 1_000 }), 0);
    for (let t = 0; t < 4; t++) tracker.picked(0, t * 250);
    expect(tracker.slowdown(0, 1_000)).toBeCloseTo(Math.max(1, (1_000 * 4) / 3_000), 9);
    expect(tracker.slowdown(0, 10)).toBe(1);
    // 10 s of silence with 4 pending: 10 000 × 4 / (1000 × 3) ≈ 13× late.
    expect(tracker.slowdown(0, 10_000)).toBeCloseTo((10_000 * 4) / 3_000, 0);
  });

  it('silence is capped by twice the mean age of the pending attempts (an idle target is not silent)', () => {
    const tracker = new InFlightTracker(1, 1);
    tracker.settled(fakeOutcome(a!, { latencyMs: 1_000 }), 0);
    tracker.picked(0, 60_000); // the first pick in a minute
    expect(tracker.slowdown(0, 60_100)).toBe(1); // 2 × 100 ms age × 1 pending < 1000 ms
  });

  it('forgetOnTime: an on-time success lets go of the attempts picked before it', () => {
    const run = (forgetOnTime: boolean) => {
      const tracker = new InFlightTracker(1, 3, { forgetOnTime });
      tracker.settled({ ...fakeOutcome(a!, { latencyMs: 1_000 }), startedAt: 0 }, 1_000);
      // A spike: 12 attempts picked at 2–13 s hang. A probe at 20 s answers in 1.5 s (on time).
      for (let t = 2; t <= 13; t++) tracker.picked(0, t * 1_000);
      tracker.picked(0, 20_000);
      tracker.settled({ ...fakeOutcome(a!, { latencyMs: 1_500 }), startedAt: 20_000 }, 21_500);
      tracker.picked(0, 22_000);
      const afterProbe = tracker.slowdown(0, 25_000);
      // A hanging attempt from the spike that ends later does not count below the new ones.
      tracker.settled(
        { ...fakeOutcome(a!, { latencyMs: 30_000, ok: false, errorKind: 'timeout' }), startedAt: 2_000 },
        32_000,
      );
      return { afterProbe, pending: tracker.pending(0) };
    };
    // 3.5 s of silence × 1 pending (the attempt at 22 s) / (1.0 s × 3) → 1.17.
    expect(run(true).afterProbe).toBeCloseTo((3_500 * 1) / (1_025 * 3), 2);
    expect(run(true).pending).toBe(1);
    // Without it, the 12 hanging attempts keep the target late: 3.5 s × 13 pending / 3.1 s ≈ 15×.
    expect(run(false).afterProbe).toBeGreaterThan(10);
    expect(run(false).pending).toBe(12);
  });

  it('lateAfter 0 turns it off; no pending or no latency yet means not late', () => {
    const off = new InFlightTracker(1, 0);
    off.settled(fakeOutcome(a!, { latencyMs: 10 }), 0);
    off.picked(0, 0);
    expect(off.slowdown(0, 1e9)).toBe(1);
    const fresh = new InFlightTracker(1, 3);
    fresh.picked(0, 0);
    expect(fresh.slowdown(0, 1e9)).toBe(1);
  });
});
