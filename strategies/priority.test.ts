import { describe, expect, it } from 'vitest';
import type { TargetView } from '../src/index.js';
import { priority } from './priority.js';
import { fakeContext, fakeInit, fakeTargets } from './testing.js';

describe('priority', () => {
  const targets = fakeTargets([{ priority: 2 }, { priority: 0 }, { priority: 1 }, { priority: 0 }]);
  const [a, b, c, d] = targets as [TargetView, TargetView, TargetView, TargetView];
  const strategy = priority()(fakeInit(targets));
  const ctx = fakeContext();

  it('is named priority', () => {
    expect(strategy.name).toBe('priority');
  });

  it('picks the lowest priority; ties go to the lower index', () => {
    expect(strategy.pick(targets, ctx)).toBe(b);
    expect(strategy.pick([d, c, b, a], ctx)).toBe(b);
  });

  it('falls back down the list as preferred targets drop out, and returns when they come back', () => {
    expect(strategy.pick([a, c, d], ctx)).toBe(d);
    expect(strategy.pick([a, c], ctx)).toBe(c);
    expect(strategy.pick([a], ctx)).toBe(a);
    expect(strategy.pick(targets, ctx)).toBe(b);
  });

  it('defaults to configuration order', () => {
    const plain = fakeTargets(3);
    const s = priority()(fakeInit(plain));
    expect(s.pick([plain[2]!, plain[1]!], ctx).id).toBe('b');
  });

  it('describe scores each candidate by its priority', () => {
    expect(strategy.describe!(targets, ctx).map((s) => [s.target, s.score])).toEqual([
      ['a', 2],
      ['b', 0],
      ['c', 1],
      ['d', 0],
    ]);
  });
});
