import { describe, expect, it } from 'vitest';
import { bandOf, bandPriorWeight } from './bands.js';

/** Discounted sums (weight, sum, sum of squares) per band from each band's values, all of weight 1. */
function sums(...bands: number[][]) {
  const n = new Float64Array(bands.length);
  const s = new Float64Array(bands.length);
  const q = new Float64Array(bands.length);
  bands.forEach((values, b) => {
    for (const v of values) {
      n[b]! += 1;
      s[b]! += v;
      q[b]! += v * v;
    }
  });
  return [n, s, q] as const;
}

describe('bandOf', () => {
  it('counts the edges a prompt reaches', () => {
    const edges = [512, 2048];
    expect([0, 511, 512, 2047, 2048, 1e6].map((tokens) => bandOf(tokens, edges))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(bandOf(10_000, [])).toBe(0);
  });
});

describe('bandPriorWeight (how much a band leans on the overall figure)', () => {
  it('is within-band variance over between-band variance (DerSimonian–Laird)', () => {
    // Means 2 and 3, within-band variance 8 / 6; between-band variance (2 − 4/3) / 4 = 1/6.
    const [n, s, q] = sums([1, 1, 3, 3], [2, 2, 4, 4]);
    expect(bandPriorWeight(n, s, q, 0, 2, 64)).toBeCloseTo(8, 10);
  });

  it('bands that agree lean fully on the overall figure; bands far apart on their own data', () => {
    expect(bandPriorWeight(...sums([1, 1, 3, 3], [1, 3, 1, 3]), 0, 2, 64)).toBe(64);
    expect(bandPriorWeight(...sums([1, 1.1, 0.9], [5, 5.1, 4.9]), 0, 2, 64)).toBe(1);
  });

  it('needs two bands with data; reads only its own slice', () => {
    expect(bandPriorWeight(...sums([1, 2, 3], []), 0, 2, 64)).toBeUndefined();
    // One value per band: no within-band spread to weigh the difference against.
    expect(bandPriorWeight(...sums([1], [2]), 0, 2, 64)).toBeUndefined();
    // Target 1's slice (bands 2 and 3) agrees, whatever target 0's (bands 0 and 1) does.
    const [n, s, q] = sums([1, 1, 1], [9, 9, 9], [1, 3, 1, 3], [3, 1, 3, 1]);
    expect(bandPriorWeight(n, s, q, 0, 2, 64)).toBe(1);
    expect(bandPriorWeight(n, s, q, 2, 2, 64)).toBe(64);
  });

  it('leaves out bands with a weight under 1', () => {
    const [n, s, q] = sums([1, 1, 3, 3], [2, 2, 4, 4], []);
    n[2] = 0.5;
    s[2] = 50;
    q[2] = 5_000;
    expect(bandPriorWeight(n, s, q, 0, 3, 64)).toBeCloseTo(8, 10);
  });
});
