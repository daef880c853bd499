import { describe, expect, it } from 'vitest';
import { messagesRequestFromAnthropic } from './anthropic-request.js';
import { messageFromResponse } from './anthropic-response.js';
import { AnthropicStreamEncoder } from './anthropic-stream.js';
import { WireError } from './wire-error.js';

const base = { model: 'chat', max_tokens: 10 };

function wireError(body: unknown): WireError {
  try {
    messagesRequestFromAnthropic(body);
  } catch (error) {
    expect(error).toBeInstanceOf(WireError);
    return error as WireError;
  }
  throw new Error('expected a WireError');
}

describe('messagesRequestFromAnthropic', () => {
  it('maps system blocks, documents, URL images, errored tool results and tool choices', () => {
    const pdf = Buffer.from('%PDF-1.4').toString('base64');
    const { request, stream, userId } = messagesRequestFromAnthropic({
      ...base,
      stream: true,
      system: [
        { type: 'text', text: 'One.' },
        { type: 'text', text: 'Two.' },
      ],
      tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
      tool_choice: { type: 'none' },
      metadata: { user_id: 'u-1' },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdf } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'x' },
            { type: 'text', text: 'Let me look.' },
            { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'cat' } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              is_error: true,
              content: [{ type: 'text', text: 'down' }],
            },
          ],
        },
      ],
    });
    expect(stream).toBe(true);
    expect(userId).toBe('u-1');
    expect(request.toolChoice).toEqual({ type: 'none' });
    expect(request.messages).toEqual([
      { role: 'system', content: 'One.\n\nTwo.' },
      {
        role: 'user',
        content: [
          { type: 'file', data: pdf, mediaType: 'application/pdf' },
          { type: 'file', data: new URL('https://example.com/cat.png'), mediaType: 'image/*' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool-call', toolCallId: 'toolu_1', toolName: 'lookup', input: { q: 'cat' } },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'toolu_1',
            toolName: 'lookup',
            output: { type: 'error-text', value: 'down' },
          },
        ],
      },
    ]);
  });

  it('refuses what Anthropic refuses, naming the field', () => {
    expect(wireError({ model: 'chat', messages: [{ role: 'user', content: 'x' }] }).param).toBe('max_tokens');
    expect(wireError({ ...base, messages: [] }).param).toBe('messages');
    expect(
      wireError({
        ...base,
        messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'nope' }] }],
      }).param,
    ).toBe('messages.0.content.0.tool_use_id');
    expect(
      wireError({
        ...base,
        messages: [
          {
            role: 'user',
            content: [{ type: 'image', source: { type: 'base64', media_type: 'image/tiff', data: 'AAAA' } }],
          },
        ],
      }).param,
    ).toBe('messages.0.content.0.source.media_type');
    expect(
      wireError({
        ...base,
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
        messages: [{ role: 'user', content: 'x' }],
      }).param,
    ).toBe('tools.0.type');
    expect(
      wireError({
        ...base,
        tools: [{ name: 'a', input_schema: { type: 'object' } }],
        tool_choice: { type: 'tool', name: 'b' },
        messages: [{ role: 'user', content: 'x' }],
      }).param,
    ).toBe('tool_choice.name');
    expect(wireError({ ...base, temperature: 2, messages: [{ role: 'user', content: 'x' }] }).param).toBe(
      'temperature',
    );
    expect(wireError({ ...base, max_tokens: 0, messages: [{ role: 'user', content: 'x' }] }).param).toBe(
      'max_tokens',
    );
  });
});

describe('Anthropic answers', () => {
  it('a message joins adjacent text, keeps tool calls in order and maps the stop reason and cached usage', () => {
    const message = messageFromResponse(
      {
        text: 'ab',
        content: [
          { type: 'reasoning', text: 'thinking' },
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
          { type: 'tool-call', toolCallId: 't1', toolName: 'f', input: '{"x":1}' },
        ],
        toolCalls: [],
        finishReason: 'length',
        usage: { inputTokens: 100, outputTokens: 5, totalTokens: 105, cachedInputTokens: 60 },
        requestId: 'r',
        target: 't',
        model: 'm',
        attempts: [],
        latencyMs: 1,
        warnings: [],
      },
      'msg_1',
      'chat',
    );
    expect(message.content).toEqual([
      { type: 'text', text: 'ab' },
      { type: 'tool_use', id: 't1', name: 'f', input: { x: 1 } },
    ]);
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage).toEqual({ input_tokens: 40, output_tokens: 5, cache_read_input_tokens: 60 });
  });

  it('the stream encoder closes a text block before a tool_use block and numbers blocks in order', () => {
    const encoder = new AnthropicStreamEncoder('msg_1', 'chat');
    const out = [
      encoder.encode({ type: 'text-delta', delta: 'Hi' }),
      encoder.encode({ type: 'tool-input-start', toolCallId: 't1', toolName: 'f' }),
      encoder.encode({ type: 'tool-input-delta', toolCallId: 't1', delta: '{"x"' }),
      encoder.encode({ type: 'tool-call', toolCallId: 't1', toolName: 'f', input: '{"x":1}' }),
    ].join('');
    const events = out
      .trim()
      .split('\n\n')
      .map((f) => JSON.parse(f.split('\n')[1]!.slice(6)) as { type: string; index?: number });
    expect(events.map((e) => `${e.type}${e.index === undefined ? '' : `:${e.index}`}`)).toEqual([
      'message_start',
      'content_block_start:0',
      'content_block_delta:0',
      'content_block_stop:0',
      'content_block_start:1',
      'content_block_delta:1',
      'content_block_stop:1',
    ]);
  });
});
