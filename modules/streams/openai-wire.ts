import type { FinishReason, Usage } from '../../index.js';

/** OpenAI's `finish_reason` values. */
export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** OpenAI's `usage` object. */
export interface OpenAIUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly prompt_tokens_details?: { readonly cached_tokens: number };
  readonly completion_tokens_details?: { readonly reasoning_tokens: number };
}

/** The router's finish reason in OpenAI's words (`error` and `other` become `stop`). */
export function openAIFinishReason(reason: FinishReason): OpenAIFinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** The router's usage in OpenAI's words; the details appear only when the provider reported them. */
export function openAIUsage(usage: Usage): OpenAIUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
    ...(usage.cachedInputTokens === undefined
      ? {}
      : { prompt_tokens_details: { cached_tokens: usage.cachedInputTokens } }),
    ...(usage.reasoningTokens === undefined
      ? {}
      : { completion_tokens_details: { reasoning_tokens: usage.reasoningTokens } }),
  };
}
