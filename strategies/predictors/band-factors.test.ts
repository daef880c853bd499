import { describe, expect, it } from 'vitest';
import { BandFactors } from './band-factors.js';

describe('BandFactors', () => {
  it('reads 1 in every band before any outcome, and finds the band of a size by its edges', () => {
    const factors = new BandFactors(2, [100, 1_000], 64);
    expect(factors.bands).toBe(3);
    for (let band = 0; band < 3; band++) expect(factors.shape(1, band)).toBe(1);
    expect([50, 100, 999, 1_000, 5_000].map((size) => factors.bandOf(size))).toEqual([0, 1, 1, 2, 2]);
  });

  it('learns how each band compares with the mean, averaging 1 over the outcomes', () => {
    const factors = new BandFactors(1, [100], 64);
    // Band 0 answers at half the target's usual speed ratio, band 1 at 1.5× (±10%).
    for (let i = 0; i < 200; i++) {
      factors.learn(0, 0, 1, 0.5 * (i % 2 === 0 ? 0.9 : 1.1));
      factors.learn(0, 1, 1, 1.5 * (i % 2 === 0 ? 0.9 : 1.1));
    }
    // The bands differ far beyond their noise: the prior weighs ~1 outcome, each band follows its own.
    expect(factors.prior[0]).toBeLessThan(1.1);
    expect(factors.shape(0, 0)).toBeCloseTo(0.5, 2);
    expect(factors.shape(0, 1)).toBeCloseTo(1.5, 2);
    // Discounting every sum alike keeps the shape (up to the prior's weight).
    factors.decay(0, 0.5);
    expect(factors.shape(0, 0)).toBeCloseTo(0.5, 1);
  });

  it('leans on 1 while the bands agree: a band seen twice barely moves', () => {
    const factors = new BandFactors(1, [100], 64);
    for (let i = 0; i < 100; i++) factors.learn(0, 0, 1, i % 2 === 0 ? 0.8 : 1.2);
    factors.learn(0, 1, 1, 1.3);
    factors.learn(0, 1, 1, 0.9);
    expect(factors.prior[0]).toBe(64);
    expect(factors.shape(0, 1)).toBeGreaterThan(0.95);
    expect(factors.shape(0, 1)).toBeLessThan(1.05);
  });
});
