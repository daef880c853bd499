import { describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { constructionError, rejectionOf } from '../helpers/calls.js';

const adapter = new MockAdapter(() => ({ text: 'ok' }));

describe('router options validation', () => {
  it.each([
    [{ targets: [] }, 'targets: expected at least one target'],
    [{}, 'targets: expected an array of targets'],
    [
      {
        targets: [
          { id: 'a', adapter, model: 'm' },
          { id: 'b', adapter, model: 'm', weight: -1 },
        ],
      },
      'targets[1].weight: expected a positive number',
    ],
    [{ targets: [{ id: '', adapter, model: 'm' }] }, 'targets[0].id: expected a non-empty string'],
    [{ targets: [{ id: 'a', adapter: {}, model: 'm' }] }, 'targets[0].adapter: expected an Adapter'],
    [
      { targets: [{ id: 'a', adapter, model: 'm', maxConcurrency: -2 }] },
      'targets[0].maxConcurrency: expected a positive integer',
    ],
    [
      { targets: [{ id: 'a', adapter, model: 'm', requestsPerMinute: 1.5 }] },
      'targets[0].requestsPerMinute: expected a positive integer',
    ],
    [
      { targets: [{ id: 'a', adapter, model: 'm', price: { inputPerMTok: -1, outputPerMTok: 1 } }] },
      'targets[0].price.inputPerMTok: expected a number ≥ 0',
    ],
    [
      { targets: [{ id: 'a', adapter, model: 'm' }], retry: { maxAttempts: 0 } },
      'retry.maxAttempts: expected a positive integer',
    ],
    [{ targets: [{ id: 'a', adapter, model: 'm' }], timeoutMs: -5 }, 'timeoutMs: expected a positive number'],
    [{ targets: [{ id: 'a', adapter, model: 'm' }], breaker: { failureThreshold: 0 } }, 'breaker'],
    [
      {
        targets: [
          { id: 'a', adapter, model: 'm' },
          { id: 'a', adapter, model: 'n' },
        ],
      },
      "targets[1].id: duplicate id 'a' (also targets[0].id)",
    ],
    [
      { targets: [{ id: 'a', adapter, model: 'm' }], strategy: 'no-such' },
      "strategy: unknown strategy 'no-such'",
    ],
    [{ targets: [{ id: 'a', adapter, model: 'm' }], strategy: 42 }, 'strategy: expected a strategy name'],
  ])('rejects %j with a config error naming the field', (options, expected) => {
    const error = constructionError(options);
    expect(error.kind).toBe('config');
    expect(error.message).toContain(expected);
  });
});

describe('request validation', () => {
  const router = new Router({ targets: [{ id: 'a', adapter, model: 'm' }] });
  it.each([
    [{ messages: [] }, 'messages: expected at least one message'],
    [{}, 'messages: expected an array of messages'],
    [
      { messages: [{ role: 'robot', content: 'x' }] },
      "messages[0].role: expected a message with role 'system', 'user', 'assistant' or 'tool'",
    ],
    [
      { messages: [{ role: 'user', content: 5 }] },
      'messages[0].content: expected a string or an array of parts',
    ],
    [{ messages: [{ role: 'user', content: 'x' }], temperature: -1 }, 'temperature: expected a number ≥ 0'],
    [{ messages: [{ role: 'user', content: 'x' }], topP: 2 }, 'topP: expected a number from 0 to 1'],
    [
      { messages: [{ role: 'user', content: 'x' }], maxOutputTokens: 0 },
      'maxOutputTokens: expected a positive integer',
    ],
    [
      {
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'function', name: 'bad name', inputSchema: {} }],
      },
      'tools[0].name',
    ],
    [
      {
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'function', name: 'a', inputSchema: {} }],
        toolChoice: { type: 'tool', toolName: 'b' },
      },
      "toolChoice.toolName: expected the name of one of the request's tools, got 'b'",
    ],
    [{ messages: [{ role: 'user', content: 'x' }], signal: {} }, 'signal: expected an AbortSignal'],
  ])('rejects %j with invalid_request before any adapter call', async (request, expected) => {
    const before = adapter.callCount;
    const error = await rejectionOf(router.complete(request as never));
    expect(error.kind).toBe('invalid_request');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(expected);
    expect(adapter.callCount).toBe(before);
  });

  it('accepts every message and part shape', async () => {
    const res = await router.complete({
      messages: [
        { role: 'system', content: 'sys' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'file', data: new URL('https://x/y.png'), mediaType: 'image/png' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'hmm' },
            { type: 'tool-call', toolCallId: 'c1', toolName: 'f', input: { a: 1 } },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'c1',
              toolName: 'f',
              output: { type: 'json', value: { ok: true } },
            },
          ],
        },
      ],
      tools: [{ type: 'function', name: 'f', inputSchema: { type: 'object' } }],
      toolChoice: { type: 'tool', toolName: 'f' },
      responseFormat: { type: 'json', schema: { type: 'object' } },
      stopSequences: ['\n'],
      seed: 1,
      metadata: { k: 'v' },
      tags: ['x'],
      headers: { 'x-h': '1' },
    });
    expect(res.text).toBe('ok');
  });

  it('can be turned off', async () => {
    const r = new Router({ targets: [{ id: 'a', adapter, model: 'm' }], validateRequests: false });
    expect((await r.complete({ messages: [{ role: 'user', content: 'x' }], temperature: -1 })).text).toBe(
      'ok',
    );
  });
});
