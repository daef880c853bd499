/**
 * Provider profiles of held-out set G (issue #19 §3: is a non-linear model worth it?): providers
 * whose latency is not linear in the request's features. Prices are close to each other, so
 * that under the balanced weights speed decides, and speed depends on the request.
 */
import type { SimulatedProviderSpec } from '../../../../modules/lab/index.js';

/**
 * The fastest for short prompts, four times slower past 3,000 prompt tokens (a host that moves
 * long contexts to slower hardware).
 */
export const lynx: SimulatedProviderSpec = {
  id: 'lynx',
  latency: {
    ttftMs: 250,
    prefillTokensPerSec: 16_000,
    decodeTokensPerSec: 120,
    sigma: 0.25,
    loadFactor: 0.01,
    longPrompt: { aboveInputTokens: 3_000, factor: 4 },
  },
  failure: { errorRate: 0.004 },
  price: { inputPerMTok: 0.6, outputPerMTok: 2.4 },
};

/** Middle speed, about the same price, no cliff: the right home of long prompts. */
export const otter: SimulatedProviderSpec = {
  id: 'otter',
  latency: { ttftMs: 500, prefillTokensPerSec: 9_000, decodeTokensPerSec: 75, sigma: 0.3, loadFactor: 0.01 },
  failure: { errorRate: 0.005 },
  price: { inputPerMTok: 0.5, outputPerMTok: 2 },
};

/** Slow and cheap. */
export const wren: SimulatedProviderSpec = {
  id: 'wren',
  latency: {
    ttftMs: 800,
    prefillTokensPerSec: 5_000,
    decodeTokensPerSec: 45,
    sigma: 0.35,
    loadFactor: 0.012,
  },
  failure: { errorRate: 0.008 },
  price: { inputPerMTok: 0.12, outputPerMTok: 0.5 },
};

/**
 * Fast, with little slowdown under load for plain calls, but its streams contend: a streamed
 * call slows by a further 25% per other call in flight.
 */
export const mako: SimulatedProviderSpec = {
  id: 'mako',
  latency: {
    ttftMs: 300,
    prefillTokensPerSec: 14_000,
    decodeTokensPerSec: 110,
    sigma: 0.25,
    loadFactor: 0.005,
    streamLoadFactor: 0.25,
  },
  failure: { errorRate: 0.004 },
  price: { inputPerMTok: 0.5, outputPerMTok: 2 },
};

/** A steady provider, a little slower than `mako` at rest and a little pricier. */
export const kite: SimulatedProviderSpec = {
  id: 'kite',
  latency: {
    ttftMs: 400,
    prefillTokensPerSec: 10_000,
    decodeTokensPerSec: 90,
    sigma: 0.3,
    loadFactor: 0.015,
  },
  failure: { errorRate: 0.005 },
  price: { inputPerMTok: 0.7, outputPerMTok: 2.8 },
};

/** Fast for prompts up to 1,500 tokens, three times slower past them. */
export const dart: SimulatedProviderSpec = {
  id: 'dart',
  latency: {
    ttftMs: 200,
    prefillTokensPerSec: 18_000,
    decodeTokensPerSec: 130,
    sigma: 0.25,
    loadFactor: 0.01,
    longPrompt: { aboveInputTokens: 1_500, factor: 3 },
  },
  failure: { errorRate: 0.004 },
  price: { inputPerMTok: 0.6, outputPerMTok: 2.4 },
};

/** Middle speed up to 10,000 prompt tokens, three times slower past them. */
export const marten: SimulatedProviderSpec = {
  id: 'marten',
  latency: {
    ttftMs: 400,
    prefillTokensPerSec: 11_000,
    decodeTokensPerSec: 95,
    sigma: 0.3,
    loadFactor: 0.01,
    longPrompt: { aboveInputTokens: 10_000, factor: 3 },
  },
  failure: { errorRate: 0.005 },
  price: { inputPerMTok: 0.55, outputPerMTok: 2.2 },
};
