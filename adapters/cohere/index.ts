/**
 * `switchyard-llm/adapters/cohere`: the Cohere v2 chat adapter. Needs the optional peer dependency
 * `cohere-ai`.
 *
 * @example
 * ```ts
 * import { CohereAdapter } from 'switchyard-llm/adapters/cohere';
 * const cohere = new CohereAdapter({ apiKey: process.env.CO_API_KEY });
 * ```
 */
export { CohereAdapter, type CohereAdapterOptions } from './adapter.js';
export type { FetchFunction } from './sdk-fetch.js';
