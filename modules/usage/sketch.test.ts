import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../src/index.js';
import { LatencySketch, SKETCH_RELATIVE_ACCURACY } from './sketch.js';

/** Log-normal latencies (median ≈ 400 ms, long tail), seeded. */
function logNormal(n: number, seed: number): number[] {
  const random = createSeededRandom(seed);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    values.push(Math.exp(6 + 1.2 * z));
  }
  return values;
}

const nearestRank = (sorted: readonly number[], q: number) =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;

describe('LatencySketch', () => {
  it('quantiles are within 1% of the exact nearest-rank values of a known distribution', () => {
    const values = logNormal(100_000, 7);
    const sketch = new LatencySketch();
    for (const v of values) sketch.add(v);
    const sorted = [...values].sort((a, b) => a - b);
    let worst = 0;
    for (const q of [0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      const exact = nearestRank(sorted, q);
      const error = Math.abs(sketch.quantile(q)! - exact) / exact;
      worst = Math.max(worst, error);
    }
    expect(worst).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY);
    expect(sketch.count).toBe(100_000);
    expect(sketch.buckets).toBeLessThan(1_300);
  });

  it('merges exactly: two halves give the quantiles of the whole', () => {
    const values = logNormal(20_000, 3);
    const whole = new LatencySketch();
    const a = new LatencySketch();
    const b = new LatencySketch();
    values.forEach((v, i) => {
      whole.add(v);
      (i % 2 === 0 ? a : b).add(v);
    });
    a.merge(b);
    for (const q of [0.5, 0.95, 0.99]) expect(a.quantile(q)).toBe(whole.quantile(q));
    expect(a.sum).toBeCloseTo(whole.sum, 6);
  });

  it('handles zero, negative, empty and constant inputs', () => {
    const sketch = new LatencySketch();
    expect(sketch.quantile(0.5)).toBeUndefined();
    sketch.add(-1);
    sketch.add(Number.NaN);
    expect(sketch.count).toBe(0);
    sketch.add(0, 3);
    sketch.add(250);
    expect(sketch.quantile(0.5)).toBe(0);
    expect(sketch.quantile(1)).toBe(250); // clamped to the exact maximum
    const constant = new LatencySketch();
    for (let i = 0; i < 100; i++) constant.add(42);
    expect(constant.quantile(0.99)).toBe(42);
  });
});
