import { describe, expect, it, vi } from 'vitest';
import { createSeededRandom, type ErrorKind, SwitchyardError, type TargetView } from '../src/index.js';
import { configErrorOf, twins } from '../test/helpers/snapshot-world.js';
import { type ResponseTimeOptions, responseTime } from './response-time.js';
import {
  type FakeTarget,
  type FakeTargetSpec,
  fakeContext,
  fakeInit,
  fakeOutcome,
  fakeTargets,
  ManualClock,
} from './testing.js';

const DECAY = 10_000;

function setup(specs: number | readonly FakeTargetSpec[], options: ResponseTimeOptions = {}) {
  const targets = fakeTargets(specs);
  const clock = new ManualClock(1_000);
  const strategy = responseTime({ decayMs: DECAY, ...options })(fakeInit(targets, { clock }));
  const random = createSeededRandom(42);
  const ctx = () => fakeContext({ now: clock.now(), random });
  const observe = (t: TargetView, latencyMs: number, errorKind?: ErrorKind) =>
    strategy.observe!(fakeOutcome(t, errorKind === undefined ? { latencyMs } : { latencyMs, errorKind }));
  const cost = (t: TargetView) => strategy.describe!([t], ctx())[0]!.score / (t.inFlight + 1);
  const pick = (candidates: readonly TargetView[] = targets) => strategy.pick(candidates, ctx());
  return { targets, clock, strategy, observe, cost, pick };
}

describe('responseTime (peak EWMA)', () => {
  it('is named response-time', () => {
    expect(setup(1).strategy.name).toBe('response-time');
  });

  it('prefers the faster target', () => {
    const { targets, observe, pick } = setup(2);
    const [a, b] = targets as [TargetView, TargetView];
    observe(a, 500);
    observe(b, 100);
    for (let i = 0; i < 20; i++) expect(pick().id).toBe('b');
  });

  it('weighs cost by in-flight attempts: load = cost × (inFlight + 1)', () => {
    const { targets, observe, pick, strategy } = setup(2);
    const [a, b] = targets as [FakeTarget, FakeTarget];
    observe(a, 100);
    observe(b, 500);
    a.inFlight = 5; // 100 × 6 = 600 > 500 × 1
    expect(pick().id).toBe('b');
    a.inFlight = 3; // 100 × 4 = 400 < 500
    expect(pick().id).toBe('a');
    expect(strategy.describe!(targets, fakeContext({ now: 1_000 })).map((s) => s.score)).toEqual([400, 500]);
  });

  it('peak sensitivity: one slow sample raises the cost at once and moves load away', () => {
    const { targets, observe, pick, cost } = setup(2);
    const [a, b] = targets as [TargetView, TargetView];
    observe(a, 100);
    observe(b, 200);
    expect(pick().id).toBe('a');
    observe(a, 2_000);
    expect(cost(a)).toBe(2_000);
    expect(pick().id).toBe('b');
  });

  it('a faster sample only blends in, by how much time has passed', () => {
    const { targets, observe, cost, clock } = setup(1);
    const a = targets[0]!;
    observe(a, 1_000);
    observe(a, 10); // no time passed: w = 1, the peak stays
    expect(cost(a)).toBe(1_000);
    clock.advance(DECAY); // w = 1/e: current = 1000/e, blended toward 100
    observe(a, 100);
    const w = Math.exp(-1);
    expect(cost(a)).toBeCloseTo(1_000 * w * w + 100 * (1 - w), 9);
  });

  it('decays toward 0 over clock time without observations', () => {
    const { targets, observe, cost, clock } = setup(1);
    const a = targets[0]!;
    observe(a, 1_000);
    clock.advance(DECAY);
    expect(cost(a)).toBeCloseTo(1_000 * Math.exp(-1), 9);
    clock.advance(4 * DECAY);
    expect(cost(a)).toBeCloseTo(1_000 * Math.exp(-5), 9);
  });

  it('after a spike, load returns once the spike has decayed below the other target', () => {
    const { targets, observe, pick, clock } = setup(2);
    const [a, b] = targets as [TargetView, TargetView];
    observe(a, 1_000);
    observe(b, 200);
    // b keeps serving at 200 ms while a's spike decays: 1000·e^(-t/τ) < 200 once t > τ·ln 5.
    const crossover = DECAY * Math.log(5);
    let back = Number.NaN;
    for (let t = 0; t <= 2 * DECAY; t += 100) {
      if (pick() === a) {
        back = t;
        break;
      }
      observe(b, 200);
      clock.advance(100);
    }
    expect(back).toBeGreaterThan(crossover);
    expect(back).toBeLessThan(crossover + 200);
  });

  it('a target that fails fast is not preferred: failures count as max(latency, penalty)', () => {
    const { targets, observe, pick, cost } = setup(2);
    const [a, b] = targets as [TargetView, TargetView];
    observe(a, 1, 'server');
    observe(b, 300);
    expect(cost(a)).toBe(5_000);
    expect(pick().id).toBe('b');
    observe(b, 8_000, 'timeout'); // slower than the penalty: its own latency counts
    expect(cost(b)).toBe(8_000);
  });

  it('honours failurePenaltyMs', () => {
    const { targets, observe, cost } = setup(1, { failurePenaltyMs: 750 });
    observe(targets[0]!, 1, 'connection');
    expect(cost(targets[0]!)).toBe(750);
  });

  it('a failure without a kind still counts against the target', () => {
    const { targets, strategy, cost } = setup(1);
    strategy.observe!(fakeOutcome(targets[0]!, { latencyMs: 2, ok: false }));
    expect(cost(targets[0]!)).toBe(5_000);
  });

  it('ignores failures that do not reflect the target (invalid_request, aborted)', () => {
    const { targets, observe, cost } = setup(1);
    const a = targets[0]!;
    observe(a, 100);
    observe(a, 1, 'invalid_request');
    observe(a, 60_000, 'aborted');
    expect(cost(a)).toBe(100);
  });

  it('unobserved targets start at initialCostMs: 0 by default, so they get tried early', () => {
    const fresh = setup(2);
    fresh.observe(fresh.targets[0]!, 50);
    expect(fresh.pick().id).toBe('b');

    const wary = setup(2, { initialCostMs: 1_000 });
    const [c, d] = wary.targets as [TargetView, TargetView];
    wary.observe(d, 500);
    expect(wary.pick().id).toBe('b');
    expect(wary.cost(c)).toBe(1_000);
    wary.clock.advance(10 * DECAY); // the prior does not decay
    expect(wary.cost(c)).toBe(1_000);
    wary.observe(c, 2_000); // the first observation replaces the prior
    expect(wary.cost(c)).toBe(2_000);
  });

  it('reads time from the clock, never Date.now', () => {
    const spy = vi.spyOn(Date, 'now');
    const rnd = vi.spyOn(Math, 'random');
    const { targets, observe, pick, clock } = setup(3);
    for (let i = 0; i < 20; i++) {
      const t = pick();
      clock.advance(10);
      observe(t, 100 + t.index * 10);
    }
    expect(spy).not.toHaveBeenCalled();
    expect(rnd).not.toHaveBeenCalled();
    expect(targets).toHaveLength(3);
    vi.restoreAllMocks();
  });

  it('with more candidates than choices samples two distinct ones (power of two choices)', () => {
    const { targets, observe, pick } = setup(4);
    targets.forEach((t, i) => {
      observe(t, 100 * (4 - i)); // best last, worst first: duplicate draws would show
    });
    const hits = [0, 0, 0, 0];
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const t = pick();
      hits[t.index] = hits[t.index]! + 1;
    }
    expect(hits[3]! / n).toBeCloseTo(3 / 6, 2);
    expect(hits[2]! / n).toBeCloseTo(2 / 6, 2);
    expect(hits[1]! / n).toBeCloseTo(1 / 6, 2);
    expect(hits[0]).toBe(0);
  });

  it('with choices >= candidates compares them all', () => {
    const { targets, observe, pick } = setup(4, { choices: 4 });
    targets.forEach((t, i) => {
      observe(t, 400 - 100 * i);
    });
    for (let i = 0; i < 100; i++) expect(pick().id).toBe('d');
  });

  it('ties on load go to fewer in flight, then higher weight, then lower index', () => {
    const { targets, pick } = setup(
      [{ inFlight: 2 }, { inFlight: 1 }, { inFlight: 1, weight: 3 }, { inFlight: 1 }],
      {
        choices: 4,
      },
    );
    // Nothing observed: every cost, hence every load, is 0.
    expect(pick().id).toBe('c');
    expect(pick([targets[0]!, targets[3]!, targets[1]!]).id).toBe('b');
  });

  it('rejects invalid options with a config error naming the field', () => {
    const bad: [ResponseTimeOptions, RegExp][] = [
      [{ decayMs: 0 }, /decayMs: expected a finite number of ms > 0, got 0/],
      [{ decayMs: Number.POSITIVE_INFINITY }, /decayMs/],
      [{ failurePenaltyMs: -1 }, /failurePenaltyMs: expected a finite number of ms >= 0, got -1/],
      [{ initialCostMs: Number.NaN }, /initialCostMs/],
      [{ choices: 0 }, /choices/],
    ];
    for (const [options, message] of bad) {
      expect(() => responseTime(options)).toThrow(SwitchyardError);
      expect(() => responseTime(options)).toThrow(message);
    }
  });

  it('describe gives one load per candidate with a readable note', () => {
    const { targets, observe, strategy } = setup(2);
    observe(targets[0]!, 120);
    const scores = strategy.describe!(targets, fakeContext({ now: 1_000 }));
    expect(scores).toHaveLength(2);
    expect(scores[0]).toMatchObject({ target: 'a', score: 120 });
    expect(scores[0]!.note).toContain('120.0 ms');
    expect(scores[1]).toMatchObject({ target: 'b', score: 0 });
  });
});

describe('responseTime snapshot', () => {
  it('restored into a fresh strategy with the targets reordered: same describe, same next 200 picks', () => {
    const { original, twin } = twins(responseTime(), 150);
    expect(twin.describeAll()).toEqual(original.describeAll());
    expect(twin.run(200)).toEqual(original.run(200));
    expect(twin.describeAll()).toEqual(original.describeAll());
  });

  it('keeps each observed target cost and last observation time (absolute clock time), by id', () => {
    const { strategy, targets, observe, clock } = setup(3);
    observe(targets[0]!, 250);
    clock.advance(500);
    observe(targets[2]!, 90);
    expect(strategy.snapshot!()).toEqual({
      version: 1,
      targets: { a: { costMs: 250, at: 1_000 }, c: { costMs: 90, at: 1_500 } },
    });
  });

  it('ignores unknown ids; targets the snapshot does not name start fresh', () => {
    const { strategy, targets, cost, observe } = setup([{ id: 'a' }, { id: 'new' }], { initialCostMs: 7 });
    observe(targets[1]!, 50);
    strategy.restore!({
      version: 1,
      targets: { a: { costMs: 300, at: 1_000 }, gone: { costMs: 5, at: 1_000 } },
    });
    expect(cost(targets[0]!)).toBe(300);
    expect(cost(targets[1]!)).toBe(7);
    expect(strategy.snapshot!()).toEqual({ version: 1, targets: { a: { costMs: 300, at: 1_000 } } });
  });

  it('a malformed snapshot or another version throws a config error naming the field, and changes nothing', () => {
    const { strategy, targets, observe, cost } = setup(1);
    observe(targets[0]!, 400);
    expect(
      configErrorOf(() => strategy.restore!({ version: 1, targets: { a: { costMs: 'fast', at: 0 } } })),
    ).toBe('response-time: snapshot.targets["a"].costMs: expected a finite number >= 0, got "fast"');
    const valid = { costMs: 1, at: 0 };
    expect(
      configErrorOf(() => strategy.restore!({ version: 1, targets: { a: valid, z: { costMs: 1 } } })),
    ).toBe('response-time: snapshot.targets["z"].at: expected a finite number, got undefined');
    expect(configErrorOf(() => strategy.restore!({ version: 1, targets: [] }))).toBe(
      'response-time: snapshot.targets: expected an object, got []',
    );
    expect(configErrorOf(() => strategy.restore!(null))).toBe(
      'response-time: snapshot: expected an object, got null',
    );
    expect(configErrorOf(() => strategy.restore!({ version: 2, targets: {} }))).toBe(
      'response-time: snapshot.version: expected 1 (the snapshot format this version of response-time reads; start fresh or restore it with the version that wrote it), got 2',
    );
    expect(cost(targets[0]!)).toBe(400);
  });
});
