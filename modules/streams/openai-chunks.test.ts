import { describe, expect, it } from 'vitest';
import type { CompletionResponse, StreamEvent, Usage } from '../../index.js';
import { ChunkEncoder } from './openai-chunks.js';
import { openAIUsage } from './openai-wire.js';

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
      [undefined, undefined, openAIUsage(usage)],
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
