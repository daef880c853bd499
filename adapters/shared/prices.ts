/**
 * Default token prices (USD per million tokens) of common models, by provider preset and model
 * id. A target's own `price` always wins. Prices change: treat these as defaults to override.
 *
 * Each provider's table is its own constant so that it can be kept up to date on its own.
 */
import type { Price } from '../../src/index.js';

// OpenAI and the OpenAI-compatible presets (keys: preset name).
// Published list prices (standard tier, prompts under any long-context surcharge) as stated on
// openai.com/api/pricing, api-docs.deepseek.com (V3.2 pricing), docs.x.ai, groq.com/pricing,
// mistral.ai/pricing, together.ai/pricing and ai.google.dev/gemini-api/docs/pricing, read via
// copies and price trackers dated 2025 to mid-2026. Batch, flex and priority tiers are not
// modelled; newer model ids that share a prefix (e.g. `grok-4.3` → `grok-4`) may be priced wrong.
const openaiCompatible: Record<string, Record<string, Price>> = {
  openai: {
    'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10, cachedInputPerMTok: 1.25 },
    'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075 },
    'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 },
    'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6, cachedInputPerMTok: 0.1 },
    'gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4, cachedInputPerMTok: 0.025 },
    'gpt-5': { inputPerMTok: 1.25, outputPerMTok: 10, cachedInputPerMTok: 0.125 },
    'gpt-5-mini': { inputPerMTok: 0.25, outputPerMTok: 2, cachedInputPerMTok: 0.025 },
    'gpt-5-nano': { inputPerMTok: 0.05, outputPerMTok: 0.4, cachedInputPerMTok: 0.005 },
    o1: { inputPerMTok: 15, outputPerMTok: 60, cachedInputPerMTok: 7.5 },
    o3: { inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 },
    'o3-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4, cachedInputPerMTok: 0.55 },
    'o4-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4, cachedInputPerMTok: 0.275 },
  },
  deepseek: {
    'deepseek-chat': { inputPerMTok: 0.28, outputPerMTok: 0.42, cachedInputPerMTok: 0.028 },
    'deepseek-reasoner': { inputPerMTok: 0.28, outputPerMTok: 0.42, cachedInputPerMTok: 0.028 },
  },
  xai: {
    'grok-4': { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.75 },
    'grok-4-fast': { inputPerMTok: 0.2, outputPerMTok: 0.5, cachedInputPerMTok: 0.05 },
    'grok-4-1-fast': { inputPerMTok: 0.2, outputPerMTok: 0.5, cachedInputPerMTok: 0.05 },
    'grok-3': { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.75 },
    'grok-3-mini': { inputPerMTok: 0.3, outputPerMTok: 0.5, cachedInputPerMTok: 0.075 },
  },
  groq: {
    'llama-3.3-70b-versatile': { inputPerMTok: 0.59, outputPerMTok: 0.79 },
    'llama-3.1-8b-instant': { inputPerMTok: 0.05, outputPerMTok: 0.08 },
    'openai/gpt-oss-120b': { inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075 },
  },
  mistral: {
    'mistral-large-2411': { inputPerMTok: 2, outputPerMTok: 6 },
    'mistral-medium-latest': { inputPerMTok: 0.4, outputPerMTok: 2 },
    'mistral-small-latest': { inputPerMTok: 0.1, outputPerMTok: 0.3 },
    'codestral-latest': { inputPerMTok: 0.3, outputPerMTok: 0.9 },
    'ministral-8b-latest': { inputPerMTok: 0.1, outputPerMTok: 0.1 },
  },
  together: {
    'meta-llama/Llama-3.3-70B-Instruct-Turbo': { inputPerMTok: 0.88, outputPerMTok: 0.88 },
    'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo': { inputPerMTok: 0.18, outputPerMTok: 0.18 },
    'deepseek-ai/DeepSeek-V3': { inputPerMTok: 1.25, outputPerMTok: 1.25 },
    'Qwen/Qwen2.5-72B-Instruct-Turbo': { inputPerMTok: 1.2, outputPerMTok: 1.2 },
  },
  gemini: {
    'gemini-2.5-pro': { inputPerMTok: 1.25, outputPerMTok: 10, cachedInputPerMTok: 0.125 },
    'gemini-2.5-flash': { inputPerMTok: 0.3, outputPerMTok: 2.5, cachedInputPerMTok: 0.03 },
    'gemini-2.5-flash-lite': { inputPerMTok: 0.1, outputPerMTok: 0.4, cachedInputPerMTok: 0.01 },
    'gemini-2.0-flash': { inputPerMTok: 0.1, outputPerMTok: 0.4, cachedInputPerMTok: 0.025 },
    'gemini-2.0-flash-lite': { inputPerMTok: 0.075, outputPerMTok: 0.3 },
  },
};

// Anthropic Messages API.
// Source: platform.claude.com/docs/en/about-claude/pricing and the per-model overview pages
// (read 2026-11); cachedInputPerMTok = cache hits, cacheWritePerMTok = 5-minute cache writes.
// Ids are prefixes: `claude-sonnet-4-5` also prices `claude-sonnet-4-5-20250929`; where a longer
// id has other prices (`claude-opus-4` vs `claude-opus-4-5`) both are listed.
const anthropic: Record<string, Price> = Object.fromEntries(
  (
    [
      // [id, input, output, cache hits, 5-minute cache writes]
      // Claude 3.x (mostly retired; kept for old ids and Bedrock/Vertex-style routes).
      ['claude-3-haiku', 0.25, 1.25, 0.03, 0.3],
      ['claude-3-opus', 15, 75, 1.5, 18.75],
      ['claude-3-5-haiku', 0.8, 4, 0.08, 1],
      ['claude-3-5-sonnet', 3, 15, 0.3, 3.75],
      ['claude-3-7-sonnet', 3, 15, 0.3, 3.75],
      // Claude 4.x
      ['claude-opus-4', 15, 75, 1.5, 18.75],
      ['claude-opus-4-1', 15, 75, 1.5, 18.75],
      ['claude-opus-4-5', 5, 25, 0.5, 6.25],
      ['claude-opus-4-6', 5, 25, 0.5, 6.25],
      ['claude-opus-4-7', 5, 25, 0.5, 6.25],
      ['claude-opus-4-8', 5, 25, 0.5, 6.25],
      ['claude-sonnet-4', 3, 15, 0.3, 3.75],
      ['claude-sonnet-4-5', 3, 15, 0.3, 3.75],
      ['claude-sonnet-4-6', 3, 15, 0.3, 3.75],
      ['claude-haiku-4-5', 1, 5, 0.1, 1.25],
      // Claude 5.x
      ['claude-opus-5', 5, 25, 0.5, 6.25],
      ['claude-opus-5-5', 4, 20, 0.2, 5],
      ['claude-sonnet-5', 2, 10, 0.2, 2.5],
      // Sonnet 5.5 cache hits were cut from $0.20 to $0.10 on 2026-10-07.
      ['claude-sonnet-5-5', 2, 10, 0.1, 2.5],
      // Haiku 5.5 prices for prompts up to 100k tokens; longer prompts cost 5x on every token.
      ['claude-haiku-5-5', 0.1, 0.5, 0.01, 0.125],
      ['claude-fable-5', 10, 50, 1, 12.5],
      ['claude-fable-5-1', 10, 50, 0.25, 12.5],
      ['claude-fable-5-2', 8, 40, 0.2, 10],
      ['claude-mythos-5', 10, 50, 1, 12.5],
      ['claude-mythos-5-1', 10, 50, 0.25, 12.5],
    ] as const
  ).map(([id, input, output, cacheRead, cacheWrite]) => [
    id,
    {
      inputPerMTok: input,
      outputPerMTok: output,
      cachedInputPerMTok: cacheRead,
      cacheWritePerMTok: cacheWrite,
    },
  ]),
);

// Cohere v2 chat.
// List prices from cohere.com/pricing as quoted by price trackers and copies dated 2025 to
// mid-2026. Command A models are listed by dated id only, so that a newer `command-a-*` model
// (e.g. `command-a-plus-…`) is not priced like Command A by prefix; the undated `command-r-plus`
// and `command-r` aliases point at the 08-2024 models.
const cohere: Record<string, Price> = {
  'command-a-03-2025': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'command-a-vision-07-2025': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'command-a-reasoning-08-2025': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'command-a-translate-08-2025': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'command-r-plus': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'command-r-plus-08-2024': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'command-r-plus-04-2024': { inputPerMTok: 3, outputPerMTok: 15 },
  'command-r': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'command-r-08-2024': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'command-r-03-2024': { inputPerMTok: 0.5, outputPerMTok: 1.5 },
  'command-r7b': { inputPerMTok: 0.0375, outputPerMTok: 0.15 },
};

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
