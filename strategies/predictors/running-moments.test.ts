import { describe, expect, it } from 'vitest';
import { RunningMoments } from './running-moments.js';

describe('RunningMoments', () => {
  it('starts at the first value, with the initial variance', () => {
    const m = new RunningMoments(0.1, 0.25);
    expect(m.started).toBe(false);
    m.add(4);
    expect(m).toMatchObject({ mean: 4, variance: 0.25, started: true });
    expect(m.second).toBe(16.25);
  });

  it('moves by alpha per value and tracks the spread', () => {
    const m = new RunningMoments(0.5);
    m.add(0);
    m.add(2);
    expect(m.mean).toBe(1);
    expect(m.variance).toBe(0.5 * (0 + 0.5 * 4)); // (1 − α)(v + α·δ²)
    for (let i = 0; i < 200; i++) m.add(i % 2 === 0 ? 9 : 11);
    expect(m.mean).toBeGreaterThan(9);
    expect(m.mean).toBeLessThan(11);
    expect(m.variance).toBeGreaterThan(0.5);
    expect(m.variance).toBeLessThan(2);
  });

  it('ignores values that are not finite', () => {
    const m = new RunningMoments(0.1);
    m.add(Number.NaN);
    m.add(Number.POSITIVE_INFINITY);
    expect(m.started).toBe(false);
    m.add(1);
    m.add(Number.NaN);
    expect(m.mean).toBe(1);
  });
});
