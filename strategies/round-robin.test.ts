import { describe, expect, it, vi } from 'vitest';
import type { TargetView } from '../src/index.js';
import { roundRobin } from './round-robin.js';
import { fakeContext, fakeInit, fakeTargets } from './testing.js';

function picker(count: number) {
  const targets = fakeTargets(count);
  const strategy = roundRobin()(fakeInit(targets));
  const ctx = fakeContext();
  const pickIds = (candidates: readonly TargetView[], times: number): string =>
    Array.from({ length: times }, () => strategy.pick(candidates, ctx).id).join('');
  return { targets, strategy, ctx, pickIds };
}

describe('roundRobin', () => {
  it('is named round-robin', () => {
    expect(picker(1).strategy.name).toBe('round-robin');
  });

  it('cycles over all targets in configuration order', () => {
    const { targets, pickIds } = picker(3);
    expect(pickIds(targets, 7)).toBe('abcabca');
  });

  it('skips a missing target and gives it its slot again when it comes back', () => {
    const { targets, pickIds } = picker(3);
    const [a, , c] = targets as [TargetView, TargetView, TargetView];
    expect(pickIds(targets, 1)).toBe('a');
    // b drops out: the cursor sits on b, so the next one at or after it is c.
    expect(pickIds([a, c], 3)).toBe('cac');
    // b is back: the cursor wrapped past c, so a then b in their usual slots.
    expect(pickIds(targets, 4)).toBe('abca');
  });

  it('does not depend on the order of the candidates array', () => {
    const { targets, pickIds } = picker(4);
    const [a, b, c, d] = targets as [TargetView, TargetView, TargetView, TargetView];
    expect(pickIds([d, b, a, c], 5)).toBe('abcda');
  });

  it('with one candidate returns it every time', () => {
    const { targets, pickIds } = picker(3);
    expect(pickIds([targets[1]!], 3)).toBe('bbb');
  });

  it('ignores weights', () => {
    const targets = fakeTargets([{ weight: 10 }, { weight: 1 }]);
    const strategy = roundRobin()(fakeInit(targets));
    const ids = Array.from({ length: 4 }, () => strategy.pick(targets, fakeContext()).id).join('');
    expect(ids).toBe('abab');
  });

  it('does not touch Math.random or Date.now', () => {
    const rnd = vi.spyOn(Math, 'random');
    const now = vi.spyOn(Date, 'now');
    const { targets, pickIds } = picker(3);
    pickIds(targets, 10);
    expect(rnd).not.toHaveBeenCalled();
    expect(now).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });

  it('describe gives one score per candidate: turns until its slot, 0 = next', () => {
    const { targets, strategy, ctx, pickIds } = picker(3);
    pickIds(targets, 1); // cursor on b
    const scores = strategy.describe!(targets, ctx);
    expect(scores.map((s) => [s.target, s.score])).toEqual([
      ['a', 2],
      ['b', 0],
      ['c', 1],
    ]);
    pickIds(targets, 2); // cursor past c: wraps to a
    expect(strategy.describe!(targets, ctx).map((s) => s.score)).toEqual([0, 1, 2]);
  });
});
