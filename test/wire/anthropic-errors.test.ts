import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AnthropicAdapter } from '../../adapters/anthropic/index.js';
import {
  type AdapterCallOptions,
  type AdapterRequest,
  type ErrorKind,
  isSwitchyardError,
  type SwitchyardError,
  systemClock,
} from '../../src/index.js';
import { apiError, textEvents } from './anthropic-server.js';
import { hang, raw, reset, ScriptedServer, sse } from './scripted-server.js';

const KEY = 'sk-ant-api03-secret-errors-0123456789';

const server = ScriptedServer.forTests();
afterEach(() => server.reset());

const adapter = (options: { baseURL?: string; timeoutMs?: number } = {}) =>
  new AnthropicAdapter({ apiKey: KEY, baseURL: server.url, ...options });

function call(signal: AbortSignal = new AbortController().signal): AdapterCallOptions {
  return { signal, target: 't1', clock: systemClock, deadline: Number.POSITIVE_INFINITY };
}

const request: AdapterRequest = { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] };

async function failure(promise: Promise<unknown>): Promise<SwitchyardError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSwitchyardError(error)) throw new Error(`expected a SwitchyardError, got ${String(error)}`);
  return error;
}

/** The first `next()` of a stream, as a promise that rejects when the call fails. */
async function firstPart(a: AnthropicAdapter, signal?: AbortSignal): Promise<unknown> {
  return (await a.stream(request, call(signal))[Symbol.asyncIterator]().next()).value;
}

function expectNoKey(error: SwitchyardError): void {
  expect(error.message).not.toContain(KEY);
  expect(JSON.stringify(error.toJSON())).not.toContain(KEY);
  expect(JSON.stringify(error.toJSON())).not.toContain('secret-errors');
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('AnthropicAdapter HTTP errors', () => {
  const cases: Array<{
    name: string;
    status: number;
    type: string;
    message: string;
    kind: ErrorKind;
    retryable: boolean;
    contextOverflow?: boolean;
  }> = [
    {
      name: 'bad request',
      status: 400,
      type: 'invalid_request_error',
      message: 'messages: field required',
      kind: 'invalid_request',
      retryable: false,
    },
    {
      name: 'prompt too long',
      status: 400,
      type: 'invalid_request_error',
      message: 'prompt is too long: 210000 tokens > 200000 maximum',
      kind: 'invalid_request',
      retryable: false,
      contextOverflow: true,
    },
    {
      name: 'bad key',
      status: 401,
      type: 'authentication_error',
      message: `invalid x-api-key ${KEY}`,
      kind: 'auth',
      retryable: false,
    },
    {
      name: 'forbidden',
      status: 403,
      type: 'permission_error',
      message: 'no access to this model',
      kind: 'auth',
      retryable: false,
    },
    {
      name: 'unknown model',
      status: 404,
      type: 'not_found_error',
      message: 'model: claude-nope',
      kind: 'not_found',
      retryable: false,
    },
    {
      name: 'too large',
      status: 413,
      type: 'request_too_large',
      message: 'Request exceeds the maximum size',
      kind: 'invalid_request',
      retryable: false,
    },
    {
      name: 'server error',
      status: 500,
      type: 'api_error',
      message: 'Internal server error',
      kind: 'server',
      retryable: true,
    },
    {
      name: 'overloaded',
      status: 529,
      type: 'overloaded_error',
      message: 'Overloaded',
      kind: 'server',
      retryable: true,
    },
    {
      name: 'billing',
      status: 402,
      type: 'billing_error',
      message: 'Payment required',
      kind: 'auth',
      retryable: false,
    },
    {
      name: 'credit balance',
      status: 400,
      type: 'invalid_request_error',
      message: 'Your credit balance is too low to access the Anthropic API.',
      kind: 'auth',
      retryable: false,
    },
  ];

  for (const c of cases) {
    it(`maps ${c.status} ${c.type} (${c.name}) to ${c.kind}`, async () => {
      server.enqueue(apiError(c.status, c.type, c.message));
      const error = await failure(adapter().complete(request, call()));
      expect(error.kind).toBe(c.kind);
      expect(error.status).toBe(c.status);
      expect(error.code).toBe(c.type);
      expect(error.target).toBe('t1');
      expect(error.retryable).toBe(c.retryable);
      expect(error.contextOverflow).toBe(c.contextOverflow ?? false);
      expect(error.message).toContain(`target 't1'`);
      expectNoKey(error);
    });
  }

  it('rejects the first next() of a stream with the same mapping', async () => {
    server.enqueue(apiError(529, 'overloaded_error', 'Overloaded'));
    const error = await failure(firstPart(adapter()));
    expect(error).toMatchObject({ kind: 'server', status: 529, code: 'overloaded_error', target: 't1' });
  });

  it('maps 429 with retry-after seconds to rate_limited with retryAfterMs', async () => {
    server.enqueue(
      apiError(429, 'rate_limit_error', 'Number of request tokens has exceeded your rate limit', {
        'retry-after': '7',
      }),
    );
    const error = await failure(adapter().complete(request, call()));
    expect(error).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      code: 'rate_limit_error',
      retryAfterMs: 7000,
      retryable: true,
    });
  });

  it('maps 429 with an HTTP-date retry-after', async () => {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 30_000);
    server.enqueue(apiError(429, 'rate_limit_error', 'slow down', { 'retry-after': at.toUTCString() }));
    const error = await failure(adapter().complete(request, call()));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(31_000);
  });

  it('maps 429 with only anthropic-ratelimit reset headers', async () => {
    const at = new Date(Date.now() + 20_000).toISOString();
    server.enqueue(
      apiError(429, 'rate_limit_error', 'slow down', { 'anthropic-ratelimit-tokens-reset': at }),
    );
    const error = await failure(adapter().complete(request, call()));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBeGreaterThan(15_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(20_000);
  });

  it('maps an error without an Anthropic body by status', async () => {
    server.enqueue(raw(503, 'upstream connect error', { 'content-type': 'text/plain' }));
    const error = await failure(adapter().complete(request, call()));
    expect(error).toMatchObject({ kind: 'server', status: 503, code: undefined, target: 't1' });
    expect(error.message).toContain('upstream connect error');
  });

  it('maps malformed JSON in a 200 response to server', async () => {
    server.enqueue(raw(200, '{"id": "msg_1", "content": [', { 'content-type': 'application/json' }));
    const error = await failure(adapter().complete(request, call()));
    expect(error).toMatchObject({ kind: 'server', target: 't1' });
    expect(error.message).toContain('malformed JSON');
  });
});

describe('AnthropicAdapter transport errors', () => {
  it('maps a refused connection to connection', async () => {
    const a = adapter({ baseURL: `http://127.0.0.1:${await closedPort()}` });
    const error = await failure(a.complete(request, call()));
    expect(error).toMatchObject({ kind: 'connection', code: 'ECONNREFUSED', target: 't1', retryable: true });
    expectNoKey(error);
    const streamed = await failure(firstPart(a));
    expect(streamed).toMatchObject({ kind: 'connection', code: 'ECONNREFUSED' });
  });

  it('maps a reset connection to connection', async () => {
    server.enqueue(reset(), reset());
    const error = await failure(adapter().complete(request, call()));
    expect(error).toMatchObject({ kind: 'connection', target: 't1', retryable: true });
    expectNoKey(error);
    expect(await failure(firstPart(adapter()))).toMatchObject({ kind: 'connection' });
  });

  it('maps the client timeout to timeout', async () => {
    server.enqueue(hang());
    const error = await failure(adapter({ timeoutMs: 100 }).complete(request, call()));
    expect(error).toMatchObject({ kind: 'timeout', target: 't1', retryable: true });
    expect(error.message).toContain('100 ms');
    await server.waitForDisconnects(1);
  });

  it('rejects with aborted and closes the connection when the caller aborts a pending call', async () => {
    server.enqueue(hang());
    const controller = new AbortController();
    const pending = failure(adapter().complete(request, call(controller.signal)));
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    controller.abort();
    const error = await pending;
    expect(error).toMatchObject({ kind: 'aborted', target: 't1', retryable: false });
    await server.waitForDisconnects(1);
  });

  it('never puts the API key in a message, even when the server echoes it', async () => {
    server.enqueue(apiError(400, 'invalid_request_error', `bad header x-api-key: ${KEY} (Bearer ${KEY})`));
    const error = await failure(adapter().complete(request, call()));
    expectNoKey(error);
    expect(error.message).toContain('[redacted]');
  });

  it('keeps working after an error: the next call on the same adapter succeeds', async () => {
    const a = adapter();
    server.enqueue(apiError(529, 'overloaded_error', 'Overloaded'), sse(textEvents(['fine'])));
    await failure(a.complete(request, call()));
    const parts = [];
    for await (const part of a.stream(request, call())) parts.push(part);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });
});
