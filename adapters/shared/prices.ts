/**
 * Default token prices (USD per million tokens) of common models, by provider preset and model
 * id. A target's own `price` always wins. Prices change: treat these as defaults to override.
 *
 * Each provider's table is its own constant so that it can be kept up to date on its own.
 */
import type { Price } from '../../src/index.js';

// OpenAI and the OpenAI-compatible presets (keys: preset name).
const openaiCompatible: Record<string, Record<string, Price>> = {};

// Anthropic Messages API.
const anthropic: Record<string, Price> = {};

// Cohere v2 chat.
const cohere: Record<string, Price> = {};

/** All default prices: `PRICES[provider][model]`. */
export const PRICES: Readonly<Record<string, Readonly<Record<string, Price>>>> = {
  ...openaiCompatible,
  anthropic,
  cohere,
};

/**
 * The default price of `model` at `provider`, or `undefined`. Tries the exact id, then the
 * longest known id that `model` starts with (so `gpt-4o-mini-2024-07-18` finds `gpt-4o-mini`).
 */
export function defaultPrice(provider: string, model: string): Price | undefined {
  const table = PRICES[provider];
  if (!table) return undefined;
  const exact = table[model];
  if (exact) return exact;
  let best: string | undefined;
  for (const id of Object.keys(table)) {
    if (model.startsWith(id) && (best === undefined || id.length > best.length)) best = id;
  }
  return best === undefined ? undefined : table[best];
}
