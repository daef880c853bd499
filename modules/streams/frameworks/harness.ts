/**
 * Shared parts of the framework recipe tests (not exported): one router over a MockAdapter whose
 * answer depends on the user's message, a real HTTP client (fetch) that reads the event stream,
 * and the checks every framework passes.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { expect, it, vi } from 'vitest';
import { type CompletionRequest, Router } from '../../../index.js';
import { MockAdapter, type MockOutcome } from '../../../src/testing/index.js';

/** What the test servers accept: the user's message and the event format. */
export interface ChatBody {
  readonly message: string;
  readonly format?: 'openai' | 'ui-message';
}

/** The text the `hello` answer streams, in five deltas. */
export const HELLO_DELTAS = ['Hel', 'lo', ', wor', 'ld', '!'];

const OUTCOMES: Record<string, MockOutcome> = {
  hello: { stream: HELLO_DELTAS },
  // Long enough that the client leaves long before the end (200 deltas, 20 ms apart).
  slow: { stream: Array.from({ length: 200 }, (_, i) => `tick ${i} `), chunkDelayMs: 20 },
  broken: { stream: ['partial ', 'answer'], error: { status: 500, message: 'upstream broke' } },
  limited: { error: { status: 429, retryAfterMs: 2_000 } },
};

/** A router with one mock target (alias `chat`); no retries, so failures surface as they are. */
export function chatRouter(): { router: Router; adapter: MockAdapter } {
  const adapter = new MockAdapter((request) => {
    const last = request.messages.at(-1);
    const text = typeof last?.content === 'string' ? last.content : '';
    return OUTCOMES[text] ?? { text: `unknown message ${text}` };
  });
  const router = new Router({
    targets: [{ id: 'mock', model: 'mock-model', aliases: ['chat'], adapter }],
    retry: { maxAttempts: 1 },
  });
  return { router, adapter };
}

/** The router request for a test body. */
export function chatRequest(body: ChatBody): CompletionRequest {
  return { model: 'chat', messages: [{ role: 'user', content: body.message }] };
}

/** A started framework server. */
export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the framework under test on 127.0.0.1, port 0, answering `POST /chat` with the router. */
export type StartServer = (router: Router) => Promise<RunningServer>;

/** Posts a chat body. */
export function post(url: string, body: ChatBody, signal?: AbortSignal): Promise<Response> {
  return fetch(`${url}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });
}

/** The `data:` payloads of an event stream's text; every frame must be one `data:` line. */
export function dataFrames(text: string): string[] {
  expect(text.endsWith('\n\n'), 'the stream ends with a complete frame').toBe(true);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((frame) => {
      expect(frame.startsWith('data: ') && !frame.includes('\n'), frame).toBe(true);
      return frame.slice(6);
    });
}

/** The text of OpenAI chunks, joined. */
export function openAIText(frames: readonly string[]): string {
  return frames
    .filter((f) => f !== '[DONE]')
    .map((f) => JSON.parse(f) as { choices?: Array<{ delta?: { content?: string } }> })
    .map((c) => c.choices?.[0]?.delta?.content ?? '')
    .join('');
}

/**
 * The checks every framework recipe passes, over a real loopback server and fetch: exact text and
 * `[DONE]` (OpenAI chunks and UI message parts), a failure before content as a status with JSON,
 * a failure after content as a final error event, and a client that leaves aborting the upstream.
 */
export function frameworkChecks(start: StartServer): void {
  const run = async (fn: (server: RunningServer, setup: ReturnType<typeof chatRouter>) => Promise<void>) => {
    const setup = chatRouter();
    const server = await start(setup.router);
    try {
      await fn(server, setup);
    } finally {
      await server.close();
      await setup.router.close();
    }
  };

  it('streams OpenAI chunks: the exact text, a finish chunk, then [DONE]', () =>
    run(async ({ url }) => {
      const res = await post(url, { message: 'hello' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const frames = dataFrames(await res.text());
      expect(openAIText(frames)).toBe(HELLO_DELTAS.join(''));
      expect(frames.at(-1)).toBe('[DONE]');
      const finish = JSON.parse(frames.at(-2)!);
      expect(finish).toMatchObject({ object: 'chat.completion.chunk', model: 'chat' });
      expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
      expect(frames.length).toBe(HELLO_DELTAS.length + 2);
    }));

  it('streams AI SDK UI message parts: start, one text block with the exact text, finish, [DONE]', () =>
    run(async ({ url }) => {
      const res = await post(url, { message: 'hello', format: 'ui-message' });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
      const frames = dataFrames(await res.text());
      expect(frames.at(-1)).toBe('[DONE]');
      const parts = frames.slice(0, -1).map((f) => JSON.parse(f) as { type: string; delta?: string });
      expect(parts.map((p) => p.type)).toEqual([
        'start',
        'start-step',
        'text-start',
        ...HELLO_DELTAS.map(() => 'text-delta'),
        'text-end',
        'finish-step',
        'finish',
      ]);
      expect(parts.map((p) => p.delta ?? '').join('')).toBe(HELLO_DELTAS.join(''));
      expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    }));

  it('a failure before any content is a plain HTTP error: 429, retry-after, OpenAI error JSON', () =>
    run(async ({ url }) => {
      const res = await post(url, { message: 'limited' });
      expect(res.status).toBe(429);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.headers.get('retry-after')).toBe('2');
      expect(await res.json()).toMatchObject({
        error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
      });
    }));

  it('a failure after content ends the stream with an error event and no [DONE]', () =>
    run(async ({ url }) => {
      const res = await post(url, { message: 'broken' });
      expect(res.status).toBe(200);
      const frames = dataFrames(await res.text());
      expect(frames).not.toContain('[DONE]');
      expect(openAIText(frames.slice(0, -1))).toBe('partial answer');
      expect(JSON.parse(frames.at(-1)!)).toMatchObject({
        error: { type: 'upstream_error', code: 'stream_interrupted' },
      });
    }));

  it('a failure after content in the UI format: the text block closes, then an error part', () =>
    run(async ({ url }) => {
      const res = await post(url, { message: 'broken', format: 'ui-message' });
      const frames = dataFrames(await res.text());
      const parts = frames.slice(0, -1).map((f) => JSON.parse(f) as { type: string; errorText?: string });
      expect(parts.slice(-2).map((p) => p.type)).toEqual(['text-end', 'error']);
      expect(parts.at(-1)!.errorText).toMatch(/upstream broke/);
      expect(frames.at(-1)).toBe('[DONE]');
    }));

  it('a client that leaves mid-stream aborts the upstream call', () =>
    run(async ({ url }, { adapter }) => {
      const client = new AbortController();
      const res = await post(url, { message: 'slow' }, client.signal);
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toContain('tick 0');
      client.abort();
      await reader.cancel().catch(() => {});
      await vi.waitFor(() => expect(adapter.calls[0]?.result).toBe('aborted'), {
        timeout: 3_000,
        interval: 20,
      });
      // It stopped long before the 200 deltas (4 s) were produced.
      expect(adapter.calls).toHaveLength(1);
    }));
}

/** Serves a fetch handler with @hono/node-server on 127.0.0.1, port 0. */
export async function listen(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<RunningServer> {
  let server!: ReturnType<typeof serve>;
  const { port } = await new Promise<AddressInfo>((resolve) => {
    server = serve({ fetch, hostname: '127.0.0.1', port: 0 }, resolve);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done, fail) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close((error) => (error ? fail(error) : done()));
      }),
  };
}
