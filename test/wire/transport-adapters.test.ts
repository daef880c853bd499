/**
 * The fast transport as the adapters' default fetch: every adapter sends through it unless the
 * caller brings a fetch, and its failures still map to the right SwitchyardError kind.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AnthropicAdapter } from '../../adapters/anthropic/index.js';
import { CohereAdapter } from '../../adapters/cohere/index.js';
import { OpenAIAdapter } from '../../adapters/openai/index.js';
import {
  type Adapter,
  type AdapterCallOptions,
  type AdapterRequest,
  type AdapterStreamPart,
  isSwitchyardError,
  type SwitchyardError,
  systemClock,
} from '../../src/index.js';
import { message as anthropicMessage, stream as anthropicStream, textEvents } from './anthropic-server.js';
import { chatReply, chatStream, textStream } from './cohere-server.js';
import { completionResponse, streamChunks, textChunks } from './openai-server.js';
import { hang, json, type Responder, reset, ScriptedServer, type SseOptions } from './scripted-server.js';

const KEY = 'sk-transport-test-0123456789';
const server = ScriptedServer.forTests();

interface Case {
  readonly name: string;
  readonly make: (baseURL: string, extra?: { fetch?: typeof fetch; timeoutMs?: number }) => Adapter;
  readonly base: (url: string) => string;
  readonly reply: (text: string) => Responder;
  readonly streamReply: (pieces: readonly string[], options?: SseOptions) => Responder;
  readonly rateLimited: (headers: Record<string, string>) => Responder;
}

const CASES: readonly Case[] = [
  {
    name: 'openai',
    make: (baseURL, extra) => new OpenAIAdapter({ apiKey: KEY, baseURL, ...extra }),
    base: (url) => `${url}/v1`,
    reply: (text) => completionResponse({ content: text }),
    streamReply: (pieces, options) => streamChunks(textChunks(pieces), options),
    rateLimited: (headers) => json(429, { error: { message: 'slow down', type: 'requests' } }, headers),
  },
  {
    name: 'anthropic',
    make: (baseURL, extra) => new AnthropicAdapter({ apiKey: KEY, baseURL, ...extra }),
    base: (url) => url,
    reply: (text) => anthropicMessage({ content: [{ type: 'text', text }] }),
    streamReply: (pieces, options) => anthropicStream(textEvents(pieces), options),
    rateLimited: (headers) =>
      json(429, { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } }, headers),
  },
  {
    name: 'cohere',
    make: (baseURL, extra) => new CohereAdapter({ apiKey: KEY, baseURL, ...extra }),
    base: (url) => url,
    reply: (text) => chatReply({ text }),
    streamReply: (pieces, options) => chatStream(textStream(pieces), options),
    rateLimited: (headers) => json(429, { id: 'e', message: 'slow down' }, headers),
  },
];

const request: AdapterRequest = {
  model: 'm-1',
  messages: [{ role: 'user', content: 'hi' }],
  maxOutputTokens: 16,
};

function call(signal: AbortSignal = new AbortController().signal): AdapterCallOptions {
  return { signal, target: 't1', clock: systemClock, deadline: Number.POSITIVE_INFINITY };
}

async function streamText(stream: AsyncIterable<AdapterStreamPart>): Promise<string> {
  let text = '';
  for await (const part of stream) if (part.type === 'text-delta') text += part.delta;
  return text;
}

async function failure(promise: Promise<unknown>): Promise<SwitchyardError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSwitchyardError(error)) throw new Error(`expected a SwitchyardError, got ${String(error)}`);
  expect(error.message).not.toContain(KEY);
  return error;
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe.each(CASES)('$name adapter over the fast transport', (c) => {
  const adapter = (extra?: { fetch?: typeof fetch; timeoutMs?: number }) => c.make(c.base(server.url), extra);

  it('sends through the fast transport by default (no fetch-only headers on the wire)', async () => {
    server.enqueue(c.reply('hello'));
    const response = await adapter().complete(request, call());
    expect(response.content).toEqual([{ type: 'text', text: 'hello' }]);
    // Node's global fetch always adds `sec-fetch-mode`; the fast transport does not.
    expect(server.last.headers['sec-fetch-mode']).toBeUndefined();
  });

  it("uses the caller's fetch when given one", async () => {
    server.enqueue(c.reply('mine'));
    let calls = 0;
    const mine: typeof fetch = (input, init) => {
      calls++;
      return globalThis.fetch(input, init);
    };
    const response = await adapter({ fetch: mine }).complete(request, call());
    expect(response.content).toEqual([{ type: 'text', text: 'mine' }]);
    expect(calls).toBe(1);
    expect(server.last.headers['sec-fetch-mode']).toBe('cors');
  });

  it('streams a body split at every byte', async () => {
    server.enqueue(c.streamReply(['Hé', 'llo ', '👋'], { chunkBytes: 1 }));
    expect(await streamText(adapter().stream(request, call()))).toBe('Héllo 👋');
  });

  it('keeps the connection for the next call', async () => {
    const ports = new Set<number>();
    server.setDefault((req, res, ctx) => {
      ports.add(res.socket?.remotePort ?? -1);
      return c.reply('again')(req, res, ctx);
    });
    const a = adapter();
    for (let i = 0; i < 6; i++) await a.complete(request, call());
    expect(ports.size).toBeLessThanOrEqual(2);
  });

  it('maps 429 to rate_limited with the Retry-After wait', async () => {
    server.enqueue(c.rateLimited({ 'retry-after': '7' }));
    const error = await failure(adapter().complete(request, call()));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(7000);
  });

  it('maps a refused connection to connection', async () => {
    const port = await closedPort();
    const a = c.make(c.base(`http://127.0.0.1:${port}`));
    expect((await failure(a.complete(request, call()))).kind).toBe('connection');
    expect((await failure(streamText(a.stream(request, call())))).kind).toBe('connection');
  });

  it('maps a reset connection to connection', async () => {
    server.enqueue(reset());
    expect((await failure(adapter().complete(request, call()))).kind).toBe('connection');
  });

  it("maps the adapter's own header timeout to timeout and hangs up", async () => {
    server.enqueue(hang());
    const error = await failure(adapter({ timeoutMs: 50 }).complete(request, call()));
    expect(error.kind).toBe('timeout');
    await server.waitForDisconnects(1);
  });

  it('aborts mid-stream: aborted, and the server sees the disconnect', async () => {
    server.enqueue(c.streamReply(['one ', 'two'], { stallAfterEvents: 4 }));
    const controller = new AbortController();
    const stream = adapter().stream(request, call(controller.signal));
    const pending = (async () => {
      let text = '';
      for await (const part of stream) {
        if (part.type === 'text-delta') {
          text += part.delta;
          controller.abort();
        }
      }
      return text;
    })();
    const error = await failure(pending);
    expect(error.kind).toBe('aborted');
    await server.waitForDisconnects(1);
  });
});

describe('adapter close()', () => {
  it('closes the pool the adapter owns: later calls fail with a connection error; a caller fetch is left alone', async () => {
    const { ScriptedServer, json } = await import('./scripted-server.js');
    const { OpenAIAdapter } = await import('../../adapters/openai/index.js');
    const { AnthropicAdapter } = await import('../../adapters/anthropic/index.js');
    const { CohereAdapter } = await import('../../adapters/cohere/index.js');
    const { systemClock } = await import('../../index.js');
    const server = await ScriptedServer.start();
    server.setDefault(json(200, { ok: true }));
    const opts = {
      signal: new AbortController().signal,
      target: 't',
      clock: systemClock,
      deadline: Number.POSITIVE_INFINITY,
    };
    const request = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], maxOutputTokens: 8 };
    try {
      for (const adapter of [
        new OpenAIAdapter({ apiKey: 'sk-test-close-1', baseURL: `${server.url}/v1` }),
        new AnthropicAdapter({ apiKey: 'sk-ant-close-1', baseURL: server.url }),
        new CohereAdapter({ apiKey: 'co-close-1', baseURL: server.url }),
      ]) {
        await adapter.close();
        await adapter.close(); // idempotent
        const error = await adapter.complete(request, opts).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((error as { kind?: string } | undefined)?.kind).toBe('connection');
      }
      let calls = 0;
      const own = new OpenAIAdapter({
        apiKey: 'sk-test-close-2',
        baseURL: `${server.url}/v1`,
        fetch: (...args: Parameters<typeof fetch>) => {
          calls++;
          return fetch(...args);
        },
      });
      await own.close(); // nothing of the caller's is closed
      await own.complete(request, opts).catch(() => undefined);
      expect(calls).toBe(1);
    } finally {
      await server.close();
    }
  });
});
