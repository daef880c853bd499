/**
 * A real `@ai-sdk/openai-compatible` chat model as a Switchyard target (through AISDKAdapter),
 * against a local scripted HTTP server; and the whole loop: `streamText` on createSwitchyard
 * over that target.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { streamText } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { json, ScriptedServer, sse } from '../adapter-kit/index.js';
import { AISDKAdapter, createSwitchyard } from './index.js';

let server: ScriptedServer;
beforeAll(async () => {
  server = await ScriptedServer.start();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

const completion = (text: string) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_764_000_000,
  model: 'qwen-local',
  choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 },
});

const chunk = (
  delta: Record<string, unknown>,
  finish: string | null = null,
  usage?: Record<string, number>,
) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-2',
    object: 'chat.completion.chunk',
    created: 1_764_000_000,
    model: 'qwen-local',
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  })}`;

const streamed = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: 'Hel' }),
  chunk({ content: 'lo' }),
  chunk({}, 'stop', { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 }),
  'data: [DONE]',
];

function routerOver(...ids: string[]): Router {
  const provider = createOpenAICompatible({
    name: 'local',
    baseURL: `${server.url}/v1`,
    apiKey: 'sk-test-secret-123456',
  });
  return new Router({
    targets: ids.map((id, i) => ({
      id,
      adapter: new AISDKAdapter(provider.chatModel('qwen-local'), {
        price: { inputPerMTok: 1, outputPerMTok: 2 },
      }),
      model: 'qwen-local',
      priority: i,
    })),
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
  });
}

describe('@ai-sdk/openai-compatible as a Switchyard target', () => {
  it('completes over the wire', async () => {
    server.enqueue(json(200, completion('hi there')));
    const router = routerOver('local');
    const response = await router.complete({
      messages: [{ role: 'user', content: 'hello' }],
      temperature: 0.2,
      maxOutputTokens: 20,
      providerOptions: { local: { user: 'u-1' } },
    });
    expect(response).toMatchObject({
      text: 'hi there',
      target: 'local',
      finishReason: 'stop',
      usage: { inputTokens: 7, outputTokens: 2, totalTokens: 9 },
      responseId: 'chatcmpl-1',
    });
    expect(response.costUsd).toBeCloseTo((7 * 1 + 2 * 2) / 1e6, 12);
    expect(server.requests).toHaveLength(1);
    expect(server.last.url).toBe('/v1/chat/completions');
    expect(server.last.body).toMatchObject({
      model: 'qwen-local',
      messages: [{ role: 'user', content: 'hello' }],
      temperature: 0.2,
      max_tokens: 20,
      user: 'u-1',
    });
    await router.close();
  });

  it('falls back from a 429 to the next target, honouring no hidden retry of the AI SDK', async () => {
    server.enqueue(
      json(429, { error: { message: 'slow down' } }, { 'retry-after': '30' }),
      json(200, completion('second')),
    );
    const router = routerOver('first', 'second');
    const failures: unknown[] = [];
    router.on('attempt:failure', (e) => failures.push(e));
    const response = await router.complete({ messages: [{ role: 'user', content: 'x' }] });
    expect(response.text).toBe('second');
    expect(response.attempts.map((a) => a.errorKind ?? a.outcome)).toEqual(['rate_limited', 'success']);
    expect(failures).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ retryAfterMs: 30_000 }) }),
    ]);
    expect(server.requests).toHaveLength(2);
    await router.close();
  });

  it('streams over the wire', async () => {
    server.enqueue(sse(streamed));
    const router = routerOver('local');
    const stream = router.stream({ messages: [{ role: 'user', content: 'x' }] });
    const deltas: string[] = [];
    for await (const event of stream) if (event.type === 'text-delta') deltas.push(event.delta);
    const response = await stream.response;
    expect(deltas).toEqual(['Hel', 'lo']);
    expect(response).toMatchObject({
      text: 'Hello',
      usage: { inputTokens: 5, outputTokens: 2 },
      responseId: 'chatcmpl-2',
    });
    expect(server.last.body).toMatchObject({ stream: true });
    await router.close();
  });

  it('a stream cut after content is stream_interrupted with the partial text', async () => {
    server.enqueue(sse(streamed, { cutAfterEvents: 3, gapMs: 5 }));
    const router = routerOver('local', 'spare');
    const stream = router.stream({ messages: [{ role: 'user', content: 'x' }] });
    const deltas: string[] = [];
    const error = await (async () => {
      for await (const event of stream) if (event.type === 'text-delta') deltas.push(event.delta);
    })().catch((e: unknown) => e);
    expect(deltas).toEqual(['Hel', 'lo']);
    expect(error).toMatchObject({ kind: 'stream_interrupted', partialText: 'Hello', target: 'local' });
    expect((error as { cause?: unknown }).cause).toMatchObject({ kind: 'connection' });
    expect(server.requests).toHaveLength(1);
    await router.close();
  });

  it('a stream cut before any content falls back to the next target', async () => {
    server.enqueue(sse(streamed, { cutAfterEvents: 1, gapMs: 5 }), sse(streamed));
    const router = routerOver('cut', 'spare');
    const stream = router.stream({ messages: [{ role: 'user', content: 'x' }] });
    const deltas: string[] = [];
    for await (const event of stream) if (event.type === 'text-delta') deltas.push(event.delta);
    const response = await stream.response;
    expect(deltas).toEqual(['Hel', 'lo']);
    expect(response.target).toBe('spare');
    expect(response.attempts.map((a) => a.errorKind ?? a.outcome)).toEqual(['connection', 'success']);
    await router.close();
  });

  it('streamText on createSwitchyard over the openai-compatible target, falling back from a 503', async () => {
    server.enqueue(json(503, { error: { message: 'overloaded' } }), sse(streamed));
    const router = routerOver('a', 'b');
    const result = streamText({ model: createSwitchyard(router)('qwen-local'), prompt: 'x', maxRetries: 0 });
    const deltas: string[] = [];
    for await (const d of result.textStream) deltas.push(d);
    expect(deltas.join('')).toBe('Hello');
    expect((await result.providerMetadata)?.switchyard).toMatchObject({
      target: 'b',
      attempts: [
        { target: 'a', outcome: 'failure', errorKind: 'server' },
        { target: 'b', outcome: 'success' },
      ],
    });
    expect(server.requests).toHaveLength(2);
    await router.close();
  });
});
