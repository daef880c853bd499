/**
 * Provider profiles of held-out set C: speeds, prices, noise, load sensitivity, limits and context
 * windows unlike the main scenarios', set A's and set B's, so that nothing tuned on those fits
 * these by accident.
 */
import type { SimulatedProviderSpec } from '../../../../modules/lab/index.js';

/** Fast and pricey. */
export const rapid: SimulatedProviderSpec = {
  id: 'rapid',
  latency: {
    ttftMs: 280,
    prefillTokensPerSec: 18_000,
    decodeTokensPerSec: 120,
    sigma: 0.28,
    loadFactor: 0.011,
  },
  failure: { errorRate: 0.003 },
  price: { inputPerMTok: 2.8, outputPerMTok: 11 },
};

/** Middle speed, middle price. */
export const steady: SimulatedProviderSpec = {
  id: 'steady',
  latency: {
    ttftMs: 600,
    prefillTokensPerSec: 9_000,
    decodeTokensPerSec: 70,
    sigma: 0.32,
    loadFactor: 0.009,
  },
  failure: { errorRate: 0.005 },
  price: { inputPerMTok: 0.7, outputPerMTok: 2.8 },
};

/** Cheapest and slowest. */
export const frugal: SimulatedProviderSpec = {
  id: 'frugal',
  latency: {
    ttftMs: 800,
    prefillTokensPerSec: 6_000,
    decodeTokensPerSec: 40,
    sigma: 0.38,
    loadFactor: 0.013,
  },
  failure: { errorRate: 0.01 },
  price: { inputPerMTok: 0.1, outputPerMTok: 0.4 },
};

/** Quick and cheap, but with an 8k-token context window: long prompts cannot go there. */
export const compact: SimulatedProviderSpec = {
  id: 'compact',
  latency: { ttftMs: 250, prefillTokensPerSec: 12_000, decodeTokensPerSec: 95, sigma: 0.3, loadFactor: 0.01 },
  failure: { errorRate: 0.005 },
  price: { inputPerMTok: 0.25, outputPerMTok: 1 },
  contextWindow: 8_000,
};

/** Fast at the median, but with a heavy tail (lognormal σ 0.9): its mean is far above its median. */
export const jittery: SimulatedProviderSpec = {
  id: 'jittery',
  latency: {
    ttftMs: 300,
    prefillTokensPerSec: 14_000,
    decodeTokensPerSec: 110,
    sigma: 0.9,
    loadFactor: 0.01,
  },
  failure: { errorRate: 0.004 },
  price: { inputPerMTok: 0.9, outputPerMTok: 3.6 },
};
