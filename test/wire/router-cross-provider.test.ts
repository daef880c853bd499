/**
 * Through the Router, across protocols: a 429 with Retry-After from an OpenAI-protocol provider
 * falls back to an Anthropic-protocol target, and the events show both attempts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicAdapter } from '../../adapters/anthropic/index.js';
import { OpenAIAdapter } from '../../adapters/openai/index.js';
import { Router, type Strategy } from '../../index.js';
import { recordEvents } from '../helpers/calls.js';
import * as anthropic from './anthropic-server.js';
import { errorResponse, ScriptedServer } from './openai-server.js';

const first: Strategy = { name: 'first', pick: (c) => c[0]! };

describe('Router across OpenAI and Anthropic protocols', () => {
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
          maxOutputTokens: 256,
        },
      ],
      strategy: first,
    });
  }

  it('complete(): 429 + Retry-After on OpenAI falls back to Anthropic; both attempts are in the events', async () => {
    openaiServer.reset();
    anthropicServer.reset();
    openaiServer.enqueue(
      errorResponse(429, 'Rate limit reached', { type: 'requests', headers: { 'retry-after': '7' } }),
    );
    anthropicServer.enqueue(anthropic.message({ content: [anthropic.textBlock('Hello from Claude')] }));
    const r = router();
    const events = recordEvents(r);
    const res = await r.complete({ messages: [{ role: 'user', content: 'hi' }] });
    expect(res.text).toBe('Hello from Claude');
    expect(res.target).toBe('claude');
    expect(res.attempts.map((a) => [a.target, a.outcome, a.errorKind])).toEqual([
      ['openai', 'failure', 'rate_limited'],
      ['claude', 'success', undefined],
    ]);
    const failure = events.find(([n]) => n === 'attempt:failure')?.[1];
    expect(failure.error.retryAfterMs).toBe(7000);
    expect(failure.error.status).toBe(429);
    expect(events.find(([n]) => n === 'fallback')?.[1]).toMatchObject({
      from: 'openai',
      to: 'claude',
      errorKind: 'rate_limited',
    });
    expect(events.filter(([n]) => n === 'attempt:start').map(([, e]) => e.target)).toEqual([
      'openai',
      'claude',
    ]);
    expect(anthropicServer.last.body).toMatchObject({ model: 'claude-haiku-4-5', max_tokens: 256 });
    expect(r.health()[0]!.blockedUntil).toBeGreaterThan(0); // the Retry-After block holds for later calls
    expect(JSON.stringify(events.map(([, e]) => e))).not.toContain('sk-test-openai-key-123');
  });

  it('stream(): the same fallback happens before the first token', async () => {
    openaiServer.reset();
    anthropicServer.reset();
    openaiServer.enqueue(errorResponse(429, 'Rate limit reached', { headers: { 'retry-after': '1' } }));
    anthropicServer.enqueue(anthropic.stream(anthropic.textEvents(['Hel', 'lo'])));
    const r = router();
    const deltas: string[] = [];
    const stream = r.stream({ messages: [{ role: 'user', content: 'hi' }] });
    for await (const ev of stream) if (ev.type === 'text-delta') deltas.push(ev.delta);
    expect(deltas.join('')).toBe('Hello');
    expect((await stream.response).attempts.map((a) => a.target)).toEqual(['openai', 'claude']);
  });
});
