/**
 * A request that cannot be serialised (a cycle, a BigInt, a function or a symbol in provider
 * options, headers, tool schemas, the response schema, metadata or message parts) fails once as
 * `invalid_request` naming the path, before any attempt.
 */
import { describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { refusalOf, rejectionOf } from '../helpers/calls.js';

const adapter = new MockAdapter(() => ({ text: 'ok' }));
const router = new Router({ targets: [{ id: 'a', adapter, model: 'm' }] });
const user = (content: any = 'hi') => ({ role: 'user' as const, content });

const refusal = (request: unknown) => refusalOf(router, adapter, request);

const circular: Record<string, unknown> = { a: 1 };
circular.self = circular;

describe('a request that cannot be serialised', () => {
  const tool = (inputSchema: unknown) => ({ type: 'function', name: 'f', inputSchema });
  it.each([
    [{ providerOptions: { openai: { x: circular } } }, 'providerOptions.openai.x.self: circular reference'],
    [
      { providerOptions: { openai: { x: 10n } } },
      'providerOptions.openai.x: expected a JSON value, got a BigInt',
    ],
    [
      { providerOptions: { openai: { x: [() => 1] } } },
      'providerOptions.openai.x[0]: expected a JSON value, got a function',
    ],
    [{ headers: { 'x-a': 1n } }, 'headers.x-a: expected a string'],
    [{ metadata: { n: 1n } }, 'metadata.n: expected a JSON value, got a BigInt'],
    [{ metadata: { nested: circular } }, 'metadata.nested.self: circular reference'],
    [{ metadata: { s: Symbol('s') } }, 'metadata.s: expected a JSON value, got a symbol'],
    [
      { tools: [tool({ type: 'object', properties: circular })] },
      'tools[0].inputSchema.properties.self: circular reference',
    ],
    [{ tools: [tool({ default: 2n })] }, 'tools[0].inputSchema.default: expected a JSON value, got a BigInt'],
    [
      { responseFormat: { type: 'json', schema: { s: Symbol('x') } } },
      'responseFormat.schema.s: expected a JSON value, got a symbol',
    ],
    [
      { responseFormat: { type: 'json', schema: circular } },
      'responseFormat.schema.self: circular reference',
    ],
  ])('%# fails once as invalid_request naming the path', async (extra, expected) => {
    const events: string[] = [];
    const r = new Router({ targets: [{ id: 'a', adapter, model: 'm' }] });
    r.on('request:failure', () => events.push('failure'));
    r.on('attempt:start', () => events.push('attempt'));
    const before = adapter.callCount;
    const error = await rejectionOf(r.complete({ messages: [user()], ...extra } as never));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain(expected);
    expect(events).toEqual(['failure']);
    expect(adapter.callCount).toBe(before);
  });

  it('in message parts: a tool-call input, a tool result, part options', async () => {
    const call = { type: 'tool-call', toolCallId: 'c', toolName: 'f', input: { big: 3n } };
    const result = (value: unknown) => ({
      role: 'tool',
      content: [{ type: 'tool-result', toolCallId: 'c', toolName: 'f', output: { type: 'json', value } }],
    });
    const cases = [
      [
        [user(), { role: 'assistant', content: [call] }],
        'messages[1].content[0].input.big: expected a JSON value, got a BigInt',
      ],
      [[user(), result(circular)], 'messages[1].content[0].output.value.self: circular reference'],
      [
        [user([{ type: 'text', text: 'x', providerOptions: { anthropic: { f: () => 1 } } }])],
        'messages[0].content[0].providerOptions.anthropic.f: expected a JSON value, got a function',
      ],
    ] as const;
    for (const [messages, expected] of cases) {
      const error = await refusal({ messages });
      expect(error.kind).toBe('invalid_request');
      expect(error.message).toContain(expected);
    }
  });

  it('accepts shared (not circular) references, dates, byte arrays and JSON text', async () => {
    const shared = { type: 'string' };
    const res = await router.complete({
      messages: [
        user(),
        {
          role: 'assistant',
          content: [{ type: 'tool-call', toolCallId: 'c', toolName: 'f', input: '{"a":1}' }],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'c', toolName: 'f', output: { type: 'text', value: 'done' } },
          ],
        },
        user('and now?'),
      ],
      tools: [
        {
          type: 'function',
          name: 'f',
          inputSchema: { type: 'object', properties: { a: shared, b: shared } },
        },
      ],
      metadata: { at: new Date(0), bytes: new Uint8Array(4), list: [shared, shared] },
      providerOptions: { openai: { user: 'u' } },
    });
    expect(res.text).toBe('ok');
  });

  it('target provider options are checked when the router is built', () => {
    expect(
      () => new Router({ targets: [{ id: 'a', adapter, model: 'm', providerOptions: { x: 1n } }] }),
    ).toThrow('targets[0].providerOptions.x: expected a JSON value, got a BigInt');
  });
});
