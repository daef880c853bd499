/**
 * Provider profiles of held-out set D: speeds, prices, noise and load sensitivity unlike the main
 * scenarios' and sets A–C's, so that nothing tuned on those fits these by accident.
 */
import type { SimulatedProviderSpec } from '../../../../modules/lab/index.js';

/** Reads long prompts fast (a quick prefill) but writes slowly. */
export const reader: SimulatedProviderSpec = {
  id: 'reader',
  latency: {
    ttftMs: 320,
    prefillTokensPerSec: 45_000,
    decodeTokensPerSec: 38,
    sigma: 0.27,
    loadFactor: 0.012,
  },
  failure: { errorRate: 0.004 },
  price: { inputPerMTok: 0.9, outputPerMTok: 3.6 },
};

/** Writes fast but reads slowly: best for short prompts with long answers. */
export const writer: SimulatedProviderSpec = {
  id: 'writer',
  latency: {
    ttftMs: 420,
    prefillTokensPerSec: 3_200,
    decodeTokensPerSec: 140,
    sigma: 0.27,
    loadFactor: 0.012,
  },
  failure: { errorRate: 0.004 },
  price: { inputPerMTok: 0.9, outputPerMTok: 3.6 },
};

/** Quick and fairly pricey. */
export const north: SimulatedProviderSpec = {
  id: 'north',
  latency: {
    ttftMs: 380,
    prefillTokensPerSec: 14_000,
    decodeTokensPerSec: 100,
    sigma: 0.3,
    loadFactor: 0.008,
  },
  failure: { errorRate: 0.006 },
  price: { inputPerMTok: 1.9, outputPerMTok: 7.5 },
};

/** Middle of the road. */
export const east: SimulatedProviderSpec = {
  id: 'east',
  latency: { ttftMs: 550, prefillTokensPerSec: 7_500, decodeTokensPerSec: 75, sigma: 0.33, loadFactor: 0.01 },
  failure: { errorRate: 0.006 },
  price: { inputPerMTok: 0.6, outputPerMTok: 2.4 },
};

/** Slow and cheap. */
export const south: SimulatedProviderSpec = {
  id: 'south',
  latency: {
    ttftMs: 900,
    prefillTokensPerSec: 4_500,
    decodeTokensPerSec: 50,
    sigma: 0.36,
    loadFactor: 0.012,
  },
  failure: { errorRate: 0.008 },
  price: { inputPerMTok: 0.2, outputPerMTok: 0.8 },
};

/** Another middle-of-the-road provider, slightly slower than `east` and cheaper. */
export const west: SimulatedProviderSpec = {
  id: 'west',
  latency: { ttftMs: 600, prefillTokensPerSec: 6_500, decodeTokensPerSec: 68, sigma: 0.31, loadFactor: 0.01 },
  failure: { errorRate: 0.005 },
  price: { inputPerMTok: 0.45, outputPerMTok: 1.8 },
};
