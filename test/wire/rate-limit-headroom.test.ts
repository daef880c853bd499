/**
 * Rate-limit-aware picks over the wire: the providers' remaining-requests/tokens headers reach
 * the target view, and the router steers calls away from a target whose headroom is used up —
 * before it answers 429 — until its window resets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicAdapter } from '../../adapters/anthropic/index.js';
import { OpenAIAdapter } from '../../adapters/openai/index.js';
import { Router, type Strategy } from '../../index.js';
import * as anthropic from './anthropic-server.js';
import {
  completionResponse,
  errorResponse,
  ScriptedServer,
  streamChunks,
  textChunks,
} from './openai-server.js';

/** Always the first candidate: any other pick is the router's doing. */
const first: Strategy = { name: 'first', pick: (c) => c[0]! };

describe('rate-limit headroom from response headers', () => {
  let openaiServer: ScriptedServer;
  let anthropicServer: ScriptedServer;
  beforeAll(async () => {
    openaiServer = await ScriptedServer.start();
    anthropicServer = await ScriptedServer.start();
  });
  afterAll(async () => {
    await openaiServer.close();
    await anthropicServer.close();
  });

  function router() {
    return new Router({
      targets: [
        {
          id: 'openai',
          adapter: new OpenAIAdapter({ apiKey: 'sk-test-openai-key-123', baseURL: `${openaiServer.url}/v1` }),
          model: 'gpt-4o-mini',
        },
        {
          id: 'claude',
          adapter: new AnthropicAdapter({ apiKey: 'sk-ant-test-key-456', baseURL: anthropicServer.url }),
          model: 'claude-haiku-4-5',
          aliases: ['gpt-4o-mini'],
          maxOutputTokens: 256,
        },
      ],
      strategy: first,
    });
  }
  const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };

  it('OpenAI: the last request of the window is served, the next call goes elsewhere until the reset', async () => {
    const r = router();
    openaiServer.enqueue(
      completionResponse({}, { 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-reset-requests': '30s' }),
      completionResponse({}, { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '30s' }),
    );
    anthropicServer.enqueue(anthropic.message(), anthropic.message());
    expect((await r.complete(ask)).target).toBe('openai');
    const view = r.targets.find((t) => t.id === 'openai')!;
    expect(view.rateLimit).toMatchObject({ remainingRequests: 1 });
    expect(view.rateLimit!.resetRequestsAt - view.rateLimit!.at).toBe(30_000);
    expect((await r.complete(ask)).target).toBe('openai'); // one request left: used
    // None left: steered away without a 429 ever being sent.
    expect((await r.complete(ask)).target).toBe('claude');
    expect((await r.complete(ask)).target).toBe('claude');
    expect(openaiServer.requests).toHaveLength(2);
    await r.close();
    openaiServer.reset();
    anthropicServer.reset();
  });

  it('Anthropic tokens and a streamed OpenAI call report too; a call needing more tokens than are left goes elsewhere', async () => {
    const r = new Router({
      targets: [
        {
          id: 'claude',
          adapter: new AnthropicAdapter({ apiKey: 'sk-ant-test-key-456', baseURL: anthropicServer.url }),
          model: 'claude-haiku-4-5',
          aliases: ['chat'],
          maxOutputTokens: 256,
        },
        {
          id: 'openai',
          adapter: new OpenAIAdapter({ apiKey: 'sk-test-openai-key-123', baseURL: `${openaiServer.url}/v1` }),
          model: 'gpt-4o-mini',
          aliases: ['chat'],
        },
      ],
      strategy: first,
    });
    const reset = new Date(Date.now() + 60_000).toISOString();
    anthropicServer.enqueue(
      anthropic.message(
        {},
        {
          'anthropic-ratelimit-input-tokens-remaining': '300',
          'anthropic-ratelimit-input-tokens-reset': reset,
        },
      ),
      anthropic.message(),
    );
    openaiServer.enqueue(streamChunks(textChunks(['o', 'k'])));
    const chat = (content: string, maxOutputTokens: number) => ({
      model: 'chat',
      messages: [{ role: 'user' as const, content }],
      maxOutputTokens,
    });
    expect((await r.complete(chat('hi', 10))).target).toBe('claude');
    // 300 tokens left; this call needs about 100 + 500: streamed to the other target instead.
    const stream = r.stream(chat('x'.repeat(400), 500));
    for await (const _ of stream) {
      // drain
    }
    expect((await stream.response).target).toBe('openai');
    // A small call still fits.
    expect((await r.complete(chat('hi', 10))).target).toBe('claude');
    await r.close();
    openaiServer.reset();
    anthropicServer.reset();
  });

  it('a 429’s headers count too: remaining 0 steers away even after the fallback', async () => {
    const r = router();
    openaiServer.enqueue(
      errorResponse(429, 'slow down', {
        headers: { 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '20s' },
      }),
    );
    anthropicServer.enqueue(anthropic.message(), anthropic.message());
    expect((await r.complete(ask)).target).toBe('claude');
    expect(r.targets.find((t) => t.id === 'openai')!.rateLimit).toMatchObject({ remainingTokens: 0 });
    expect((await r.complete(ask)).target).toBe('claude');
    expect(openaiServer.requests).toHaveLength(1);
    await r.close();
    openaiServer.reset();
    anthropicServer.reset();
  });
});
