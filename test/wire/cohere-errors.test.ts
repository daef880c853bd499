/**
 * Cohere adapter error mapping against a local server: every HTTP error kind, transport failures,
 * timeouts, aborts and API-key redaction, for both `complete` and `stream`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CohereError, CohereTimeoutError } from 'cohere-ai';
import { afterEach, describe, expect, it } from 'vitest';
import { toSwitchyardError } from '../../adapters/cohere/errors.js';
import { CohereAdapter } from '../../adapters/cohere/index.js';
import { type AdapterRequest, type ErrorKind, SwitchyardError } from '../../src/index.js';
import { callOptions, chatReply, collect, errorReply } from './cohere-server.js';
import { hang, json, raw, reset, ScriptedServer } from './scripted-server.js';

const KEY = 'co-secret-0123456789abcdef';
const server = ScriptedServer.forTests();
afterEach(() => {
  server.reset();
});

const hi: AdapterRequest = { model: 'command-a-03-2025', messages: [{ role: 'user', content: 'hi' }] };

function adapter(options: ConstructorParameters<typeof CohereAdapter>[0] = {}): CohereAdapter {
  return new CohereAdapter({ apiKey: KEY, baseURL: server.url, ...options });
}

async function completeError(a: CohereAdapter, signal?: AbortSignal): Promise<SwitchyardError> {
  const error = await a.complete(hi, callOptions(signal)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SwitchyardError);
  return error as SwitchyardError;
}

async function streamError(a: CohereAdapter, signal?: AbortSignal): Promise<SwitchyardError> {
  const { parts, error } = await collect(a.stream(hi, callOptions(signal)));
  expect(parts).toEqual([]);
  expect(error).toBeInstanceOf(SwitchyardError);
  return error as SwitchyardError;
}

/** Asserts the key appears nowhere in what a caller could log. */
function expectNoKey(error: SwitchyardError): void {
  expect(error.message).not.toContain(KEY);
  expect(JSON.stringify(error)).not.toContain(KEY);
  expect(JSON.stringify(error.toJSON())).not.toContain(KEY);
  expect(String(error.cause ?? '')).not.toContain(KEY);
}

const httpCases: Array<{ status: number; message: string; kind: ErrorKind; overflow?: boolean }> = [
  { status: 400, message: 'invalid request: temperature must be between 0 and 1', kind: 'invalid_request' },
  {
    status: 400,
    message: 'too many tokens: size limit exceeded by 1043 tokens. Try using shorter or fewer inputs.',
    kind: 'invalid_request',
    overflow: true,
  },
  { status: 401, message: 'invalid api token', kind: 'auth' },
  { status: 402, message: 'please add a payment method', kind: 'auth' },
  { status: 403, message: 'forbidden', kind: 'auth' },
  { status: 404, message: "model 'command-x' not found", kind: 'not_found' },
  { status: 408, message: 'request timeout', kind: 'timeout' },
  { status: 422, message: 'unprocessable entity: messages must not be empty', kind: 'invalid_request' },
  { status: 429, message: 'rate limited', kind: 'rate_limited' },
  { status: 498, message: 'invalid token', kind: 'auth' },
  { status: 500, message: 'internal server error', kind: 'server' },
  { status: 503, message: 'service unavailable', kind: 'server' },
  { status: 504, message: 'gateway timeout', kind: 'server' },
];

describe.each([
  ['complete', completeError],
  ['stream', streamError],
] as const)('CohereAdapter %s errors', (_name, call) => {
  it.each(httpCases)('maps HTTP $status ($message) to $kind', async ({ status, message, kind, overflow }) => {
    server.enqueue(errorReply(status, message));
    const error = await call(adapter());
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.target).toBe('t1');
    expect(error.message).toContain(message);
    expect(error.contextOverflow).toBe(overflow ?? false);
    expect(server.requests).toHaveLength(1); // the SDK did not retry
  });

  it('reads Retry-After on 429', async () => {
    server.enqueue(errorReply(429, 'slow down', { 'retry-after': '3' }));
    const error = await call(adapter());
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(3000);
    expect(error.retryable).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps a non-JSON error body as the message', async () => {
    server.enqueue(raw(502, 'Bad gateway from the proxy', { 'content-type': 'text/plain' }));
    const error = await call(adapter());
    expect(error.kind).toBe('server');
    expect(error.message).toContain('Bad gateway from the proxy');
  });

  it('maps a connection reset to connection', async () => {
    server.enqueue(reset());
    const error = await call(adapter());
    expect(error.kind).toBe('connection');
    expect(error.target).toBe('t1');
    expect(error.retryable).toBe(true);
  });

  it('maps a refused connection to connection', async () => {
    const error = await call(adapter({ baseURL: await closedPortUrl() }));
    expect(error.kind).toBe('connection');
    expect(error.target).toBe('t1');
  });

  it('maps the SDK timeout to timeout, promptly, and closes the connection', async () => {
    server.enqueue(hang());
    const started = performance.now();
    const error = await call(adapter({ timeoutMs: 100 }));
    expect(error.kind).toBe('timeout');
    expect(error.target).toBe('t1');
    expect(performance.now() - started).toBeLessThan(2000);
    await server.waitForDisconnects(1);
  });

  it('maps a caller abort while waiting for headers to aborted, promptly, and closes the connection', async () => {
    server.enqueue(hang());
    const controller = new AbortController();
    const pending = call(adapter(), controller.signal);
    // Abort once the request is there: the first call of a process also loads the SDK.
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    const started = performance.now();
    controller.abort();
    const error = await pending;
    expect(error.kind).toBe('aborted');
    expect(error.target).toBe('t1');
    expect(performance.now() - started).toBeLessThan(1000);
    await server.waitForDisconnects(1);
  });

  it('rejects at once, without a request, when the signal is already aborted', async () => {
    const error = await call(adapter(), AbortSignal.abort());
    expect(error.kind).toBe('aborted');
    expect(server.requests).toHaveLength(0);
  });

  it("rejects with the router's abort reason (deadline → timeout)", async () => {
    server.enqueue(hang());
    const controller = new AbortController();
    setTimeout(() => controller.abort(new SwitchyardError('timeout', 'deadline exceeded')), 50);
    const error = await call(adapter(), controller.signal);
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('deadline exceeded');
    expect(error.target).toBe('t1');
  });

  it('never lets the API key into a message, toJSON() or the cause', async () => {
    server.enqueue(
      errorReply(401, `invalid api token: ${KEY}`),
      raw(500, `upstream said Authorization: Bearer ${KEY}`, { 'content-type': 'text/plain' }),
    );
    const a = adapter();
    const unauthorized = await call(a);
    expect(unauthorized.kind).toBe('auth');
    expect(unauthorized.message).toContain('[redacted]');
    expectNoKey(unauthorized);
    const serverError = await call(a);
    expect(serverError.kind).toBe('server');
    expectNoKey(serverError);
  });
});

describe('CohereAdapter SDK workarounds', () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  it('leaves no SDK timer running after a refused connection or an abort', async () => {
    const a = adapter({ baseURL: await closedPortUrl(), timeoutMs: 60_000 });
    const before = timers();
    for (let i = 0; i < 5; i++) expect((await completeError(a)).kind).toBe('connection');
    server.enqueue(hang());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    expect((await streamError(adapter({ timeoutMs: 60_000 }), controller.signal)).kind).toBe('aborted');
    // Without the fetch wrapper, each failure above would leave a 60 s timer behind.
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it("maps the SDK's own timeout errors (what cohere-ai does without the fetch wrapper)", () => {
    const context = { target: 't1', signal: new AbortController().signal, apiKey: KEY };
    const sdkTimeout = toSwitchyardError(
      new CohereTimeoutError('Timeout exceeded when calling POST /v2/chat.'),
      context,
    );
    expect(sdkTimeout.kind).toBe('timeout');
    const reasonTimeout = toSwitchyardError(
      new CohereError({ message: '"timeout"', cause: 'timeout' }),
      context,
    );
    expect(reasonTimeout.kind).toBe('timeout');
    expect(reasonTimeout.target).toBe('t1');
    const domTimeout = toSwitchyardError(
      new CohereError({ message: 'timed out', cause: new DOMException('timed out', 'TimeoutError') }),
      context,
    );
    expect(domTimeout.kind).toBe('timeout');
  });
});

describe('CohereAdapter error bodies', () => {
  it('shows a JSON body without `message` as JSON, and keeps a provider `code`', async () => {
    server.enqueue(json(400, { detail: 'bad field' }), json(400, { message: 'nope', code: 'some_code' }));
    const a = adapter();
    const noMessage = await completeError(a);
    expect(noMessage.kind).toBe('invalid_request');
    expect(noMessage.message).toContain('{"detail":"bad field"}');
    const withCode = await completeError(a);
    expect(withCode.code).toBe('some_code');
  });

  it('falls back to the status when the body is empty', async () => {
    server.enqueue(raw(503, '', { 'content-type': 'application/json' }));
    const error = await completeError(adapter());
    expect(error.kind).toBe('server');
    expect(error.message).toContain('HTTP 503');
  });
});

describe('CohereAdapter errors from the custom fetch', () => {
  it('maps an exception of the fetch function to connection, redacting the key', async () => {
    const failing: typeof fetch = async () => {
      throw Object.assign(new Error(`socket hang up (key ${KEY})`), { code: 'ECONNRESET' });
    };
    const error = await completeError(adapter({ fetch: failing }));
    expect(error.kind).toBe('connection');
    expect(error.message).not.toContain(KEY);
  });

  it('maps an unknown exception to connection with its (redacted) text', async () => {
    const failing: typeof fetch = async () => {
      throw new Error(`weird failure ${KEY}`);
    };
    const error = await streamError(adapter({ fetch: failing }));
    expect(error.kind).toBe('connection');
    expect(error.message).toContain('weird failure');
    expect(error.message).not.toContain(KEY);
  });

  it('succeeds again after a failure (no state left behind)', async () => {
    server.enqueue(errorReply(500, 'boom'), chatReply({ text: 'ok' }));
    const a = adapter();
    await completeError(a);
    const res = await a.complete(hi, callOptions());
    expect(res.content).toEqual([{ type: 'text', text: 'ok' }]);
  });
});

/** A URL on 127.0.0.1 where nothing listens. */
async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
