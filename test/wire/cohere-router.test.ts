/**
 * The Cohere adapter under the real Router, against a local server: costs from default prices,
 * fallback after a server error, streaming, and a stream cut after content.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CohereAdapter } from '../../adapters/cohere/index.js';
import { Router, type StreamEvent, type SwitchyardError } from '../../index.js';
import { chatReply, chatStream, errorReply, textStream } from './cohere-server.js';
import { ScriptedServer } from './scripted-server.js';

const server = ScriptedServer.forTests();
afterEach(() => {
  server.reset();
});

function router(): Router {
  const cohere = new CohereAdapter({ apiKey: 'co-router-key-0123456789', baseURL: server.url });
  return new Router({
    targets: [
      { id: 'command-a', adapter: cohere, model: 'command-a-03-2025', priority: 0 },
      { id: 'command-r7b', adapter: cohere, model: 'command-r7b-12-2024', priority: 1 },
    ],
    strategy: 'priority',
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    breaker: false,
  });
}

const messages = [{ role: 'user' as const, content: 'Hello' }];

describe('CohereAdapter under the Router', () => {
  it('completes a call and prices it with the default Cohere prices', async () => {
    server.enqueue(chatReply({ text: 'Hi there' }));
    const res = await router().complete({ messages });
    expect(res.text).toBe('Hi there');
    expect(res.target).toBe('command-a');
    expect(res.usage).toMatchObject({ inputTokens: 12, outputTokens: 6 });
    expect(res.costUsd).toBeCloseTo((12 * 2.5 + 6 * 10) / 1e6, 12);
    expect(res.providerMetadata).toMatchObject({
      cohere: { billedUnits: { inputTokens: 10, outputTokens: 5 } },
    });
  });

  it('moves to the next target after a 503', async () => {
    server.enqueue(errorReply(503, 'overloaded'), chatReply({ text: 'from the second' }));
    const res = await router().complete({ messages });
    expect(res.text).toBe('from the second');
    expect(res.attempts.map((a) => [a.outcome, a.errorKind])).toEqual([
      ['failure', 'server'],
      ['success', undefined],
    ]);
    expect(server.requests.map((r) => (r.body as { model: string }).model)).toEqual([
      'command-a-03-2025',
      res.target === 'command-a' ? 'command-a-03-2025' : 'command-r7b-12-2024',
    ]);
  });

  it('streams text and resolves the response', async () => {
    server.enqueue(chatStream(textStream(['Hel', 'lo'])));
    const stream = router().stream({ messages });
    const events: StreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.filter((e) => e.type === 'text-delta').map((e) => (e as { delta: string }).delta)).toEqual([
      'Hel',
      'lo',
    ]);
    const res = await stream.response;
    expect(res.text).toBe('Hello');
    expect(res.finishReason).toBe('stop');
    expect(res.responseId).toBe('msg-1');
  });

  it('ends with stream_interrupted when the connection is cut after content', async () => {
    server.enqueue(chatStream(textStream(['one', 'two', 'three']), { cutAfterEvents: 3, gapMs: 5 }));
    const stream = router().stream({ messages });
    let error: unknown;
    try {
      for await (const _ of stream) {
        // drain
      }
    } catch (e) {
      error = e;
    }
    expect((error as SwitchyardError).kind).toBe('stream_interrupted');
    expect((error as SwitchyardError).partialText).toBe('one');
    expect(server.requests).toHaveLength(1); // never restarted elsewhere after content
  });
});
