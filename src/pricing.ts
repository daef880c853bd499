import type { Price } from './types/adapter.js';
import type { Usage } from './types/response.js';

/**
 * Cost in USD of one response: uncached input at the input price, cache reads at the cached
 * price, cache writes at the cache-write price (each falling back to the input price), output at
 * the output price.
 */
export function costOf(usage: Usage, price: Price): number {
  const cached = usage.cachedInputTokens ?? 0;
  const written = usage.cacheWriteInputTokens ?? 0;
  const uncached = Math.max(0, usage.inputTokens - cached - written);
  return (
    (uncached * price.inputPerMTok +
      cached * (price.cachedInputPerMTok ?? price.inputPerMTok) +
      written * (price.cacheWritePerMTok ?? price.inputPerMTok) +
      usage.outputTokens * price.outputPerMTok) /
    1_000_000
  );
}
