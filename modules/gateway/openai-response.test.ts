import { describe, expect, it } from 'vitest';
import type { CompletionResponse, Usage } from '../../index.js';
import { chatCompletionToOpenAI, openAIFinishReason } from './openai-response.js';

const usage: Usage = {
  inputTokens: 10,
  outputTokens: 5,
  totalTokens: 15,
  cachedInputTokens: 4,
  reasoningTokens: 2,
};

function response(overrides: Partial<CompletionResponse> = {}): CompletionResponse {
  return {
    text: 'Hello',
    content: [{ type: 'text', text: 'Hello' }],
    toolCalls: [],
    finishReason: 'stop',
    usage,
    requestId: 'r1',
    target: 't',
    model: 'gpt-x',
    attempts: [],
    latencyMs: 1,
    warnings: [],
    ...overrides,
  };
}

describe('chatCompletionToOpenAI', () => {
  it('maps text, finish reason and usage details', () => {
    expect(chatCompletionToOpenAI(response(), 'chatcmpl-1', 1700000000)).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1700000000,
      model: 'gpt-x',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 2 },
      },
    });
  });

  it('maps tool calls with content null when there is no text', () => {
    const body = chatCompletionToOpenAI(
      response({
        text: '',
        content: [],
        toolCalls: [{ toolCallId: 'call_1', toolName: 'f', input: '{"a":1}' }],
        finishReason: 'tool-calls',
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
      }),
      'id',
      0,
    );
    expect(body.choices[0]!.message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
    });
    expect(body.choices[0]!.finish_reason).toBe('tool_calls');
    expect(body.usage).toEqual({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 });
  });

  it('maps every finish reason', () => {
    expect(
      (['stop', 'length', 'content-filter', 'tool-calls', 'error', 'other'] as const).map(openAIFinishReason),
    ).toEqual(['stop', 'length', 'content_filter', 'tool_calls', 'stop', 'stop']);
  });
});
