import { describe, expect, it } from 'vitest';
import { DEFAULT_UTILITY_WEIGHTS, resolveUtilityWeights, utilityOf } from '../../index.js';

describe('utility', () => {
  it('weighs latency, failure and cost with the documented defaults', () => {
    expect(DEFAULT_UTILITY_WEIGHTS).toEqual({ latencyPerSecond: 1, error: 10, costPerUsd: 1000 });
    expect(utilityOf({ latencyMs: 1200, ok: true, costUsd: 0.0004 })).toBeCloseTo(-1.6, 12);
    expect(utilityOf({ latencyMs: 0, ok: false })).toBe(-10);
    expect(utilityOf({ latencyMs: 500, ok: true }, resolveUtilityWeights({ latencyPerSecond: 4 }))).toBe(-2);
  });

  it('rejects negative or non-finite weights, naming the field', () => {
    expect(() => resolveUtilityWeights({ error: -1 })).toThrow(
      'utility weights: error: expected a finite number ≥ 0',
    );
    expect(() => resolveUtilityWeights({ costPerUsd: Number.NaN })).toThrow(/costPerUsd/);
  });
});
