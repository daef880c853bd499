import { describe, expect, it, vi } from 'vitest';
import { createSeededRandom, SwitchyardError, type TargetView } from '../src/index.js';
import { leastConnections } from './least-connections.js';
import { type FakeTargetSpec, fakeContext, fakeInit, fakeTargets } from './testing.js';

function setup(specs: readonly FakeTargetSpec[], choices?: number, seed = 42) {
  const targets = fakeTargets(specs);
  const strategy = leastConnections(choices === undefined ? {} : { choices })(fakeInit(targets));
  const ctx = fakeContext({ random: createSeededRandom(seed) });
  return { targets, strategy, ctx };
}

function shares(specs: readonly FakeTargetSpec[], picks: number, choices?: number): number[] {
  const { targets, strategy, ctx } = setup(specs, choices);
  const hits = new Array<number>(targets.length).fill(0);
  for (let i = 0; i < picks; i++) {
    const t = strategy.pick(targets, ctx);
    hits[t.index] = hits[t.index]! + 1;
  }
  return hits.map((h) => h / picks);
}

describe('leastConnections', () => {
  it('is named least-connections', () => {
    expect(setup([{}]).strategy.name).toBe('least-connections');
  });

  it('with two candidates always takes the one with fewer in flight', () => {
    const { targets, strategy, ctx } = setup([{ inFlight: 3 }, { inFlight: 1 }]);
    for (let i = 0; i < 50; i++) expect(strategy.pick(targets, ctx).id).toBe('b');
    targets[1]!.inFlight = 4;
    expect(strategy.pick(targets, ctx).id).toBe('a');
  });

  it('breaks ties by higher weight, then lower index', () => {
    const byWeight = setup([{ weight: 1 }, { weight: 2 }]);
    expect(byWeight.strategy.pick(byWeight.targets, byWeight.ctx).id).toBe('b');
    const byIndex = setup([{}, {}]);
    const [a, b] = byIndex.targets as [TargetView, TargetView];
    expect(byIndex.strategy.pick([b, a], byIndex.ctx).id).toBe('a');
  });

  it('with one candidate returns it without drawing', () => {
    const targets = fakeTargets([{ inFlight: 9 }, {}]);
    const strategy = leastConnections()(fakeInit(targets));
    const draw = vi.fn(() => 0.5);
    expect(strategy.pick([targets[0]!], fakeContext({ random: draw })).id).toBe('a');
    expect(draw).not.toHaveBeenCalled();
  });

  it('with more candidates compares two distinct random ones (power of two choices)', () => {
    // Ranked by in flight, target r wins when paired with any worse one: P = (n-1-r) / C(n,2).
    // The best sits last and the busiest first, where a sampler that drew duplicates would show.
    const got = shares([{ inFlight: 9 }, { inFlight: 2 }, { inFlight: 1 }, { inFlight: 0 }], 60_000);
    expect(got[3]).toBeCloseTo(3 / 6, 2);
    expect(got[2]).toBeCloseTo(2 / 6, 2);
    expect(got[1]).toBeCloseTo(1 / 6, 2);
    // Distinct draws: the busiest can only win against itself, which never happens.
    expect(got[0]).toBe(0);
  });

  it('with choices >= candidates always takes the least loaded', () => {
    const got = shares([{ inFlight: 4 }, { inFlight: 2 }, { inFlight: 0 }, { inFlight: 3 }], 1000, 4);
    expect(got).toEqual([0, 0, 1, 0]);
  });

  it('with choices 3 of 4, the two least loaded share the picks', () => {
    // Best wins unless left out (P = 1/4); then the second best wins.
    const got = shares([{ inFlight: 0 }, { inFlight: 1 }, { inFlight: 2 }, { inFlight: 3 }], 40_000, 3);
    expect(got[0]).toBeCloseTo(0.75, 2);
    expect(got[1]).toBeCloseTo(0.25, 2);
    expect(got[2]).toBe(0);
    expect(got[3]).toBe(0);
  });

  it('follows in-flight counts as they change between picks', () => {
    const { targets, strategy, ctx } = setup([{}, {}, {}], 3);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const t = strategy.pick(targets, ctx) as (typeof targets)[number];
      t.inFlight++;
      ids.push(t.id);
    }
    expect(ids.join('')).toBe('abcabc');
  });

  it('is deterministic for a seed and never calls Math.random', () => {
    const spy = vi.spyOn(Math, 'random');
    const run = (seed: number) => {
      const { targets, strategy, ctx } = setup(fakeSpecsAllEqual(6), undefined, seed);
      return Array.from({ length: 40 }, () => strategy.pick(targets, ctx).id).join('');
    };
    expect(run(1)).toBe(run(1));
    expect(run(1)).not.toBe(run(2));
    expect(spy).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });

  it('tolerates a random source that returns 1', () => {
    const { targets, strategy } = setup([{ inFlight: 1 }, { inFlight: 2 }, { inFlight: 0 }]);
    const t = strategy.pick(targets, fakeContext({ random: () => 1 }));
    expect(targets).toContain(t);
  });

  it('rejects a choices that is not a whole number >= 1', () => {
    for (const choices of [0, -1, 1.5, Number.NaN]) {
      expect(() => leastConnections({ choices })).toThrow(SwitchyardError);
    }
    expect(() => leastConnections({ choices: 0 })).toThrow(/choices: expected a whole number >= 1, got 0/);
  });

  it('describe scores each candidate by its in-flight count', () => {
    const { targets, strategy, ctx } = setup([{ inFlight: 3 }, { inFlight: 0 }]);
    expect(strategy.describe!(targets, ctx).map((s) => [s.target, s.score])).toEqual([
      ['a', 3],
      ['b', 0],
    ]);
  });
});

function fakeSpecsAllEqual(n: number): FakeTargetSpec[] {
  return Array.from({ length: n }, () => ({}));
}
