import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Router, SwitchyardError } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { collectMetrics } from '../metrics/index.js';
import { masterKeyAuth } from './auth.js';
import { createGateway } from './gateway.js';
import {
  chatBody,
  hangingStream,
  JSON_HEADERS,
  postChat,
  send,
  startGateway,
  type TestGateway,
} from './test-helpers.js';

let current: TestGateway | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function start(...args: Parameters<typeof startGateway>): Promise<TestGateway> {
  current = await startGateway(...args);
  return current;
}

describe('POST /v1/chat/completions', () => {
  it('answers a chat.completion mapped from the router response', async () => {
    const gw = await start([{ text: 'Hi there', usage: { inputTokens: 7, outputTokens: 3 } }]);
    const answer = await postChat(gw.port, { temperature: 0.5 });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['x-switchyard-request-id']).toBeTypeOf('string');
    const body = answer.json();
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'mock-model',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
    });
    expect(String(body.id)).toMatch(/^chatcmpl-[A-Za-z0-9_-]{13,}$/);
    const again = await postChat(gw.port);
    expect(again.json().id).not.toBe(body.id);
    expect(gw.adapter.calls[0]!.request).toMatchObject({ model: 'mock-model', temperature: 0.5 });
  });

  it('passes the routing hints to the router: strategy, tags, timeout', async () => {
    const gw = await start([{ text: 'ok' }]);
    const seen: Array<{ strategy: string; tags?: readonly string[] }> = [];
    gw.router.on('request:start', (e) => seen.push({ strategy: e.strategy, tags: e.tags }));
    const answer = await send(gw.port, 'POST', '/v1/chat/completions', chatBody(), {
      ...JSON_HEADERS,
      'x-switchyard-strategy': 'round-robin',
      'x-switchyard-tags': 'team:search, env=prod',
      'x-switchyard-timeout-ms': '5000',
    });
    expect(answer.status).toBe(200);
    expect(seen).toEqual([{ strategy: 'round-robin', tags: ['team:search', 'env=prod'] }]);
  });

  it('a per-call timeout hint ends a slow call with a 504', async () => {
    const gw = await start([{ text: 'late', delayMs: 5_000 }]);
    const answer = await send(gw.port, 'POST', '/v1/chat/completions', chatBody(), {
      ...JSON_HEADERS,
      'x-switchyard-timeout-ms': '30',
    });
    expect(answer.status).toBe(504);
    expect(answer.json().error).toMatchObject({ type: 'timeout_error', code: 'upstream_timeout' });
    expect(gw.adapter.calls[0]!.result).toBe('aborted');
  });

  it.each([
    ['x-switchyard-strategy', 'no-such-strategy'],
    ['x-switchyard-strategy', '../../etc/passwd'],
    ['x-switchyard-tags', 'ok,not ok'],
    ['x-switchyard-tags', Array.from({ length: 17 }, (_, i) => `t${i}`).join(',')],
    ['x-switchyard-timeout-ms', '0'],
    ['x-switchyard-timeout-ms', '1e3'],
    ['x-switchyard-timeout-ms', '999999999'],
  ])(
    'rejects a malformed hint %s: %s with a 400 naming the header, and no upstream call',
    async (name, value) => {
      const gw = await start([{ text: 'ok' }]);
      const answer = await send(gw.port, 'POST', '/v1/chat/completions', chatBody(), {
        ...JSON_HEADERS,
        [name]: value,
      });
      expect(answer.status).toBe(400);
      expect(answer.json().error?.param).toBe(name);
      if (value.length > 3) expect(answer.text).not.toContain(value);
      expect(gw.adapter.calls).toHaveLength(0);
    },
  );

  it('refuses a header injection attempt at the HTTP layer with a 400 JSON, and keeps serving', async () => {
    const gw = await start([{ text: 'ok' }]);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(gw.port, '127.0.0.1');
      let text = '';
      socket.on('data', (d) => {
        text += d.toString();
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      const body = chatBody();
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-switchyard-tags: a\rset-cookie: x=1\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      );
    });
    expect(raw).toMatch(/^HTTP\/1.1 400/);
    expect(raw).not.toMatch(/set-cookie/i);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)).error.code).toBe('bad_request');
    expect(gw.adapter.calls).toHaveLength(0);
    expect((await postChat(gw.port)).status).toBe(200);
  });

  it('unknown model: 404 model_not_found, no upstream call', async () => {
    const gw = await start([{ text: 'ok' }]);
    const answer = await postChat(gw.port, { model: 'gpt-9' });
    expect(answer.status).toBe(404);
    expect(answer.json().error).toMatchObject({ code: 'model_not_found', param: 'model' });
    expect(gw.adapter.calls).toHaveLength(0);
  });

  it('the target model works as `model` too', async () => {
    const gw = await start([{ text: 'ok' }]);
    const answer = await postChat(gw.port, { model: 'mock-model' });
    expect(answer.status).toBe(200);
  });

  it.each([
    [429, 429, 'rate_limit_exceeded', '3'],
    [503, 502, 'server', undefined],
    [401, 502, 'upstream_auth_failed', undefined],
    [400, 400, null, undefined],
  ])('upstream %i → %i (%s)', async (upstream, status, code, retryAfter) => {
    const gw = await start([
      { error: { status: upstream, retryAfterMs: 2_500, message: 'upstream says no' } },
    ]);
    const answer = await postChat(gw.port);
    expect(answer.status).toBe(status);
    expect(answer.json().error?.code).toBe(code);
    expect(answer.headers['retry-after']).toBe(retryAfter);
    expect(answer.text).not.toMatch(/at .*\.ts:\d+/); // no stack
  });

  it('wrong content type: 415, nothing reaches the upstream', async () => {
    const gw = await start([{ text: 'ok' }]);
    const answer = await send(gw.port, 'POST', '/v1/chat/completions', chatBody(), {
      'content-type': 'text/plain',
    });
    expect(answer.status).toBe(415);
    expect(answer.json().error?.code).toBe('unsupported_media_type');
    expect(gw.adapter.calls).toHaveLength(0);
  });

  it('malformed JSON: 400 invalid_json', async () => {
    const gw = await start([{ text: 'ok' }]);
    const answer = await send(gw.port, 'POST', '/v1/chat/completions', '{"model": "fast",', JSON_HEADERS);
    expect(answer.status).toBe(400);
    expect(answer.json().error?.code).toBe('invalid_json');
  });

  it('a body over the limit: 413, by content-length or by counting a chunked body', async () => {
    const gw = await start([{ text: 'ok' }], { maxBodyBytes: 1_000 });
    const big = chatBody({ messages: [{ role: 'user', content: 'x'.repeat(2_000) }] });
    const declared = await send(gw.port, 'POST', '/v1/chat/completions', big, JSON_HEADERS);
    expect(declared.status).toBe(413);
    expect(declared.json().error?.code).toBe('body_too_large');
    const chunked = await send(gw.port, 'POST', '/v1/chat/completions', big, {
      ...JSON_HEADERS,
      'transfer-encoding': 'chunked',
    });
    expect(chunked.status).toBe(413);
    expect(gw.adapter.calls).toHaveLength(0);
    expect((await postChat(gw.port)).status).toBe(200);
  });

  it('a message list OpenAI would reject: 400 naming the field', async () => {
    const gw = await start([{ text: 'ok' }]);
    const answer = await postChat(gw.port, {
      messages: [{ role: 'tool', tool_call_id: 'call_1', content: 'x' }],
    });
    expect(answer.status).toBe(400);
    expect(answer.json().error?.param).toBe('messages[0].tool_call_id');
    expect(gw.adapter.calls).toHaveLength(0);
  });
});

describe('budgets', () => {
  it("a call the principal's budget cannot cover: 429 budget_exceeded with retry-after, no upstream call", async () => {
    const adapter = new MockAdapter([{ text: 'ok' }]);
    const router = new Router({
      targets: [{ id: 't', model: 'm', adapter, price: { inputPerMTok: 1_000, outputPerMTok: 1_000 } }],
      budgets: [{ scope: { user: 'alice' }, limitUsd: 0.000_001, period: 'day' }],
    });
    const gateway = createGateway(router, {
      port: 0,
      authenticate: () => ({ id: 'key-1', user: 'alice', key: 'k1' }),
    });
    const { port } = await gateway.start();
    try {
      const answer = await send(
        port,
        'POST',
        '/v1/chat/completions',
        JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello' }], max_tokens: 100 }),
        JSON_HEADERS,
      );
      expect(answer.status).toBe(429);
      expect(answer.json().error).toMatchObject({ type: 'insufficient_quota', code: 'budget_exceeded' });
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      expect(adapter.calls).toHaveLength(0);
    } finally {
      await gateway.stop();
      await router.close();
    }
  });
});

describe('other routes', () => {
  it('GET /v1/models lists aliases and target models', async () => {
    const gw = await start([{ text: 'ok' }]);
    const answer = await send(gw.port, 'GET', '/v1/models');
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({
      object: 'list',
      data: [
        { id: 'fast', object: 'model', created: 0, owned_by: 'switchyard' },
        { id: 'mock-model', object: 'model', created: 0, owned_by: 'mock' },
      ],
    });
  });

  it('GET /healthz answers 200; GET /readyz follows target availability', async () => {
    const gw = await start([{ error: { status: 429, retryAfterMs: 60_000 } }]);
    expect((await send(gw.port, 'GET', '/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await send(gw.port, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', models: { fast: 1, 'mock-model': 1 } });
    // A 429 with Retry-After blocks the only target: not ready until it passes.
    expect((await postChat(gw.port)).status).toBe(429);
    const blocked = await send(gw.port, 'GET', '/readyz');
    expect(blocked.status).toBe(503);
    expect(blocked.json()).toEqual({ status: 'not_ready', models: { fast: 0, 'mock-model': 0 } });
  });

  it('unknown routes: 404 JSON without echoing the path; wrong method: 405 with allow', async () => {
    const gw = await start([{ text: 'ok' }]);
    const traversal = await send(gw.port, 'GET', '/../../etc/passwd');
    expect(traversal.status).toBe(404);
    expect(traversal.text).not.toContain('passwd');
    expect((await send(gw.port, 'GET', '/metrics')).status).toBe(404); // no collector given
    const wrong = await send(gw.port, 'GET', '/v1/chat/completions');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
  });

  it('GET /metrics serves the collector in the Prometheus format', async () => {
    const adapter = new MockAdapter([{ text: 'ok' }]);
    const router = new Router({ targets: [{ id: 't', model: 'm', adapter }] });
    const metrics = collectMetrics(router);
    const gateway = createGateway(router, { port: 0, metrics });
    const { port } = await gateway.start();
    try {
      await send(
        port,
        'POST',
        '/v1/chat/completions',
        JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
        JSON_HEADERS,
      );
      const answer = await send(port, 'GET', '/metrics');
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toContain('text/plain');
      expect(answer.text).toMatch(/switchyard_requests_total\{[^}]*\} 1/);
    } finally {
      await gateway.stop();
      metrics.close();
      await router.close();
    }
  });
});

describe('authentication', () => {
  const key = 'sk-master-0123456789abcdef';

  it('with masterKeyAuth: no key or a wrong key is 401, the key is 200; health stays open', async () => {
    const gw = await start([{ text: 'ok' }], { authenticate: masterKeyAuth(key) });
    const none = await postChat(gw.port);
    expect(none.status).toBe(401);
    expect(none.json().error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    const wrong = await send(gw.port, 'GET', '/v1/models', undefined, { authorization: `Bearer ${key}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain(key);
    const right = await send(gw.port, 'POST', '/v1/chat/completions', chatBody(), {
      ...JSON_HEADERS,
      authorization: `Bearer ${key}`,
    });
    expect(right.status).toBe(200);
    expect((await send(gw.port, 'GET', '/healthz')).status).toBe(200);
    expect(gw.adapter.calls).toHaveLength(1);
  });

  it('a hook that throws a 403 auth error answers 403; the principal tags the call', async () => {
    const seen: Array<readonly string[] | undefined> = [];
    const gw = await start([{ text: 'ok' }], {
      authenticate: ({ headers }) => {
        if (headers['x-team'] === 'blocked')
          throw new SwitchyardError('auth', 'blocked team', { status: 403 });
        return { id: 'user-1', tags: ['team:a'] };
      },
    });
    gw.router.on('request:start', (e) => seen.push(e.tags));
    const blocked = await send(gw.port, 'POST', '/v1/chat/completions', chatBody(), {
      ...JSON_HEADERS,
      'x-team': 'blocked',
    });
    expect(blocked.status).toBe(403);
    expect(blocked.json().error?.type).toBe('permission_error');
    const ok = await send(gw.port, 'POST', '/v1/chat/completions', chatBody(), {
      ...JSON_HEADERS,
      'x-switchyard-tags': 'x',
    });
    expect(ok.status).toBe(200);
    expect(seen).toEqual([['team:a', 'x']]);
  });
});

describe('client disconnect and shutdown', () => {
  it('a client that disconnects aborts the upstream call', async () => {
    let upstreamSignal: AbortSignal | undefined;
    const gw = await start((_req, info) => {
      upstreamSignal = info.signal;
      return { text: 'slow', delayMs: 10_000 };
    });
    const aborted = new Promise<void>((resolve) => {
      const socket = connect(gw.port, '127.0.0.1', () => {
        const body = chatBody();
        socket.write(
          `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
        );
        const poll = setInterval(() => {
          if (upstreamSignal === undefined) return;
          clearInterval(poll);
          upstreamSignal.addEventListener('abort', () => resolve(), { once: true });
          socket.destroy();
        }, 5);
      });
    });
    await aborted;
    expect(upstreamSignal?.aborted).toBe(true);
    await expect.poll(() => gw.adapter.calls[0]?.result).toBe('aborted');
    await expect.poll(() => gw.gateway.inFlight).toBe(0);
  });

  it('stop(): in-flight calls finish within the grace period; new connections are refused', async () => {
    const gw = await start([{ text: 'done', delayMs: 100 }], { shutdownGraceMs: 5_000 });
    const pending = postChat(gw.port);
    await expect.poll(() => gw.gateway.inFlight).toBe(1);
    const stopped = gw.gateway.stop();
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ choices: [{ message: { content: 'done' } }] });
    await stopped;
    await expect(send(gw.port, 'GET', '/healthz')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('stop(): calls still running after the grace period are aborted with a clear 503', async () => {
    let upstreamSignal: AbortSignal | undefined;
    const gw = await start(
      (_req, info) => {
        upstreamSignal = info.signal;
        return { text: 'never', delayMs: 60_000 };
      },
      { shutdownGraceMs: 50 },
    );
    const pending = postChat(gw.port);
    await expect.poll(() => gw.gateway.inFlight).toBe(1);
    await gw.gateway.stop();
    const answer = await pending;
    expect(answer.status).toBe(503);
    expect(answer.headers.connection).toBe('close');
    expect(answer.json().error).toMatchObject({ code: 'gateway_shutdown', type: 'service_unavailable' });
    expect(answer.json().error?.message).toMatch(/shutting down.*50 ms grace period/);
    expect(upstreamSignal?.aborted).toBe(true);
  });

  it('stop() while a stream runs past the grace period ends it with an error event', async () => {
    const upstream = hangingStream(['a', 'b']);
    const gw = await start([], { shutdownGraceMs: 50 }, { adapter: upstream.adapter });
    const pending = postChat(gw.port, { stream: true });
    await upstream.started;
    await expect.poll(() => gw.gateway.inFlight).toBe(1);
    await gw.gateway.stop();
    await upstream.aborted;
    const answer = await pending;
    expect(answer.status).toBe(200);
    const events = answer.text.split('\n\n').filter(Boolean);
    expect(events.slice(0, 2).map((e) => JSON.parse(e.slice(6)).choices[0].delta.content)).toEqual([
      'a',
      'b',
    ]);
    expect(events.at(-1)).toMatch(/^data: \{"error":\{.*"code":"gateway_shutdown"/);
    expect(answer.text).not.toContain('[DONE]');
  });

  it('stop(): the answer of a call in flight closes its connection; a request sent after it never reaches the upstream', async () => {
    const gw = await start([{ text: 'first', delayMs: 150 }], { shutdownGraceMs: 5_000 });
    const body = chatBody();
    const one = `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    let socket!: ReturnType<typeof connect>;
    const raw = new Promise<string>((resolve, reject) => {
      socket = connect(gw.port, '127.0.0.1', () => socket.write(one));
      let text = '';
      socket.on('data', (d) => {
        text += d.toString();
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    await expect.poll(() => gw.gateway.inFlight).toBe(1);
    const stopped = gw.gateway.stop();
    socket.write(one); // a second request on the same, busy, connection
    const text = await raw;
    await stopped;
    expect([...text.matchAll(/HTTP\/1.1 (\d+)/g)].map((m) => m[1])[0]).toBe('200');
    expect(text).toMatch(/connection: close/i);
    expect(gw.adapter.calls).toHaveLength(1);
  });

  it('after stop(), a mounted handler answers new requests with a 503 shutting_down', async () => {
    const router = new Router({
      targets: [{ id: 't', model: 'm', adapter: new MockAdapter([{ text: 'x' }]) }],
    });
    const gateway = createGateway(router);
    const server = createServer(gateway.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
      expect((await send(port, 'POST', '/v1/chat/completions', body, JSON_HEADERS)).status).toBe(200);
      await gateway.stop();
      const answer = await send(port, 'POST', '/v1/chat/completions', body, JSON_HEADERS);
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('1');
      expect(answer.json().error?.code).toBe('shutting_down');
      expect((await send(port, 'GET', '/readyz')).json().status).toBe('stopping');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await router.close();
    }
  });

  it('a client that sends its headers too slowly gets a 408 JSON and is disconnected', async () => {
    const gw = await start([{ text: 'ok' }], { headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const started = Date.now();
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(gw.port, '127.0.0.1', () =>
        socket.write('POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n'),
      );
      let text = '';
      socket.on('data', (d) => {
        text += d.toString();
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1.1 408/);
    expect(raw).toContain('"code":"request_timeout"');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('keeps connections alive between requests', async () => {
    const gw = await start([{ text: 'ok' }]);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const ports: number[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: gw.port, path: '/healthz', agent }, (res) => {
            ports.push(res.socket.localPort ?? -1);
            res.resume();
            res.on('end', () => resolve());
          });
          req.on('error', reject);
          req.end();
        });
      }
    } finally {
      agent.destroy();
    }
    expect(new Set(ports).size).toBe(1);
  });
});

describe('options', () => {
  it.each([
    [{ port: -1 }, 'port'],
    [{ maxBodyBytes: 0 }, 'maxBodyBytes'],
    [{ authenticate: 'yes' }, 'authenticate'],
    [{ metrics: {} }, 'metrics'],
    [{ shutdownGraceMs: 1.5 }, 'shutdownGraceMs'],
  ])('bad options fail at construction with a config error naming the field (%o)', (options, field) => {
    const router = new Router({ targets: [{ id: 't', model: 'm', adapter: new MockAdapter([]) }] });
    expect(() => createGateway(router, options as never)).toThrow(
      expect.objectContaining({ kind: 'config', message: expect.stringContaining(field) }),
    );
  });

  it('masterKeyAuth refuses a short key', () => {
    expect(() => masterKeyAuth('short')).toThrow(/at least 16/);
  });
});
