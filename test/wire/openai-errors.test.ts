import { createServer } from 'node:net';
import { OpenAIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { toSwitchyardError } from '../../adapters/openai/errors.js';
import { OpenAIAdapter } from '../../adapters/openai/index.js';
import { type AdapterRequest, SwitchyardError } from '../../src/index.js';
import { callOptions, collect, errorResponse, resetMidBody, ScriptedServer } from './openai-server.js';
import { hang, json, raw, reset } from './scripted-server.js';

const KEY = 'sk-errors-SECRETabcdefghijkl';
const server = ScriptedServer.forTests();

function adapter(options: ConstructorParameters<typeof OpenAIAdapter>[0] = {}): OpenAIAdapter {
  return new OpenAIAdapter({ apiKey: KEY, baseURL: `${server.url}/v1`, ...options });
}

const REQUEST: AdapterRequest = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

async function failure(call: Promise<unknown>): Promise<SwitchyardError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SwitchyardError);
  return error as SwitchyardError;
}

describe('HTTP errors', () => {
  const cases: Array<[string, number, Parameters<typeof errorResponse>[2], Partial<SwitchyardError>]> = [
    [
      '400',
      400,
      { code: 'invalid_value' },
      { kind: 'invalid_request', retryable: false, contextOverflow: false, code: 'invalid_value' },
    ],
    ['401', 401, { code: 'invalid_api_key' }, { kind: 'auth', retryable: false }],
    ['403', 403, { type: 'permission_error' }, { kind: 'auth' }],
    ['404', 404, { code: 'model_not_found' }, { kind: 'not_found' }],
    ['408', 408, {}, { kind: 'timeout', retryable: true }],
    ['409', 409, {}, { kind: 'server', retryable: true }],
    ['422', 422, {}, { kind: 'invalid_request' }],
    ['500', 500, { type: 'server_error' }, { kind: 'server', retryable: true }],
    ['503', 503, { type: 'server_error' }, { kind: 'server', retryable: true }],
    [
      'insufficient_quota',
      429,
      { type: 'insufficient_quota', code: 'insufficient_quota' },
      { kind: 'auth', code: 'insufficient_quota' },
    ],
  ];
  for (const [name, status, options, expected] of cases) {
    it(`maps ${name}`, async () => {
      server.enqueue(errorResponse(status, `problem ${name}`, options));
      const error = await failure(adapter().complete(REQUEST, callOptions()));
      expect(error).toMatchObject({ status, target: 't1', ...expected });
      expect(error.message).toContain(`problem ${name}`);
      expect(error.message).not.toMatch(/^\w+.*\(HTTP \d+\): \d{3} /); // no doubled status prefix
      expect(server.requests).toHaveLength(1); // the SDK never retries
    });
  }

  it('keeps contextOverflow for a context-length 400', async () => {
    server.enqueue(
      errorResponse(
        400,
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
        {
          code: 'context_length_exceeded',
        },
      ),
    );
    const error = await failure(adapter().complete(REQUEST, callOptions()));
    expect(error).toMatchObject({
      kind: 'invalid_request',
      contextOverflow: true,
      code: 'context_length_exceeded',
    });
  });

  it.each([
    ['retry-after: 2', { 'retry-after': '2' }, 2000],
    ['retry-after-ms', { 'retry-after-ms': '1500' }, 1500],
    ['x-ratelimit-reset-requests: 1m30s', { 'x-ratelimit-reset-requests': '1m30s' }, 90_000],
  ])('maps 429 with %s', async (_name, headers, expected) => {
    server.enqueue(
      errorResponse(429, 'Rate limit reached', { type: 'requests', code: 'rate_limit_exceeded', headers }),
    );
    const error = await failure(adapter().complete(REQUEST, callOptions()));
    expect(error).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      retryAfterMs: expected,
      retryable: true,
      target: 't1',
    });
  });

  it('maps 429 with an HTTP date', async () => {
    const date = new Date(Date.now() + 5000).toUTCString();
    server.enqueue(errorResponse(429, 'Rate limit reached', { headers: { 'retry-after': date } }));
    const error = await failure(adapter().complete(REQUEST, callOptions()));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBeGreaterThan(3000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(5000);
  });

  it('maps an error body whose error is a plain string', async () => {
    server.enqueue(json(400, { error: 'model is required' }));
    const error = await failure(adapter().complete(REQUEST, callOptions()));
    expect(error).toMatchObject({ kind: 'invalid_request', status: 400 });
    expect(error.message).toMatch(/: model is required$/);
  });

  it('maps a non-JSON error body', async () => {
    server.enqueue(raw(502, '<html>Bad gateway</html>', { 'content-type': 'text/html' }));
    const error = await failure(adapter().complete(REQUEST, callOptions()));
    expect(error).toMatchObject({ kind: 'server', status: 502 });
    expect(error.message).toContain('Bad gateway');
  });

  it('maps errors of streaming requests the same way', async () => {
    server.enqueue(errorResponse(401, 'bad key', { code: 'invalid_api_key' }));
    await expect(collect(adapter().stream(REQUEST, callOptions()))).rejects.toMatchObject({
      kind: 'auth',
      status: 401,
    });
  });
});

describe('transport errors', () => {
  it('maps connection refused (closed port) to connection', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const a = new OpenAIAdapter({ apiKey: KEY, baseURL: `http://127.0.0.1:${port}/v1` });
    const error = await failure(a.complete(REQUEST, callOptions()));
    expect(error).toMatchObject({ kind: 'connection', retryable: true, target: 't1', code: 'ECONNREFUSED' });
  });

  it('maps a reset before the response to connection', async () => {
    server.enqueue(reset());
    const error = await failure(adapter().complete(REQUEST, callOptions()));
    expect(error).toMatchObject({ kind: 'connection', target: 't1' });
  });

  it('maps a reset in the middle of the response body to connection', async () => {
    server.enqueue(resetMidBody());
    const error = await failure(adapter().complete(REQUEST, callOptions()));
    expect(error).toMatchObject({ kind: 'connection', target: 't1' });
  });

  it('maps the SDK timeout to timeout', async () => {
    server.enqueue(hang());
    const error = await failure(adapter({ timeoutMs: 50 }).complete(REQUEST, callOptions()));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true, target: 't1' });
    await server.waitForDisconnects(1);
  });
});

describe('secrets', () => {
  it('never puts the API key in an error message or its toJSON()', async () => {
    const keys = [KEY, 'gsk_live_0123456789SECRET'];
    for (const apiKey of keys) {
      server.enqueue(
        errorResponse(
          401,
          `Incorrect API key provided: ${apiKey}. You can find your key at https://example.com.`,
          {
            code: 'invalid_api_key',
          },
        ),
      );
      const error = await failure(adapter({ apiKey }).complete(REQUEST, callOptions()));
      expect(error.message).toContain('[redacted]');
      expect(error.message).not.toContain(apiKey);
      expect(JSON.stringify(error.toJSON())).not.toContain(apiKey);
      expect(server.last.headers.authorization).toBe(`Bearer ${apiKey}`);
    }
  });

  it('redacts the key from transport and stream error messages', () => {
    const signal = new AbortController().signal;
    const secret = 'custom-secret-value-1234';
    const fromTransport = toSwitchyardError(new Error(`socket failed for ${secret}`), {
      target: 't1',
      signal,
      apiKey: secret,
    });
    expect(fromTransport.kind).toBe('connection');
    expect(fromTransport.message).not.toContain(secret);
    const fromSyntax = toSwitchyardError(new SyntaxError(`Unexpected token in ${secret}`), {
      target: 't1',
      signal,
      apiKey: secret,
    });
    expect(fromSyntax.kind).toBe('server');
    expect(fromSyntax.message).not.toContain(secret);
  });

  it('maps other SDK errors to server', async () => {
    const signal = new AbortController().signal;
    const error = toSwitchyardError(new OpenAIError('Attempted to iterate over a response with no body'), {
      target: 't1',
      signal,
      apiKey: undefined,
      sdk: await import('openai'),
    });
    expect(error).toMatchObject({ kind: 'server', target: 't1' });
  });

  it('stamps the target on a SwitchyardError that has none and keeps one that has', () => {
    const signal = new AbortController().signal;
    const ctx = { target: 't1', signal, apiKey: undefined };
    expect(toSwitchyardError(new SwitchyardError('server', 'x'), ctx).target).toBe('t1');
    expect(toSwitchyardError(new SwitchyardError('server', 'x', { target: 't0' }), ctx).target).toBe('t0');
  });
});
