import { describe, expect, it } from 'vitest';
import { fakeOutcome, fakeTargets } from '../../test/helpers/fake-targets.js';
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
