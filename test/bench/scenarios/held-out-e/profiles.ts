/**
 * Provider profiles of held-out set E: speeds, prices, noise and load sensitivity unlike the main
 * scenarios' and sets A–D's, so that nothing tuned on those fits these by accident.
 */
import type { SimulatedProviderSpec } from '../../../../modules/lab/index.js';

/** Fast all round, and the priciest. */
export const alpha: SimulatedProviderSpec = {
  id: 'alpha',
  latency: {
    ttftMs: 280,
    prefillTokensPerSec: 20_000,
    decodeTokensPerSec: 120,
    sigma: 0.28,
    loadFactor: 0.006,
  },
  failure: { errorRate: 0.003 },
  price: { inputPerMTok: 2.2, outputPerMTok: 9 },
};

/** Middle speed and price, a little noisier. */
export const beta: SimulatedProviderSpec = {
  id: 'beta',
  latency: {
    ttftMs: 600,
    prefillTokensPerSec: 9_000,
    decodeTokensPerSec: 70,
    sigma: 0.32,
    loadFactor: 0.012,
  },
  failure: { errorRate: 0.005 },
  price: { inputPerMTok: 0.7, outputPerMTok: 2.8 },
};

/** Cheap, slow and sensitive to load (a small shared host). */
export const gamma: SimulatedProviderSpec = {
  id: 'gamma',
  latency: { ttftMs: 900, prefillTokensPerSec: 4_000, decodeTokensPerSec: 40, sigma: 0.4, loadFactor: 0.03 },
  failure: { errorRate: 0.008 },
  price: { inputPerMTok: 0.12, outputPerMTok: 0.5 },
};

/** A slow first token, then fast writing: best for long answers. */
export const delta: SimulatedProviderSpec = {
  id: 'delta',
  latency: {
    ttftMs: 1_200,
    prefillTokensPerSec: 15_000,
    decodeTokensPerSec: 160,
    sigma: 0.3,
    loadFactor: 0.01,
  },
  failure: { errorRate: 0.004 },
  price: { inputPerMTok: 0.9, outputPerMTok: 3.6 },
};
