import { describe, expect, it, vi } from 'vitest';
import { createSeededRandom, type TargetView } from '../src/index.js';
import { random } from './random.js';
import { type FakeTargetSpec, fakeContext, fakeInit, fakeTargets } from './testing.js';

function shares(specs: readonly FakeTargetSpec[], picks: number, seed: number): number[] {
  const targets = fakeTargets(specs);
  const strategy = random()(fakeInit(targets));
  const ctx = fakeContext({ random: createSeededRandom(seed) });
  const hits = new Array<number>(targets.length).fill(0);
  for (let i = 0; i < picks; i++) {
    const t = strategy.pick(targets, ctx);
    hits[t.index] = hits[t.index]! + 1;
  }
  return hits.map((h) => h / picks);
}

describe('random (weighted)', () => {
  it('is named random', () => {
    expect(random()(fakeInit(fakeTargets(1))).name).toBe('random');
  });

  it('picks in proportion to weight over 100k seeded picks', () => {
    const got = shares([{ weight: 1 }, { weight: 2 }, { weight: 7 }], 100_000, 7);
    expect(got[0]).toBeCloseTo(0.1, 2);
    expect(got[1]).toBeCloseTo(0.2, 2);
    expect(got[2]).toBeCloseTo(0.7, 2);
  });

  it('is uniform when all weights are 1', () => {
    const got = shares([{}, {}, {}, {}], 100_000, 11);
    for (const share of got) expect(share).toBeCloseTo(0.25, 2);
  });

  it('maps the random draw onto cumulative weights', () => {
    const targets = fakeTargets([{ weight: 1 }, { weight: 3 }]);
    const strategy = random()(fakeInit(targets));
    const at = (r: number) => strategy.pick(targets, fakeContext({ random: () => r })).id;
    expect(at(0)).toBe('a');
    expect(at(0.2499)).toBe('a');
    expect(at(0.25)).toBe('b');
    expect(at(0.9999999)).toBe('b');
  });

  it('only picks among the candidates', () => {
    const targets = fakeTargets([{ weight: 100 }, { weight: 1 }, { weight: 1 }]);
    const strategy = random()(fakeInit(targets));
    const ctx = fakeContext({ random: createSeededRandom(3) });
    const subset = [targets[1]!, targets[2]!];
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) seen.add(strategy.pick(subset, ctx).id);
    expect([...seen].sort()).toEqual(['b', 'c']);
  });

  it('is deterministic for a seed and uses the context random source, not Math.random', () => {
    const spy = vi.spyOn(Math, 'random');
    const run = (seed: number) => {
      const targets = fakeTargets(5);
      const strategy = random()(fakeInit(targets));
      const ctx = fakeContext({ random: createSeededRandom(seed) });
      return Array.from({ length: 30 }, () => strategy.pick(targets, ctx).id).join('');
    };
    expect(run(5)).toBe(run(5));
    expect(run(5)).not.toBe(run(6));
    expect(spy).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });

  it('returns a single candidate without drawing', () => {
    const targets = fakeTargets(2);
    const strategy = random()(fakeInit(targets));
    const draw = vi.fn(() => 0.5);
    expect(strategy.pick([targets[1] as TargetView], fakeContext({ random: draw })).id).toBe('b');
    expect(draw).not.toHaveBeenCalled();
  });

  it('describe gives each candidate its probability', () => {
    const targets = fakeTargets([{ weight: 1 }, { weight: 3 }]);
    const strategy = random()(fakeInit(targets));
    expect(strategy.describe!(targets, fakeContext()).map((s) => [s.target, s.score])).toEqual([
      ['a', 0.25],
      ['b', 0.75],
    ]);
  });
});
