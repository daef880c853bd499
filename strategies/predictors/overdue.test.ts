import { describe, expect, it } from 'vitest';
import type { CompletionRequest } from '../../src/index.js';
import { fakeOutcome, fakeTargets } from '../testing.js';
import { standardNormalQuantile } from './normal.js';
import { OverdueTracker } from './overdue.js';

const req = (): CompletionRequest => ({ messages: [{ role: 'user', content: 'hi' }] });

describe('OverdueTracker', () => {
  const [a, b] = fakeTargets(2);

  it('is on time with nothing pending, with young attempts, and when turned off', () => {
    const tracker = new OverdueTracker(2, 2);
    expect(tracker.slowdown(0, 1_000)).toBe(1);
    for (let i = 0; i < 10; i++) tracker.picked(0, req(), 0, 1_000);
    expect(tracker.pending(0)).toBe(10);
    expect(tracker.slowdown(0, 0)).toBe(1); // age 0: not counted
    expect(tracker.slowdown(0, 300)).toBe(1); // 10·Φ(ln 0.3) ≈ 1.1 expected done: within evidence 2
    const off = new OverdueTracker(2, 0);
    off.picked(0, req(), 0, 1_000);
    expect(off.pending(0)).toBe(0);
    expect(off.slowdown(0, 10_000)).toBe(1);
  });

  it('ignores predictions that are not positive and finite', () => {
    const tracker = new OverdueTracker(1, 2);
    tracker.picked(0, req(), 0, 0);
    tracker.picked(0, req(), 0, Number.NaN);
    tracker.picked(0, req(), 0, Number.POSITIVE_INFINITY);
    expect(tracker.pending(0)).toBe(0);
  });

  it('returns the slowdown at which the expected number finished equals the evidence', () => {
    const tracker = new OverdueTracker(1, 2);
    for (let i = 0; i < 10; i++) tracker.picked(0, req(), 0, 1_000);
    // All 3× late: 10·Φ(ln(3 / s)) = 2 ⇒ s = 3·exp(−Φ⁻¹(0.2)) = 3·e^0.8416.
    expect(tracker.slowdown(0, 3_000)).toBeCloseTo(3 * Math.exp(0.841621), 3);
    expect(tracker.slowdown(0, 6_000)).toBeCloseTo(6 * Math.exp(0.841621), 3); // grows with the silence
  });

  it('settles attempts by request, and an on-time success makes older pending ones stale', () => {
    const tracker = new OverdueTracker(2, 2);
    const old = Array.from({ length: 10 }, () => req());
    for (const r of old) tracker.picked(0, r, 0, 1_000);
    const fresh = req();
    tracker.picked(0, fresh, 500, 1_000);
    expect(tracker.slowdown(0, 5_000)).toBeGreaterThan(1);
    // An outcome of an unknown request (the router picked without asking) changes nothing.
    tracker.settled({ ...fakeOutcome(a!, { latencyMs: 100 }), request: req(), startedAt: 0 });
    tracker.settled({ ...fakeOutcome(b!, { latencyMs: 100 }), request: fresh, startedAt: 500 });
    expect(tracker.pending(0)).toBe(11);
    // A late success settles its attempt but is no news about the others.
    tracker.settled({ ...fakeOutcome(a!, { latencyMs: 4_500 }), request: old[0]!, startedAt: 0 });
    expect(tracker.pending(0)).toBe(10);
    expect(tracker.slowdown(0, 5_000)).toBeGreaterThan(1);
    // A later attempt that succeeded on time: the older ones' slowness is over.
    tracker.settled({ ...fakeOutcome(a!, { latencyMs: 1_200 }), request: fresh, startedAt: 500 });
    expect(tracker.pending(0)).toBe(9);
    expect(tracker.slowdown(0, 5_000)).toBe(1);
    // A failure is never on time.
    const next = Array.from({ length: 10 }, () => req());
    for (const r of next) tracker.picked(0, r, 6_000, 1_000);
    tracker.settled({
      ...fakeOutcome(a!, { latencyMs: 10, errorKind: 'server' }),
      request: next[0]!,
      startedAt: 6_000,
    });
    expect(tracker.slowdown(0, 10_000)).toBeGreaterThan(1);
  });

  it('judges a stream against its first token until that token comes, then against the whole attempt', () => {
    const streams = Array.from({ length: 10 }, () => req());
    const tracker = new OverdueTracker(1, 2);
    for (const r of streams) tracker.picked(0, r, 0, 4_000, 500);
    const plain = new OverdueTracker(1, 2);
    for (const r of streams) plain.picked(0, r, 0, 4_000);
    // At 1.5 s no first token has come (3× its 500 ms): a slowdown, where the whole attempt
    // (4 s) is young and says nothing yet.
    expect(plain.slowdown(0, 1_500)).toBe(1);
    expect(tracker.slowdown(0, 1_500)).toBeCloseTo(3 * Math.exp(0.841621), 3);
    // Every first token arrives: the attempts are judged against their 4 s again.
    for (const r of streams)
      tracker.firstToken({ target: a!, request: r, startedAt: 0, ttftMs: 1_400, attempt: 1 });
    expect(tracker.slowdown(0, 1_500)).toBe(1);
    expect(tracker.slowdown(0, 12_000)).toBeCloseTo(plain.slowdown(0, 12_000), 9);
    // A first token of an attempt the tracker does not know changes nothing.
    tracker.firstToken({ target: a!, request: req(), startedAt: 0, ttftMs: 10, attempt: 1 });
    expect(tracker.pending(0)).toBe(10);
  });

  it('ignores a first-token expectation that is not below the whole latency', () => {
    const tracker = new OverdueTracker(1, 2);
    for (let i = 0; i < 10; i++) tracker.picked(0, req(), 0, 1_000, 2_000);
    for (let i = 0; i < 10; i++) tracker.picked(0, req(), 0, 1_000, Number.POSITIVE_INFINITY);
    // All 20 judged on their 1 s (judged on 2 s they would read about half as slow).
    expect(tracker.slowdown(0, 500)).toBeCloseTo(expectedSlowdown(20, 500, 1_000), 3);
  });

  it('tolerates an index outside the targets', () => {
    const tracker = new OverdueTracker(1, 2);
    const [, , c] = fakeTargets(3);
    tracker.picked(5, req(), 0, 1_000);
    tracker.settled(fakeOutcome(c!, { latencyMs: 1 }));
    expect(tracker.pending(5)).toBe(0);
    expect(tracker.slowdown(5, 10_000)).toBe(1);
  });
});

/** The slowdown `s` at which `count` attempts of age `age`, each expected in `expected`, have 2 expected done. */
function expectedSlowdown(count: number, age: number, expected: number): number {
  // count·Φ(ln(age / (s·expected))) = 2 ⇒ s = (age / expected)·exp(−Φ⁻¹(2 / count)).
  return (age / expected) * Math.exp(-standardNormalQuantile(2 / count));
}

describe('OverdueTracker memory', () => {
  it('keeps at most 256 pending attempts per target when outcomes never come', () => {
    const tracker = new OverdueTracker(1, 2);
    const request = { messages: [{ role: 'user' as const, content: 'x' }] };
    for (let i = 0; i < 1000; i++) tracker.picked(0, request, i, 100);
    expect(tracker.pending(0)).toBe(256);
  });

  it('settles out of order through growth and wrap-around, dropping only the oldest when full', () => {
    const tracker = new OverdueTracker(1, 2);
    const [a] = fakeTargets(1);
    const requests = Array.from({ length: 300 }, () => req());
    // Settle every other attempt as it goes: holes in the middle, the ring grows past 16 slots.
    requests.slice(0, 100).forEach((r, i) => {
      tracker.picked(0, r, i, 1_000);
      if (i % 2 === 1)
        tracker.settled({ ...fakeOutcome(a!, { latencyMs: 5_000 }), request: r, startedAt: i });
    });
    expect(tracker.pending(0)).toBe(50);
    // The oldest settles: the pending count follows, and settling it twice changes nothing.
    tracker.settled({ ...fakeOutcome(a!, { latencyMs: 5_000 }), request: requests[0]!, startedAt: 0 });
    tracker.settled({ ...fakeOutcome(a!, { latencyMs: 5_000 }), request: requests[0]!, startedAt: 0 });
    expect(tracker.pending(0)).toBe(49);
    // Past 256 slots the oldest pending attempts are dropped; the newest can still be settled.
    for (let i = 100; i < 300; i++) tracker.picked(0, requests[i]!, i, 1_000);
    // The ring keeps the newest 256 slots (attempts 44–299): of the older ones, the 21 still
    // pending (even numbers 2–42) are dropped, 249 − 21 remain.
    expect(tracker.pending(0)).toBe(228);
    const pending = tracker.pending(0);
    tracker.settled({ ...fakeOutcome(a!, { latencyMs: 50 }), request: requests[299]!, startedAt: 299 });
    expect(tracker.pending(0)).toBe(pending - 1);
    // An on-time success of the newest makes every older attempt stale.
    expect(tracker.slowdown(0, 100_000)).toBe(1);
  });
});
