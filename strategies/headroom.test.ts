import { describe, expect, it } from 'vitest';
import type { RateLimitState, Strategy, TargetView } from '../src/index.js';
import { adaptive } from './adaptive.js';
import { HEADROOM_CALLS, headroomPressure, loadWithHeadroom } from './headroom.js';
import { intelligent } from './intelligent.js';
import { leastConnections } from './least-connections.js';
import { type FakeTarget, fakeContext, fakeInit, fakeOutcome, fakeTargets, ManualClock } from './testing.js';

/** A report made at `at` with the reset a minute later (unless given). */
function report(fields: Partial<RateLimitState>, at = 0): RateLimitState {
  return {
    at,
    resetRequestsAt: fields.remainingRequests === undefined ? Number.POSITIVE_INFINITY : at + 60_000,
    resetTokensAt: fields.remainingTokens === undefined ? Number.POSITIVE_INFINITY : at + 60_000,
    ...fields,
  };
}

describe('headroomPressure', () => {
  const [a] = fakeTargets(1) as [FakeTarget];

  it('is 0 without a report, with ample headroom, and once the window has reset', () => {
    delete a.rateLimit;
    expect(headroomPressure(a, 0, 1_000)).toBe(0);
    a.rateLimit = report({ remainingRequests: 500, limitRequests: 1_000 });
    expect(headroomPressure(a, 0, 1_000)).toBe(0);
    a.rateLimit = report({ remainingRequests: 1, limitRequests: 1_000 });
    expect(headroomPressure(a, 60_000, 1_000)).toBe(0);
  });

  it('rises linearly as requests left fall under 10% of the limit, counting attempts in flight', () => {
    a.inFlight = 0;
    const at = (remaining: number) => {
      a.rateLimit = report({ remainingRequests: remaining, limitRequests: 1_000 });
      return headroomPressure(a, 1_000, 1_000);
    };
    expect(at(100)).toBe(0);
    expect(at(75)).toBeCloseTo(0.25);
    expect(at(50)).toBeCloseTo(0.5);
    expect(at(10)).toBeCloseTo(0.9);
    expect(at(0)).toBe(1);
    a.rateLimit = report({ remainingRequests: 50, limitRequests: 1_000 });
    a.inFlight = 25;
    expect(headroomPressure(a, 1_000, 1_000)).toBeCloseTo(0.75);
    a.inFlight = 0;
  });

  it(`without a limit, rises as fewer than ${HEADROOM_CALLS} calls are left`, () => {
    a.rateLimit = report({ remainingRequests: 20 });
    expect(headroomPressure(a, 0, 1_000)).toBe(0);
    a.rateLimit = report({ remainingRequests: 5 });
    expect(headroomPressure(a, 0, 1_000)).toBeCloseTo(0.5);
  });

  it('counts tokens in calls of this size, and takes the larger of both pressures', () => {
    // 1M tokens a window: the margin is 100k tokens, i.e. 100 calls of 1k tokens.
    a.rateLimit = report({ remainingTokens: 20_000, limitTokens: 1_000_000 });
    expect(headroomPressure(a, 0, 1_000)).toBeCloseTo(0.8);
    // The same tokens left are plenty for small calls... until the margin in calls: 10 calls of 100 tokens.
    a.rateLimit = report({ remainingTokens: 20_000 });
    expect(headroomPressure(a, 0, 100)).toBe(0);
    expect(headroomPressure(a, 0, 4_000)).toBeCloseTo(0.5);
    a.rateLimit = report({ remainingTokens: 20_000, remainingRequests: 9 });
    expect(headroomPressure(a, 0, 100)).toBeCloseTo(0.1);
  });
});

/**
 * Two targets taught that `a` answers in `fastMs` and `b` in `slowMs` (greedy: no sampling
 * spread, optimism or probes), then asked for picks while `a` reports `remaining` requests of 100.
 */
function taught(make: 'adaptive' | 'intelligent', fastMs: number, slowMs: number) {
  const targets = fakeTargets(2);
  const [a, b] = targets as [FakeTarget, FakeTarget];
  const clock = new ManualClock(0);
  const factory =
    make === 'adaptive'
      ? adaptive({ exploration: 0, revisitMs: 0 })
      : intelligent({ optimism: 0, revisitMs: 0 });
  const strategy: Strategy = factory(fakeInit(targets, { clock }));
  for (let i = 0; i < 40; i++) {
    for (const [t, ms] of [
      [a, fastMs],
      [b, slowMs],
    ] as const) {
      strategy.pick([t], fakeContext({ now: clock.now() }));
      strategy.observe!(
        fakeOutcome(t, { latencyMs: ms * (0.95 + 0.1 * ((i * 7) % 10) * 0.1), startedAt: clock.now() }),
      );
      clock.advance(100);
    }
  }
  const pickWith = (remaining: number | undefined): TargetView => {
    if (remaining === undefined) delete a.rateLimit;
    else a.rateLimit = report({ remainingRequests: remaining, limitRequests: 100 }, clock.now());
    return strategy.pick(targets, fakeContext({ now: clock.now() }));
  };
  const scoreOfA = (remaining: number | undefined): number => {
    if (remaining === undefined) delete a.rateLimit;
    else a.rateLimit = report({ remainingRequests: remaining, limitRequests: 100 }, clock.now());
    return strategy.describe!(targets, fakeContext({ now: clock.now() }))[0]!.score;
  };
  return { a, b, pickWith, scoreOfA };
}

describe.each(['adaptive', 'intelligent'] as const)('%s: rate-limit headroom, graded', (make) => {
  it('steers away from a slightly faster target as its requests left run low, before they run out', () => {
    const { a, b, pickWith } = taught(make, 900, 1_000);
    expect(pickWith(undefined)).toBe(a);
    expect(pickWith(50)).toBe(a); // half the window left: no pressure
    expect(pickWith(10)).toBe(a); // the margin (10% of 100): still none
    expect(pickWith(5)).toBe(b); // half the margin: a 429 is now likely enough to matter
    expect(pickWith(1)).toBe(b);
  });

  it('weighs the pressure against what the target is worth: a much faster one keeps calls until little is left', () => {
    const { a, b, pickWith } = taught(make, 200, 5_000);
    // 4.8 s faster; the pressure costs up to the failure weight (10 s) as the margin empties.
    expect(pickWith(9)).toBe(a); // pressure 0.1: 1 s
    expect(pickWith(6)).toBe(a); // pressure 0.4: 4 s
    expect(pickWith(4)).toBe(b); // pressure 0.6: 6 s
  });

  it('its describe score falls step by step as the headroom falls, and not at all with ample headroom', () => {
    const { scoreOfA } = taught(make, 900, 1_000);
    const none = scoreOfA(undefined);
    expect(scoreOfA(60)).toBeCloseTo(none, 9);
    const scores = [8, 6, 4, 2].map(scoreOfA);
    expect(scores[0]!).toBeLessThan(none);
    for (let i = 1; i < scores.length; i++) expect(scores[i]!).toBeLessThan(scores[i - 1]!);
    // From margin to nothing left costs the whole failure weight (10): 2 requests of 10 = 0.8 of it.
    expect(none - scores[3]!).toBeCloseTo(8, 6);
  });
});

describe('least-connections with headroom', () => {
  it('counts a target under pressure as busier in proportion: unchanged at 0, never at 1', () => {
    const [a] = fakeTargets(1) as [FakeTarget];
    a.inFlight = 1;
    a.rateLimit = report({ remainingRequests: 500, limitRequests: 1_000 });
    expect(loadWithHeadroom(a, 0, 1_000)).toBe(1);
    a.rateLimit = report({ remainingRequests: 51, limitRequests: 1_000 }); // 50 left after the one in flight: p = 0.5
    expect(loadWithHeadroom(a, 0, 1_000)).toBeCloseTo(3);
    a.rateLimit = report({ remainingRequests: 1, limitRequests: 1_000 });
    expect(loadWithHeadroom(a, 0, 1_000)).toBe(Number.POSITIVE_INFINITY);
  });

  it('moves calls off a target whose requests run low although it has fewer in flight', () => {
    const targets = fakeTargets(2) as [FakeTarget, FakeTarget];
    const [a, b] = targets;
    const strategy = leastConnections({ choices: 2 })(fakeInit(targets)) as Strategy;
    a.inFlight = 0;
    b.inFlight = 1;
    expect(strategy.pick(targets, fakeContext()).id).toBe('a');
    a.rateLimit = report({ remainingRequests: 30, limitRequests: 1_000 }); // p = 0.7: load 2.3 > 1
    expect(strategy.pick(targets, fakeContext({ now: 1 })).id).toBe('b');
    const scores = strategy.describe?.(targets, fakeContext({ now: 1 })) ?? [];
    expect(scores.map((s) => s.score)).toEqual([expect.closeTo(1 / 0.3 - 1, 5), 1]);
    expect(scores[0]?.note).toMatch(/rate-limit headroom/);
    // Without a report it is plain least-connections again.
    delete a.rateLimit;
    expect(strategy.pick(targets, fakeContext({ now: 1 })).id).toBe('a');
  });
});
