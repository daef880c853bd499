/**
 * The OpenAI adapter's direct path (adapters/openai/direct.ts) against the SDK path: the same
 * bytes on the wire, the same errors, the same rate-limit reports, and the SDK path still taken
 * where the direct one cannot stand in for it.
 */
import { gzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OpenAIAdapter } from '../../adapters/openai/index.js';
import type { AdapterCallOptions, AdapterRequest, RateLimitInfo } from '../../src/index.js';
import {
  callOptions,
  collect,
  completion,
  completionResponse,
  errorResponse,
  resetMidBody,
  ScriptedServer,
  streamChunks,
  textChunks,
} from './openai-server.js';
import { hang, json, type RecordedRequest, type Responder, raw, reset } from './scripted-server.js';

const KEY = 'sk-direct-SECRETabcdefghijkl';
const server = ScriptedServer.forTests();
const REQUEST: AdapterRequest = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'héllo "quoted" \n line' }],
  maxOutputTokens: 16,
  temperature: 0.5,
};

type Options = ConstructorParameters<typeof OpenAIAdapter>[0];
/** The default adapter takes the direct path; SDK logging (any level but off) keeps the SDK's. */
const direct = (o: Options = {}) => new OpenAIAdapter({ apiKey: KEY, baseURL: `${server.url}/v1`, ...o });
const viaSdk = (o: Options = {}) => direct({ logLevel: 'error', ...o });

const makeRequest = () =>
  vi.spyOn(OpenAI.prototype as unknown as { makeRequest: () => unknown }, 'makeRequest');
afterEach(() => vi.restoreAllMocks());

/** Answers with `bytes` gzip-compressed. */
function gzipped(status: number, body: string, headers: Record<string, string> = {}): Responder {
  return (_req, res) => {
    res.writeHead(status, { 'content-encoding': 'gzip', ...headers });
    res.end(gzipSync(body));
  };
}

/** What the server saw, minus what differs per connection. */
function wire(r: RecordedRequest): Record<string, unknown> {
  const { host: _host, connection: _connection, ...headers } = r.headers;
  return { method: r.method, url: r.url, headers, raw: r.raw };
}

async function outcome(call: Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await call };
  } catch (error) {
    const e = error as { toJSON?: () => unknown; constructor: { name: string } };
    return { error: e.constructor.name, json: e.toJSON?.() };
  }
}

function recorder(): { options: AdapterCallOptions; reports: RateLimitInfo[] } {
  const reports: RateLimitInfo[] = [];
  return { options: { ...callOptions(), reportRateLimit: (info) => reports.push(info) }, reports };
}

describe('OpenAI adapter direct path', () => {
  it('is taken by default; the SDK path with a caller fetch, SDK logging, per-call headers or Azure', async () => {
    const spy = makeRequest();
    server.setDefault(completionResponse({ content: 'x' }));
    await direct().complete(REQUEST, callOptions());
    server.enqueue(streamChunks(textChunks(['s'])));
    await collect(direct().stream(REQUEST, callOptions()));
    expect(spy).not.toHaveBeenCalled();
    const fetchCalls: string[] = [];
    const mine: typeof fetch = (input, init) => {
      fetchCalls.push(String(input));
      return globalThis.fetch(input, init);
    };
    await direct({ fetch: mine }).complete(REQUEST, callOptions());
    expect(fetchCalls).toHaveLength(1);
    await viaSdk().complete(REQUEST, callOptions());
    await direct().complete({ ...REQUEST, headers: { 'x-trace': 'a' } }, callOptions());
    expect(server.last.headers['x-trace']).toBe('a');
    await direct({ azure: { deployment: 'd', apiVersion: '2024-10-21' } }).complete(REQUEST, callOptions());
    expect(server.last.url).toBe('/v1/deployments/d/chat/completions?api-version=2024-10-21');
    expect(spy).toHaveBeenCalledTimes(4);
  });

  it('sends the same method, path, headers and body bytes as the SDK, plain and streamed', async () => {
    const options: Options = {
      organization: 'org-1',
      project: 'proj-1',
      headers: { 'x-extra': 'yes', 'X-Mixed-Case': 'v' },
      timeoutMs: 30_000,
    };
    for (const stream of [false, true]) {
      const sent: Record<string, unknown>[] = [];
      for (const make of [direct, viaSdk]) {
        server.enqueue(stream ? streamChunks(textChunks(['a', 'b'])) : completionResponse({ content: 'ok' }));
        const adapter = make(options);
        if (stream) await collect(adapter.stream(REQUEST, callOptions()));
        else await adapter.complete(REQUEST, callOptions());
        sent.push(wire(server.last));
      }
      expect(sent[0]).toEqual(sent[1]);
      expect(sent[0]).toMatchObject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: {
          authorization: `Bearer ${KEY}`,
          'openai-organization': 'org-1',
          'openai-project': 'proj-1',
          'x-extra': 'yes',
          'x-mixed-case': 'v',
          'content-type': 'application/json',
        },
      });
    }
  });

  it('sends no Authorization header for a keyless preset, like the SDK', async () => {
    const sent: Record<string, unknown>[] = [];
    for (const make of [direct, viaSdk]) {
      server.enqueue(completionResponse({ content: 'ok' }));
      await make({ preset: 'ollama', apiKey: undefined }).complete(REQUEST, callOptions());
      sent.push(wire(server.last));
    }
    expect(sent[0]).toEqual(sent[1]);
    expect((sent[0] as { headers: Record<string, unknown> }).headers.authorization).toBeUndefined();
  });

  const failures: Array<[string, () => Responder]> = [
    ['400 with an OpenAI error', () => errorResponse(400, 'bad thing', { code: 'invalid_value' })],
    ['400 context length', () => errorResponse(400, 'too long', { code: 'context_length_exceeded' })],
    [
      '429 with retry-after and rate-limit headers',
      () =>
        errorResponse(429, 'slow down', {
          type: 'requests',
          headers: {
            'retry-after': '7',
            'x-ratelimit-remaining-requests': '0',
            'x-ratelimit-limit-requests': '100',
            'x-ratelimit-reset-requests': '6m0s',
          },
        }),
    ],
    [
      '429 with an HTTP date',
      () => errorResponse(429, 'later', { headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' } }),
    ],
    ['401 whose error is a plain string', () => json(401, { error: `Incorrect API key provided: ${KEY}` })],
    ['500 with a non-JSON body', () => raw(500, '<html>oops</html>', { 'content-type': 'text/html' })],
    ['503 with an empty body', () => raw(503, '')],
    ['502 with JSON null', () => raw(502, 'null', { 'content-type': 'application/json' })],
    [
      '404 gzip-compressed',
      () =>
        gzipped(404, JSON.stringify({ error: { message: 'no model', code: 'model_not_found' } }), {
          'content-type': 'application/json',
        }),
    ],
    ['200 with malformed JSON', () => raw(200, '{"id": ', { 'content-type': 'application/json' })],
    ['200 with a text body', () => raw(200, 'plain words', { 'content-type': 'text/plain' })],
    ['200 with no choices', () => json(200, { id: 'x', object: 'chat.completion', choices: [] })],
    ['204', () => raw(204, '')],
    ['a reset before the response', () => reset()],
    ['a reset in the middle of the body', () => resetMidBody()],
  ];
  for (const [name, responder] of failures) {
    it(`fails like the SDK: ${name}`, async () => {
      const seen: unknown[] = [];
      for (const make of [direct, viaSdk]) {
        for (const stream of [false, true]) {
          server.enqueue(responder());
          const { options, reports } = recorder();
          const adapter = make();
          const result = await outcome(
            stream ? collect(adapter.stream(REQUEST, options)) : adapter.complete(REQUEST, options),
          );
          seen.push({ stream, result, reports });
        }
      }
      expect(seen.slice(0, 2)).toEqual(seen.slice(2));
      // The key never leaks from either path.
      expect(JSON.stringify(seen)).not.toContain(KEY);
    });
  }

  it('reads a gzip-compressed answer and reports rate-limit headers on success like the SDK', async () => {
    const body = JSON.stringify(completion({ content: 'zipped' }));
    const seen: unknown[] = [];
    for (const make of [direct, viaSdk]) {
      server.enqueue(
        gzipped(200, body, {
          'content-type': 'application/json',
          'x-ratelimit-remaining-tokens': '900',
          'x-ratelimit-limit-tokens': '1000',
          'x-ratelimit-reset-tokens': '20ms',
        }),
      );
      const { options, reports } = recorder();
      const response = await make().complete(REQUEST, options);
      seen.push({ content: response.content, reports });
    }
    expect(seen[0]).toEqual(seen[1]);
    expect(seen[0]).toMatchObject({
      content: [{ type: 'text', text: 'zipped' }],
      reports: [{ remainingTokens: 900, limitTokens: 1000, resetTokensMs: 20 }],
    });
  });

  it('streams the same parts as the SDK path, with usage, and reports the same rate-limit headroom', async () => {
    const seen: unknown[] = [];
    for (const make of [direct, viaSdk]) {
      const variants: Record<string, string>[] = [
        {},
        { 'X-RateLimit-Remaining-Requests': '4', 'x-ratelimit-reset-requests': '1s' },
      ];
      for (const headers of variants) {
        server.enqueue(
          streamChunks(textChunks(['Hé', 'llo'], { usage: { prompt_tokens: 3, completion_tokens: 2 } }), {
            headers,
          }),
        );
        const { options, reports } = recorder();
        seen.push({ parts: await collect(make().stream(REQUEST, options)), reports });
      }
    }
    expect(seen.slice(0, 2)).toEqual(seen.slice(2));
    expect(seen[0]).toMatchObject({ reports: [] });
    expect(seen[1]).toMatchObject({ reports: [{ remainingRequests: 4, resetRequestsMs: 1000 }] });
  });

  it('times out before the response head with timeout, hangs up, and never times out a slow body', async () => {
    server.enqueue(hang());
    const error = await outcome(direct({ timeoutMs: 60 }).complete(REQUEST, callOptions()));
    expect(error).toMatchObject({ json: { kind: 'timeout', target: 't1' } });
    await server.waitForDisconnects(1);
    // Head in time, body after the timeout: the call completes (the SDK's timeout ends at the head).
    server.enqueue(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"chatcmpl-1",');
      await new Promise((resolve) => setTimeout(resolve, 150));
      res.end(JSON.stringify(completion({ content: 'late' })).slice(1));
    });
    const response = await direct({ timeoutMs: 60 }).complete(REQUEST, callOptions());
    expect(response.content).toEqual([{ type: 'text', text: 'late' }]);
  });

  it('fails with aborted, without a request, when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await outcome(direct().complete(REQUEST, callOptions(controller.signal)));
    expect(error).toMatchObject({ json: { kind: 'aborted' } });
    expect(server.requests).toHaveLength(0);
  });
});
