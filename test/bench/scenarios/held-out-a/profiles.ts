/**
 * Provider profiles of the held-out scenarios: other speeds, prices and noise than the main
 * scenarios' `premium`/`balanced`/`budget`, so that defaults tuned on those are tested on
 * providers they never saw.
 */
import type { SimulatedProviderSpec } from '../../../../modules/lab/index.js';

/** Very fast, very expensive. */
export const turbo: SimulatedProviderSpec = {
  id: 'turbo',
  latency: {
    ttftMs: 200,
    prefillTokensPerSec: 20_000,
    decodeTokensPerSec: 160,
    sigma: 0.25,
    loadFactor: 0.015,
  },
  failure: { errorRate: 0.003 },
  price: { inputPerMTok: 5, outputPerMTok: 15 },
};

/** Close to `turbo` in speed, a little cheaper and noisier (a second host of the same model). */
export const turboMirror: SimulatedProviderSpec = {
  id: 'turbo-mirror',
  latency: {
    ttftMs: 250,
    prefillTokensPerSec: 18_000,
    decodeTokensPerSec: 150,
    sigma: 0.4,
    loadFactor: 0.015,
  },
  failure: { errorRate: 0.005 },
  price: { inputPerMTok: 4, outputPerMTok: 12 },
};

/** Middle of the road. */
export const standard: SimulatedProviderSpec = {
  id: 'standard',
  latency: { ttftMs: 450, prefillTokensPerSec: 9_000, decodeTokensPerSec: 90, sigma: 0.3, loadFactor: 0.01 },
  failure: { errorRate: 0.005 },
  price: { inputPerMTok: 1, outputPerMTok: 3 },
};

/** Cheap and slow, with a long time to first token. */
export const economy: SimulatedProviderSpec = {
  id: 'economy',
  latency: {
    ttftMs: 1_200,
    prefillTokensPerSec: 4_000,
    decodeTokensPerSec: 55,
    sigma: 0.45,
    loadFactor: 0.02,
  },
  failure: { errorRate: 0.01 },
  price: { inputPerMTok: 0.1, outputPerMTok: 0.4 },
};

/** Fast and cheap but unreliable: 8% of calls fail after a second. */
export const flaky: SimulatedProviderSpec = {
  id: 'flaky',
  latency: {
    ttftMs: 380,
    prefillTokensPerSec: 13_000,
    decodeTokensPerSec: 130,
    sigma: 0.35,
    loadFactor: 0.012,
  },
  failure: { errorRate: 0.08, errorLatencyMs: 1_000 },
  price: { inputPerMTok: 0.5, outputPerMTok: 1.5 },
};
