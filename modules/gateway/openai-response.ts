import type { CompletionResponse, ToolCall } from '../../index.js';
import {
  type OpenAIFinishReason,
  type OpenAIUsage,
  openAIFinishReason,
  openAIUsage,
} from '../streams/index.js';

// The finish reason and usage mappings live with the chunk encoder in switchyard-llm/streams; the
// gateway re-exports them.
export { type OpenAIFinishReason, type OpenAIUsage, openAIFinishReason, openAIUsage };

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
