/**
 * Provider profiles of held-out set B: speeds, prices, noise and load sensitivity unlike both
 * the main scenarios' profiles and set A's, so that nothing tuned on those fits these by
 * accident.
 */
import type { SimulatedProviderSpec } from '../../../../modules/lab/index.js';

/** Fast and pricey. */
export const swift: SimulatedProviderSpec = {
  id: 'swift',
  latency: {
    ttftMs: 300,
    prefillTokensPerSec: 15_000,
    decodeTokensPerSec: 130,
    sigma: 0.3,
    loadFactor: 0.012,
  },
  failure: { errorRate: 0.004 },
  price: { inputPerMTok: 3, outputPerMTok: 12 },
};

/** Middle speed and price, a little noisier. */
export const mid: SimulatedProviderSpec = {
  id: 'mid',
  latency: { ttftMs: 550, prefillTokensPerSec: 7_000, decodeTokensPerSec: 75, sigma: 0.35, loadFactor: 0.01 },
  failure: { errorRate: 0.006 },
  price: { inputPerMTok: 0.6, outputPerMTok: 2.4 },
};

/** Cheapest and slowest, noisy. */
export const thrift: SimulatedProviderSpec = {
  id: 'thrift',
  latency: { ttftMs: 900, prefillTokensPerSec: 4_500, decodeTokensPerSec: 50, sigma: 0.4, loadFactor: 0.015 },
  failure: { errorRate: 0.012 },
  price: { inputPerMTok: 0.08, outputPerMTok: 0.3 },
};

/** Quick and cheap while idle, but it slows down sharply with concurrent calls (4% per call). */
export const bulk: SimulatedProviderSpec = {
  id: 'bulk',
  latency: {
    ttftMs: 400,
    prefillTokensPerSec: 10_000,
    decodeTokensPerSec: 100,
    sigma: 0.3,
    loadFactor: 0.04,
  },
  failure: { errorRate: 0.005 },
  price: { inputPerMTok: 0.3, outputPerMTok: 1.2 },
};
