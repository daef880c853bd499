import { describe, expect, it } from 'vitest';
import type { CompletionResponse, StreamEvent, Usage } from '../../index.js';
import { ChunkEncoder } from './openai-chunks.js';
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

describe('ChunkEncoder', () => {
  const finish = (reason: 'stop' | 'tool-calls'): StreamEvent => ({
    type: 'finish',
    finishReason: reason,
    usage,
    response: response(),
  });

  it('sends the role first, text deltas, the finish reason, then the usage chunk', () => {
    const encoder = new ChunkEncoder({ id: 'c', created: 5, model: 'fast', includeUsage: true });
    const chunks = [
      { type: 'text-delta', delta: 'He' },
      { type: 'reasoning-delta', delta: 'hidden' },
      { type: 'text-delta', delta: '' },
      { type: 'text-delta', delta: 'llo' },
      finish('stop'),
    ].flatMap((e) => encoder.encode(e as StreamEvent));
    expect(chunks.map((c) => [c.choices[0]?.delta, c.choices[0]?.finish_reason, c.usage])).toEqual([
      [{ role: 'assistant', content: 'He' }, null, null],
      [{ content: 'llo' }, null, null],
      [{}, 'stop', null],
      [undefined, undefined, { ...chatCompletionToOpenAI(response(), 'x', 0).usage }],
    ]);
    expect(chunks[3]!.choices).toEqual([]);
    expect(
      chunks.every((c) => c.id === 'c' && c.object === 'chat.completion.chunk' && c.model === 'fast'),
    ).toBe(true);
  });

  it('has no usage field at all without include_usage', () => {
    const encoder = new ChunkEncoder({ id: 'c', created: 5, model: 'fast', includeUsage: false });
    const chunks = [{ type: 'text-delta', delta: 'x' } as StreamEvent, finish('stop')].flatMap((e) =>
      encoder.encode(e),
    );
    expect(chunks).toHaveLength(2);
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
  });

  it('numbers streamed tool calls; a whole tool call is sent whole; a streamed one is not repeated', () => {
    const encoder = new ChunkEncoder({ id: 'c', created: 5, model: 'fast', includeUsage: false });
    const events: StreamEvent[] = [
      { type: 'tool-input-start', toolCallId: 'a', toolName: 'f' },
      { type: 'tool-input-delta', toolCallId: 'a', delta: '{"x":' },
      { type: 'tool-input-delta', toolCallId: 'a', delta: '1}' },
      { type: 'tool-call', toolCallId: 'a', toolName: 'f', input: '{"x":1}' },
      { type: 'tool-call', toolCallId: 'b', toolName: 'g', input: '{}' },
      finish('tool-calls'),
    ];
    const deltas = events.flatMap((e) => encoder.encode(e)).map((c) => c.choices[0]!.delta);
    expect(deltas).toEqual([
      {
        role: 'assistant',
        tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '' } }],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '1}' } }] },
      { tool_calls: [{ index: 1, id: 'b', type: 'function', function: { name: 'g', arguments: '{}' } }] },
      {},
    ]);
  });
});
