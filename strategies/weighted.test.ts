import { describe, expect, it, vi } from 'vitest';
import type { TargetView } from '../src/index.js';
import { type FakeTargetSpec, fakeContext, fakeInit, fakeTargets } from './testing.js';
import { weighted } from './weighted.js';

function picker(specs: readonly FakeTargetSpec[]) {
  const targets = fakeTargets(specs);
  const strategy = weighted()(fakeInit(targets));
  const ctx = fakeContext();
  const pickIds = (candidates: readonly TargetView[], times: number): string =>
    Array.from({ length: times }, () => strategy.pick(candidates, ctx).id).join('');
  return { targets, strategy, ctx, pickIds };
}

function counts(ids: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of ids) out[id] = (out[id] ?? 0) + 1;
  return out;
}

describe('weighted (smooth weighted round robin)', () => {
  it('is named weighted', () => {
    expect(picker([{}]).strategy.name).toBe('weighted');
  });

  it("gives nginx's documented sequence for weights 5, 1, 1", () => {
    const { targets, pickIds } = picker([{ weight: 5 }, { weight: 1 }, { weight: 1 }]);
    expect(pickIds(targets, 7)).toBe('aabacaa');
    // The state is back to zero after a full cycle, so the sequence repeats.
    expect(pickIds(targets, 7)).toBe('aabacaa');
  });

  it('picks each target exactly weight times in every full cycle', () => {
    const weights = [4, 3, 2, 1];
    const { targets, pickIds } = picker(weights.map((weight) => ({ weight })));
    for (let cycle = 0; cycle < 5; cycle++) {
      expect(counts(pickIds(targets, 10))).toEqual({ a: 4, b: 3, c: 2, d: 1 });
    }
  });

  it('spreads picks instead of bursting them', () => {
    const { targets, pickIds } = picker([{ weight: 2 }, { weight: 2 }]);
    expect(pickIds(targets, 4)).toBe('abab');
  });

  it('handles fractional weights in proportion', () => {
    const { targets, pickIds } = picker([{ weight: 0.5 }, { weight: 1.5 }]);
    expect(counts(pickIds(targets, 400))).toEqual({ a: 100, b: 300 });
  });

  it('balances among the candidates while one is missing, and keeps its state for when it returns', () => {
    const { targets, pickIds } = picker([{ weight: 5 }, { weight: 1 }, { weight: 1 }]);
    const [a, , c] = targets as [TargetView, TargetView, TargetView];
    expect(pickIds(targets, 2)).toBe('aa'); // current: a=-4, b=2, c=2
    // b drops out: a and c share 5:1 among themselves.
    expect(counts(pickIds([a, c], 6))).toEqual({ a: 5, c: 1 });
    // b is back with its saved score: a=-4+5=1, b=2+1=3, c=2+1=3, so b (lower index than c) is next.
    expect(pickIds(targets, 1)).toBe('b');
    expect(counts(pickIds(targets, 70))).toEqual({ a: 50, b: 10, c: 10 });
  });

  it('breaks ties by lower index, whatever the candidate order', () => {
    const { targets, pickIds } = picker([{}, {}, {}]);
    const [a, b, c] = targets as [TargetView, TargetView, TargetView];
    expect(pickIds([c, b, a], 3)).toBe('abc');
  });

  it('does not touch Math.random or Date.now', () => {
    const rnd = vi.spyOn(Math, 'random');
    const now = vi.spyOn(Date, 'now');
    const { targets, pickIds } = picker([{ weight: 3 }, { weight: 1 }]);
    pickIds(targets, 8);
    expect(rnd).not.toHaveBeenCalled();
    expect(now).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });

  it('describe gives the score each candidate would compete with; the highest is picked next', () => {
    const { targets, strategy, ctx, pickIds } = picker([{ weight: 5 }, { weight: 1 }, { weight: 1 }]);
    expect(strategy.describe!(targets, ctx).map((s) => [s.target, s.score])).toEqual([
      ['a', 5],
      ['b', 1],
      ['c', 1],
    ]);
    pickIds(targets, 2); // a=-4, b=2, c=2
    const scores = strategy.describe!(targets, ctx);
    expect(scores.map((s) => s.score)).toEqual([1, 3, 3]);
    expect(pickIds(targets, 1)).toBe('b');
  });
});
