import { createSeededRandom, type RandomSource } from '../../src/index.js';

/**
 * Seeded random helpers of the simulator. Every stream is derived from the run's seed and a
 * fixed label, so that adding draws to one stream (say, the router's) never shifts another
 * (say, the workload's).
 */

/** A 32-bit seed for the stream `label` of the run `seed` (FNV-1a over the label, mixed with the seed). */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche (murmur3 fmix32) so that near seeds give unrelated streams.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A seeded random source for the stream `label` of the run `seed`. */
export function streamOf(seed: number, label: string): RandomSource {
  return createSeededRandom(deriveSeed(seed, label));
}

/** A standard normal draw (Box–Muller; uses two uniforms). */
export function normal(random: RandomSource): number {
  const u = 1 - random(); // (0, 1]: log(0) is never taken
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A lognormal multiplier with mean 1: `exp(σ·Z − σ²/2)`. Multiplying a latency by it adds
 * right-skewed noise without moving the mean. σ = 0 returns exactly 1 (no draw).
 */
export function lognormalFactor(random: RandomSource, sigma: number): number {
  if (sigma <= 0) return 1;
  return Math.exp(sigma * normal(random) - (sigma * sigma) / 2);
}

/** An exponential draw with the given mean (inter-arrival times of a Poisson process). */
export function exponential(random: RandomSource, mean: number): number {
  return -Math.log(1 - random()) * mean;
}
