import type { CompletionResponse, FinishReason, ToolCall, Usage } from '../../index.js';

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

/** One tool call in OpenAI's format. */
export interface OpenAIToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/** An OpenAI `chat.completion` object. */
export interface OpenAIChatCompletion {
  readonly id: string;
  readonly object: 'chat.completion';
  readonly created: number;
  readonly model: string;
  readonly choices: ReadonlyArray<{
    readonly index: 0;
    readonly message: {
      readonly role: 'assistant';
      readonly content: string | null;
      readonly refusal: null;
      readonly tool_calls?: readonly OpenAIToolCall[];
    };
    readonly logprobs: null;
    readonly finish_reason: OpenAIFinishReason;
  }>;
  readonly usage: OpenAIUsage;
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

/** One tool call in OpenAI's format. */
export function openAIToolCall(call: ToolCall): OpenAIToolCall {
  return { id: call.toolCallId, type: 'function', function: { name: call.toolName, arguments: call.input } };
}

/**
 * A router response as an OpenAI `chat.completion`. `model` is the model that answered;
 * `created` is in seconds.
 */
export function chatCompletionToOpenAI(
  response: CompletionResponse,
  id: string,
  createdSeconds: number,
): OpenAIChatCompletion {
  const toolCalls = response.toolCalls.map(openAIToolCall);
  return {
    id,
    object: 'chat.completion',
    created: createdSeconds,
    model: response.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: response.text === '' && toolCalls.length > 0 ? null : response.text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: openAIFinishReason(response.finishReason),
      },
    ],
    usage: openAIUsage(response.usage),
  };
}
