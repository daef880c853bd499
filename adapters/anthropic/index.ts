/**
 * `switchyard-llm/adapters/anthropic`: the Anthropic Messages API adapter. Needs `@anthropic-ai/sdk`.
 */
export { AnthropicAdapter, type AnthropicAdapterOptions, type AnthropicFetch } from './adapter.js';
export type { JsonSchemaMode } from './request.js';
export type { AnthropicMetadata } from './response.js';
