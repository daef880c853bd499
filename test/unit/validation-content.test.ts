/**
 * Requests that providers answer with a 400 are refused before any attempt: empty content and a
 * conversation with nothing but system messages. An assistant turn made only of tool calls (its
 * text empty) is a legitimate turn and goes through.
 */
import { describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { rejectionOf } from '../helpers/calls.js';

const adapter = new MockAdapter(() => ({ text: 'ok' }));
const router = new Router({ targets: [{ id: 'a', adapter, model: 'm' }] });
const toolCall = { type: 'tool-call', toolCallId: 'c1', toolName: 'f', input: { q: 1 } } as const;
const toolResult = {
  role: 'tool',
  content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'f', output: { type: 'text', value: '42' } }],
} as const;

describe('empty content and system-only conversations', () => {
  it.each([
    [
      [{ role: 'user', content: '' }],
      'messages[0].content: expected a non-empty string or at least one part',
    ],
    [
      [{ role: 'user', content: [] }],
      'messages[0].content: expected a non-empty string or at least one part',
    ],
    [
      [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: '' },
      ],
      'messages[1].content: expected a non-empty string or at least one part',
    ],
    [
      [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [] },
      ],
      'messages[1].content: expected a non-empty string or at least one part',
    ],
    [
      [
        { role: 'system', content: '' },
        { role: 'user', content: 'hi' },
      ],
      'messages[0].content: expected a non-empty string',
    ],
    [
      [{ role: 'user', content: [{ type: 'text', text: '' }] }],
      'messages[0].content: expected a non-empty text or at least one part that is not text',
    ],
    [
      [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [toolCall] },
        { role: 'tool', content: [] },
      ],
      'messages[2].content: expected at least one tool-result part',
    ],
    [[{ role: 'system', content: 'be brief' }], 'messages: expected at least one user or assistant message'],
    [
      [
        { role: 'system', content: 'a' },
        { role: 'system', content: 'b' },
      ],
      'messages: expected at least one user or assistant message',
    ],
  ])('refuses %j as invalid_request before any attempt', async (messages, expected) => {
    const before = adapter.callCount;
    const error = await rejectionOf(router.complete({ messages } as never));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain(expected);
    expect(error.attempts).toEqual([]);
    expect(adapter.callCount).toBe(before);
  });

  it('refuses them for streams too', async () => {
    const stream = router.stream({ messages: [{ role: 'user', content: '' }] });
    const error = await rejectionOf(stream.response);
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain('messages[0].content');
  });

  it.each([
    ['tool calls only', [toolCall]],
    ['an empty text part beside a tool call', [{ type: 'text', text: '' }, toolCall]],
    ['reasoning and a tool call', [{ type: 'reasoning', text: '' }, toolCall]],
  ])('sends an assistant turn of %s on to the provider', async (_label, content) => {
    const before = adapter.callCount;
    const res = await router.complete({
      messages: [{ role: 'user', content: 'what is f(1)?' }, { role: 'assistant', content }, toolResult],
      tools: [{ type: 'function', name: 'f', inputSchema: { type: 'object' } }],
    } as never);
    expect(res.text).toBe('ok');
    expect(adapter.callCount).toBe(before + 1);
  });

  it('keeps an assistant message after the system prompt a conversation', async () => {
    const res = await router.complete({
      messages: [
        { role: 'system', content: 's' },
        { role: 'assistant', content: 'How can I help?' },
      ],
    });
    expect(res.text).toBe('ok');
  });
});
