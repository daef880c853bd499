import { describe, expect, it } from 'vitest';
import { OpenAIAdapter } from '../../adapters/openai/index.js';
import { type AdapterRequest, type AdapterStreamPart, SwitchyardError } from '../../src/index.js';
import {
  callOptions,
  chunk,
  collect,
  DONE,
  dataEvent,
  errorResponse,
  ScriptedServer,
  streamChunks,
  textChunks,
} from './openai-server.js';
import { hang, sse } from './scripted-server.js';

const KEY = 'sk-stream-abcdefghijklmnop';
const server = ScriptedServer.forTests();

function adapter(options: ConstructorParameters<typeof OpenAIAdapter>[0] = {}): OpenAIAdapter {
  return new OpenAIAdapter({ apiKey: KEY, baseURL: `${server.url}/v1`, ...options });
}

const REQUEST: AdapterRequest = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hi' }] };

function texts(parts: readonly AdapterStreamPart[]): string {
  return parts.map((p) => (p.type === 'text-delta' ? p.delta : '')).join('');
}

describe('streaming', () => {
  it('streams text and finishes once with the usage of the final chunk', async () => {
    server.enqueue(streamChunks(textChunks(['Hel', 'lo', '!'])));
    const parts = await collect(adapter().stream(REQUEST, callOptions()));
    expect(server.last.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(parts).toEqual([
      { type: 'response-metadata', responseId: 'chatcmpl-123', modelId: 'gpt-4o-mini-2024-07-18' },
      { type: 'text-delta', delta: 'Hel' },
      { type: 'text-delta', delta: 'lo' },
      { type: 'text-delta', delta: '!' },
      {
        type: 'finish',
        finishReason: 'stop',
        rawFinishReason: 'stop',
        usage: { inputTokens: 9, outputTokens: 4, totalTokens: 13 },
      },
    ]);
  });

  it('sends warnings before any content and keeps the system fingerprint', async () => {
    server.enqueue(
      streamChunks([
        chunk({ delta: { content: 'x' }, systemFingerprint: 'fp_9' }),
        chunk({ finishReason: 'length', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }),
      ]),
    );
    const parts = await collect(adapter().stream({ ...REQUEST, topK: 3 }, callOptions()));
    expect(parts.map((p) => p.type)).toEqual(['response-metadata', 'warnings', 'text-delta', 'finish']);
    expect(parts[1]).toMatchObject({ warnings: [{ setting: 'topK' }] });
    expect(parts[3]).toMatchObject({
      finishReason: 'length',
      usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
      providerMetadata: { system_fingerprint: 'fp_9' },
    });
  });

  it('assembles two parallel tool calls whose arguments are split across many deltas', async () => {
    const args1 = '{"city": "Paris", "unit": "celsius"}';
    const args2 = '{"tz":"Europe/Rome"}';
    const split = (s: string, n: number) =>
      Array.from({ length: Math.ceil(s.length / n) }, (_, i) => s.slice(i * n, i * n + n));
    server.enqueue(
      streamChunks([
        chunk({ delta: { role: 'assistant', content: null as never } }),
        chunk({
          delta: {
            tool_calls: [
              { index: 0, id: 'call_w', type: 'function', function: { name: 'weather', arguments: '' } },
            ],
          },
        }),
        ...split(args1, 3).map((a) =>
          chunk({ delta: { tool_calls: [{ index: 0, function: { arguments: a } }] } }),
        ),
        chunk({
          delta: {
            tool_calls: [
              { index: 1, id: 'call_t', type: 'function', function: { name: 'time', arguments: '' } },
            ],
          },
        }),
        ...split(args2, 4).map((a) =>
          chunk({ delta: { tool_calls: [{ index: 1, function: { arguments: a } }] } }),
        ),
        chunk({ finishReason: 'tool_calls' }),
        chunk({ noChoices: true, usage: { prompt_tokens: 30, completion_tokens: 20, total_tokens: 50 } }),
      ]),
    );
    const parts = await collect(adapter().stream(REQUEST, callOptions()));
    const starts = parts.filter((p) => p.type === 'tool-input-start');
    expect(starts).toEqual([
      { type: 'tool-input-start', toolCallId: 'call_w', toolName: 'weather' },
      { type: 'tool-input-start', toolCallId: 'call_t', toolName: 'time' },
    ]);
    const deltasOf = (id: string) =>
      parts
        .filter(
          (p): p is Extract<AdapterStreamPart, { type: 'tool-input-delta' }> =>
            p.type === 'tool-input-delta' && p.toolCallId === id,
        )
        .map((p) => p.delta);
    expect(deltasOf('call_w')).toEqual(split(args1, 3));
    expect(deltasOf('call_w').every((d) => d !== '')).toBe(true);
    expect(deltasOf('call_t').join('')).toBe(args2);
    expect(parts.slice(-3)).toEqual([
      { type: 'tool-call', toolCallId: 'call_w', toolName: 'weather', input: args1 },
      { type: 'tool-call', toolCallId: 'call_t', toolName: 'time', input: args2 },
      {
        type: 'finish',
        finishReason: 'tool-calls',
        rawFinishReason: 'tool_calls',
        usage: { inputTokens: 30, outputTokens: 20, totalTokens: 50 },
      },
    ]);
  });

  it('handles tool calls sent whole, without index, or several at one index', async () => {
    server.enqueue(
      streamChunks([
        // Whole call in one delta, no index (as some compatible servers send).
        chunk({
          delta: {
            tool_calls: [{ id: 'a', type: 'function', function: { name: 'one', arguments: '{"x":1}' } }],
          },
        }),
        chunk({ delta: { tool_calls: [{ function: { arguments: '' } }] } }),
        // A second call at the same index 0 with a new id; its name is repeated in a later delta.
        chunk({ delta: { tool_calls: [{ index: 0, id: 'b', function: { name: 'two' } }] } }),
        chunk({ delta: { tool_calls: [{ index: 0, function: { name: 'two', arguments: '{}' } }] } }),
        // A call that never gets a name is not reported.
        chunk({ delta: { tool_calls: [{ index: 5, function: { arguments: '{"lost":true}' } }] } }),
        chunk({ delta: { tool_calls: [{ index: 6, function: { name: 'noargs' } }] } }),
        chunk({ finishReason: 'tool_calls' }),
      ]),
    );
    const parts = await collect(adapter().stream(REQUEST, callOptions()));
    expect(parts.filter((p) => p.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCallId: 'a', toolName: 'one', input: '{"x":1}' },
      { type: 'tool-call', toolCallId: 'b', toolName: 'two', input: '{}' },
      { type: 'tool-call', toolCallId: 'call_3', toolName: 'noargs', input: '{}' },
    ]);
    expect(parts.filter((p) => p.type === 'tool-input-delta')).toEqual([
      { type: 'tool-input-delta', toolCallId: 'a', delta: '{"x":1}' },
      { type: 'tool-input-delta', toolCallId: 'b', delta: '{}' },
    ]);
    // The finish usage is zero when the provider sends none.
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    });
  });

  it('completes a call at its finish reason, ignores its stray deltas and completes late calls at the end', async () => {
    server.enqueue(
      streamChunks([
        chunk({
          finishReason: 'tool_calls',
          delta: { tool_calls: [{ index: 0, id: 'z', function: { name: 'first', arguments: '{}' } }] },
        }),
        chunk({ delta: { tool_calls: [{ index: 0, function: { arguments: 'stray' } }] } }),
        chunk({
          delta: { tool_calls: [{ index: 1, id: 'y', function: { name: 'late', arguments: '{"a":1}' } }] },
        }),
      ]),
    );
    const parts = await collect(adapter().stream(REQUEST, callOptions()));
    expect(parts.filter((p) => p.type !== 'response-metadata' && p.type !== 'finish')).toEqual([
      { type: 'tool-input-start', toolCallId: 'z', toolName: 'first' },
      { type: 'tool-input-delta', toolCallId: 'z', delta: '{}' },
      { type: 'tool-call', toolCallId: 'z', toolName: 'first', input: '{}' },
      { type: 'tool-input-start', toolCallId: 'y', toolName: 'late' },
      { type: 'tool-input-delta', toolCallId: 'y', delta: '{"a":1}' },
      { type: 'tool-call', toolCallId: 'y', toolName: 'late', input: '{"a":1}' },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls' });
  });

  it('streams reasoning_content as reasoning deltas', async () => {
    server.enqueue(
      streamChunks([
        chunk({ delta: { role: 'assistant', reasoning_content: 'Let me ' } }),
        chunk({ delta: { reasoning_content: 'think.' } }),
        chunk({ delta: { reasoning_content: '', content: 'Answer' } }),
        chunk({
          finishReason: 'stop',
          usage: {
            prompt_tokens: 2,
            completion_tokens: 9,
            completion_tokens_details: { reasoning_tokens: 5 },
          },
        }),
      ]),
    );
    const parts = await collect(adapter({ preset: 'deepseek' }).stream(REQUEST, callOptions()));
    expect(parts.filter((p) => p.type !== 'response-metadata')).toEqual([
      { type: 'reasoning-delta', delta: 'Let me ' },
      { type: 'reasoning-delta', delta: 'think.' },
      { type: 'text-delta', delta: 'Answer' },
      {
        type: 'finish',
        finishReason: 'stop',
        rawFinishReason: 'stop',
        usage: { inputTokens: 2, outputTokens: 9, totalTokens: 11, reasoningTokens: 5 },
      },
    ]);
  });

  it('reads usage from x_groq and from inside the last choice', async () => {
    server.enqueue(
      streamChunks([
        chunk({ delta: { content: 'a' } }),
        chunk({
          finishReason: 'stop',
          extra: { x_groq: { usage: { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 } } },
        }),
      ]),
    );
    const groq = await collect(adapter({ preset: 'groq' }).stream(REQUEST, callOptions()));
    expect(groq.at(-1)).toMatchObject({ usage: { inputTokens: 4, outputTokens: 1, totalTokens: 5 } });

    server.enqueue(
      streamChunks([
        chunk({ delta: { content: 'a' } }),
        {
          ...chunk({ finishReason: 'stop' }),
          choices: [
            {
              index: 0,
              delta: {},
              finish_reason: 'stop',
              usage: { prompt_tokens: 6, completion_tokens: 2, total_tokens: 8 },
            },
          ],
        },
      ]),
    );
    const moonshot = await collect(adapter({ preset: 'moonshot' }).stream(REQUEST, callOptions()));
    expect(moonshot.at(-1)).toMatchObject({ usage: { inputTokens: 6, outputTokens: 2, totalTokens: 8 } });
  });

  it('leaves out stream_options and maps the seed field for Mistral', async () => {
    server.enqueue(streamChunks(textChunks(['ok'])));
    await collect(adapter({ preset: 'mistral' }).stream({ ...REQUEST, seed: 3 }, callOptions()));
    expect(server.last.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hi' }],
      random_seed: 3,
      stream: true,
    });
  });

  it('lets providerOptions set stream_options', async () => {
    server.enqueue(streamChunks(textChunks(['ok'])));
    await collect(
      adapter().stream(
        { ...REQUEST, providerOptions: { stream_options: { include_usage: false } } },
        callOptions(),
      ),
    );
    expect((server.last.body as { stream_options: unknown }).stream_options).toEqual({
      include_usage: false,
    });
  });

  it('rejects the first next() when the request fails', async () => {
    server.enqueue(
      errorResponse(429, 'Slow down', {
        type: 'requests',
        code: 'rate_limit_exceeded',
        headers: { 'retry-after': '3' },
      }),
    );
    const it = adapter().stream(REQUEST, callOptions())[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 3000, target: 't1' });
  });
});

describe('stream hazards', () => {
  // Compact chunks keep the byte-by-byte run short.
  const small = (delta: Record<string, unknown>, finish: string | null = null, usage?: unknown) =>
    dataEvent({
      id: 'c1',
      model: 'm',
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...(usage ? { usage } : {}),
    });

  it('survives the SSE body split at every byte, with multi-byte UTF-8 and CRLF', async () => {
    const events = [
      ': keep-alive comment',
      small({ role: 'assistant', content: 'héllo — ' }),
      small({ content: '日本語 🚀' }),
      small({}, 'stop', { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 }),
      DONE,
    ];
    server.enqueue(sse(events, { chunkBytes: 1, gapMs: 1, crlf: true }));
    const parts = await collect(adapter().stream(REQUEST, callOptions()));
    expect(texts(parts)).toBe('héllo — 日本語 🚀');
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      rawFinishReason: 'stop',
      usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
    });
  });

  it('fails with server on a malformed JSON line after content', async () => {
    server.enqueue(sse([small({ content: 'partial' }), 'data: {"id": "c1", "choices": [', DONE]));
    const parts: AdapterStreamPart[] = [];
    const run = async () => {
      for await (const p of adapter().stream(REQUEST, callOptions())) parts.push(p);
    };
    await expect(run()).rejects.toMatchObject({ kind: 'server', target: 't1' });
    expect(texts(parts)).toBe('partial');
  });

  it('fails with server on a malformed JSON line before content', async () => {
    server.enqueue(sse(['data: not json', DONE]));
    const it = adapter().stream(REQUEST, callOptions())[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toMatchObject({ kind: 'server' });
  });

  it('fails with connection when the stream is cut after content', async () => {
    server.enqueue(
      sse([small({ content: 'a' }), small({ content: 'b' }), small({}, 'stop'), DONE], {
        cutAfterEvents: 2,
        gapMs: 15,
      }),
    );
    const parts: AdapterStreamPart[] = [];
    const run = async () => {
      for await (const p of adapter().stream(REQUEST, callOptions())) parts.push(p);
    };
    await expect(run()).rejects.toMatchObject({ kind: 'connection', target: 't1' });
    expect(texts(parts)).toBe('ab');
    expect(parts.some((p) => p.type === 'finish')).toBe(false);
  });

  it('fails with connection when the stream is cut before content', async () => {
    server.enqueue(sse([small({ content: 'a' }), DONE], { cutAfterEvents: 0 }));
    const it = adapter().stream(REQUEST, callOptions())[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toMatchObject({ kind: 'connection' });
  });

  it('fails with connection when the stream ends cleanly without a finish reason', async () => {
    server.enqueue(sse([small({ content: 'a' })]));
    await expect(collect(adapter().stream(REQUEST, callOptions()))).rejects.toMatchObject({
      kind: 'connection',
    });
  });

  it('accepts a stream that has a finish reason but no [DONE]', async () => {
    server.enqueue(streamChunks(textChunks(['fine']), { done: false }));
    const parts = await collect(adapter().stream(REQUEST, callOptions()));
    expect(parts.at(-1)?.type).toBe('finish');
  });

  it('fails with server on an error object inside the stream', async () => {
    server.enqueue(
      sse([
        small({ content: 'a' }),
        dataEvent({ error: { message: 'upstream overloaded', type: 'server_error', code: 'overloaded' } }),
      ]),
    );
    const parts: AdapterStreamPart[] = [];
    const run = async () => {
      for await (const p of adapter().stream(REQUEST, callOptions())) parts.push(p);
    };
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ kind: 'server', code: 'overloaded', target: 't1' });
    expect((error as Error).message).toMatch(/upstream overloaded/);
    expect(texts(parts)).toBe('a');
  });

  it('closes the connection and rejects promptly with aborted when the caller aborts mid-stream', async () => {
    server.enqueue(
      sse([small({ content: 'one' }), small({ content: 'two' }), small({}, 'stop'), DONE], {
        stallAfterEvents: 1,
      }),
    );
    const controller = new AbortController();
    const it = adapter().stream(REQUEST, callOptions(controller.signal))[Symbol.asyncIterator]();
    expect((await it.next()).value).toMatchObject({ type: 'response-metadata' });
    expect((await it.next()).value).toEqual({ type: 'text-delta', delta: 'one' });
    const pending = it.next();
    const started = performance.now();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'aborted', target: 't1' });
    expect(performance.now() - started).toBeLessThan(500);
    await server.waitForDisconnects(1);
    expect(server.disconnects).toBe(1);
  });

  it('ends a stalled stream when the signal aborts with the router reason, and the server sees the disconnect', async () => {
    server.enqueue(sse([small({ content: 'one' }), small({}, 'stop'), DONE], { stallAfterEvents: 1 }));
    const controller = new AbortController();
    const parts: AdapterStreamPart[] = [];
    const run = (async () => {
      for await (const p of adapter().stream(REQUEST, callOptions(controller.signal))) {
        parts.push(p);
        if (p.type === 'text-delta')
          setTimeout(() => controller.abort(new SwitchyardError('timeout', 'idle timeout')), 20);
      }
    })();
    await expect(run).rejects.toMatchObject({ kind: 'timeout', target: 't1' });
    await server.waitForDisconnects(1);
    expect(texts(parts)).toBe('one');
  });

  it('fails with aborted when the signal is already aborted, without a request', async () => {
    const controller = new AbortController();
    controller.abort();
    const it = adapter().stream(REQUEST, callOptions(controller.signal))[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toMatchObject({ kind: 'aborted' });
    expect(server.requests).toHaveLength(0);
  });

  it('aborts a request that hangs before the headers', async () => {
    server.enqueue(hang());
    const controller = new AbortController();
    const call = adapter().complete(REQUEST, callOptions(controller.signal));
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    controller.abort();
    await expect(call).rejects.toMatchObject({ kind: 'aborted', target: 't1' });
    await server.waitForDisconnects(1);
  });

  it('closes the connection when the consumer stops early', async () => {
    server.enqueue(sse([small({ content: 'one' }), small({}, 'stop'), DONE], { stallAfterEvents: 1 }));
    for await (const p of adapter().stream(REQUEST, callOptions())) {
      if (p.type === 'text-delta') break;
    }
    await server.waitForDisconnects(1);
    expect(server.disconnects).toBe(1);
  });
});
