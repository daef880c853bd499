/**
 * Provider profiles of held-out set F (issue #19 §4: routing weaknesses found outside the lab):
 * speeds, prices and noise unlike the main scenarios' and sets A–E's.
 */
import type { SimulatedProviderSpec } from '../../../../modules/lab/index.js';

/** Quick and pricey. */
export const kestrel: SimulatedProviderSpec = {
  id: 'kestrel',
  latency: {
    ttftMs: 320,
    prefillTokensPerSec: 14_000,
    decodeTokensPerSec: 100,
    sigma: 0.3,
    loadFactor: 0.008,
  },
  failure: { errorRate: 0.004 },
  price: { inputPerMTok: 3, outputPerMTok: 12 },
};

/** Middle speed and price: the best trade-off under the balanced weights while it is well. */
export const heron: SimulatedProviderSpec = {
  id: 'heron',
  latency: { ttftMs: 450, prefillTokensPerSec: 9_000, decodeTokensPerSec: 85, sigma: 0.3, loadFactor: 0.01 },
  failure: { errorRate: 0.005 },
  price: { inputPerMTok: 0.6, outputPerMTok: 2.4 },
};

/** Slow and cheap. */
export const plover: SimulatedProviderSpec = {
  id: 'plover',
  latency: {
    ttftMs: 800,
    prefillTokensPerSec: 4_500,
    decodeTokensPerSec: 42,
    sigma: 0.35,
    loadFactor: 0.012,
  },
  failure: { errorRate: 0.008 },
  price: { inputPerMTok: 0.1, outputPerMTok: 0.4 },
};

/**
 * One of two replicas of the same model at the same price (different ids and hosts): the full
 * host, whose latency grows by 1.5% per call in flight.
 */
export const replicaFull: SimulatedProviderSpec = {
  id: 'replica-full',
  model: 'open-70b',
  latency: { ttftMs: 500, prefillTokensPerSec: 7_000, decodeTokensPerSec: 70, sigma: 0.3, loadFactor: 0.015 },
  failure: { errorRate: 0.004 },
  price: { inputPerMTok: 0.5, outputPerMTok: 1.5 },
};

/** The other replica: half the capacity (latency grows twice as fast with load), same price. */
export const replicaHalf: SimulatedProviderSpec = {
  ...replicaFull,
  id: 'replica-half',
  latency: { ...replicaFull.latency, loadFactor: 0.03 },
};
