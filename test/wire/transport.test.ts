/**
 * The fast fetch on its own, against a local server: request encoding, response shape, bodies,
 * streams split at every byte, aborts the server sees, connection failures, keep-alive reuse and
 * releasing the pool.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createFastFetch,
  type FastFetch,
  ResponseBody,
  TransportResponse,
} from '../../modules/adapter-kit/transport/index.js';
import { hang, json, raw, reset, ScriptedServer, sse } from './scripted-server.js';

const TRANSPORT_MODULE = new URL('../../modules/adapter-kit/transport/index.ts', import.meta.url).href;

let server: ScriptedServer;
let fetch: FastFetch;

beforeAll(async () => {
  server = await ScriptedServer.start();
  fetch = createFastFetch();
});
afterEach(() => server.reset());
afterAll(async () => {
  await fetch.close();
  await server.close();
});

async function readAll(body: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('requests', () => {
  it('sends method, path with query, headers and a string body', async () => {
    server.enqueue(json(200, { ok: true }));
    const headers = new Headers({ 'content-type': 'application/json', authorization: 'Bearer k' });
    const res = await fetch(`${server.url}/v1/chat?x=1#frag`, { method: 'post', headers, body: '{"a":1}' });
    expect(res.status).toBe(200);
    expect(server.last.method).toBe('POST');
    expect(server.last.url).toBe('/v1/chat?x=1');
    expect(server.last.headers['content-type']).toBe('application/json');
    expect(server.last.headers.authorization).toBe('Bearer k');
    expect(server.last.headers['content-length']).toBe('7');
    expect(server.last.body).toEqual({ a: 1 });
    // fetch's own defaults are not added: the SDKs set what they need.
    expect(server.last.headers['accept-encoding']).toBeUndefined();
    await res.text();
  });

  it('takes a URL object, record headers without empty values, and array headers', async () => {
    server.enqueue(json(200, {}), json(200, {}));
    const a = await fetch(new URL(`${server.url}/a`), {
      headers: { 'x-one': '1', 'x-none': undefined, 'x-null': null } as unknown as Record<string, string>,
    });
    await a.text();
    expect(server.requests[0]?.method).toBe('GET');
    expect(server.requests[0]?.headers['x-one']).toBe('1');
    expect(server.requests[0]?.headers).not.toHaveProperty('x-none');
    expect(server.requests[0]?.headers).not.toHaveProperty('x-null');
    const b = await fetch(`${server.url}?q=2`, {
      headers: [
        ['X-Two', 'a'],
        ['x-two', 'b'],
      ],
    });
    await b.text();
    expect(server.requests[1]?.url).toBe('/?q=2');
    expect(server.requests[1]?.headers['x-two']).toBe('a, b');
  });

  it('sends byte bodies: Uint8Array, ArrayBuffer and other views', async () => {
    server.setDefault(json(200, {}));
    const bytes = new TextEncoder().encode('héllo');
    for (const body of [bytes, bytes.buffer.slice(0), new DataView(bytes.buffer)]) {
      const res = await fetch(server.url, { method: 'POST', body: body as BodyInit });
      await res.text();
      expect(server.last.raw).toBe('héllo');
    }
  });

  it('hands a Request object, a form body or a non-http URL to the global fetch', async () => {
    server.setDefault(json(200, { via: 'global' }));
    const viaRequest = await fetch(new Request(`${server.url}/r`, { method: 'POST', body: 'x' }));
    expect(viaRequest).toBeInstanceOf(Response);
    expect(await viaRequest.json()).toEqual({ via: 'global' });
    const form = new FormData();
    form.set('field', 'value');
    const viaForm = await fetch(`${server.url}/f`, { method: 'POST', body: form });
    expect(viaForm).toBeInstanceOf(Response);
    await viaForm.text();
    expect(server.last.raw).toContain('value');
    const search = await fetch(`${server.url}/s`, { method: 'POST', body: new URLSearchParams({ a: 'b' }) });
    await search.text();
    expect(server.last.raw).toBe('a=b');
    // The global fetch refuses credentials in the URL; so does the fast one, through it.
    await expect(fetch(server.url.replace('http://', 'http://user:pw@'))).rejects.toThrow(/credentials/);
    await expect(fetch('data:text/plain,hi').then((r) => r.text())).resolves.toBe('hi');
  });
});

describe('responses', () => {
  it('has status, statusText, ok, url, real Headers and a JSON body', async () => {
    server.enqueue(json(201, { id: 7 }, { 'x-request-id': 'req_1', 'set-cookie': 'a=1' }));
    const res = await fetch(`${server.url}/x`, { method: 'POST', body: '{}' });
    expect(res).toBeInstanceOf(TransportResponse);
    expect(res.status).toBe(201);
    expect(res.statusText).toBe('Created');
    expect(res.ok).toBe(true);
    expect(res.url).toBe(`${server.url}/x`);
    expect(res.redirected).toBe(false);
    expect(res.type).toBe('basic');
    expect(res.headers).toBeInstanceOf(Headers);
    expect(res.headers.get('x-request-id')).toBe('req_1');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.bodyUsed).toBe(false);
    expect(await res.json()).toEqual({ id: 7 });
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toThrow(/already been read/);
  });

  it('keeps repeated headers', async () => {
    server.enqueue((_req, r) => {
      r.setHeader('set-cookie', ['a=1', 'b=2']);
      r.setHeader('x-multi', ['1', '2']);
      r.end('ok');
    });
    const res = await fetch(server.url);
    expect(res.headers.get('x-multi')).toBe('1, 2');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    await res.text();
  });

  it('reads a body as bytes, ArrayBuffer and Blob', async () => {
    server.setDefault(raw(200, 'abc', { 'content-type': 'text/plain' }));
    const bytes = await (await fetch(server.url)).bytes();
    expect(Buffer.from(bytes).toString()).toBe('abc');
    const buffer = await (await fetch(server.url)).arrayBuffer();
    expect(new TextDecoder().decode(buffer)).toBe('abc');
    const blob = await (await fetch(server.url)).blob();
    expect(blob.type).toBe('text/plain');
    expect(await blob.text()).toBe('abc');
    const res = await fetch(server.url);
    expect(() => res.clone()).toThrow(TypeError);
    await res.text();
  });

  it('returns error statuses with their body and Retry-After header', async () => {
    server.enqueue(json(429, { error: { message: 'slow down' } }, { 'retry-after': '3' }));
    const res = await fetch(server.url, { method: 'POST', body: '{}' });
    expect(res.ok).toBe(false);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.json()).toEqual({ error: { message: 'slow down' } });
  });

  it('has no body for 204 and HEAD, and keeps the connection after them', async () => {
    const ports: number[] = [];
    server.setDefault((req, r) => {
      ports.push(r.socket?.remotePort ?? -1);
      r.writeHead(req.method === 'HEAD' ? 200 : 204, { 'content-length': '0' });
      r.end();
    });
    const fetch = createFastFetch(); // a fresh pool, so that the ports below are only these calls'
    const a = await fetch(server.url, { method: 'DELETE' });
    expect(a.status).toBe(204);
    expect(a.body).toBeNull();
    expect(a.bodyUsed).toBe(false);
    expect(await a.text()).toBe('');
    const b = await fetch(server.url, { method: 'HEAD' });
    expect(b.body).toBeNull();
    const c = await fetch(server.url, { method: 'HEAD' });
    expect(c.status).toBe(200);
    await fetch.close();
    // No connection per call (see 'reuses connections for sequential calls').
    expect(new Set(ports).size).toBeLessThanOrEqual(2);
  });

  it('does not follow redirects', async () => {
    server.enqueue(raw(302, '', { location: '/elsewhere' }));
    const res = await fetch(`${server.url}/start`);
    expect(res.status).toBe(302);
    expect(res.ok).toBe(false);
    expect(res.headers.get('location')).toBe('/elsewhere');
    await res.text();
    expect(server.requests).toHaveLength(1);
  });

  it('decodes a compressed body even though it never asks for one', async () => {
    const payload = JSON.stringify({ text: 'x'.repeat(2000) });
    server.enqueue((_req, r) => {
      r.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      r.end(gzipSync(payload));
    });
    const res = await fetch(server.url);
    expect(await res.text()).toBe(payload);
  });

  it('decodes deflate and brotli bodies too', async () => {
    server.enqueue(
      (_req, r) => {
        r.writeHead(200, { 'content-encoding': 'deflate' });
        r.end(deflateSync('deflated'));
      },
      (_req, r) => {
        r.writeHead(200, { 'content-encoding': 'br' });
        r.end(brotliCompressSync('brotli'));
      },
    );
    expect(await (await fetch(server.url)).text()).toBe('deflated');
    expect(await (await fetch(server.url)).text()).toBe('brotli');
  });

  it('hangs up when a compressed body is left early', async () => {
    server.enqueue(async (_req, r, ctx) => {
      r.writeHead(200, { 'content-encoding': 'gzip' });
      r.write(gzipSync('first part'));
      await ctx.closed;
    });
    const res = await fetch(server.url);
    for await (const _chunk of res.body as unknown as ResponseBody) break;
    await server.waitForDisconnects(1);
  });

  it('skips informational 1xx responses', async () => {
    server.enqueue((_req, r) => {
      r.writeEarlyHints({ link: '</style.css>; rel=preload' });
      r.writeHead(200, { 'content-type': 'text/plain' });
      r.end('final');
    });
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('final');
  });

  it('leaves an unknown content-encoding alone', async () => {
    server.enqueue(raw(200, 'plain', { 'content-encoding': 'identity' }));
    expect(await (await fetch(server.url)).text()).toBe('plain');
  });
});

describe('streams', () => {
  const events = ['data: {"n":1,"t":"héllo 👋"}', 'data: {"n":2}', 'data: [DONE]'];
  const expected = `${events.join('\n\n')}\n\n`;

  it('delivers an SSE body split at every byte, in order and intact', async () => {
    server.enqueue(sse(events, { chunkBytes: 1, gapMs: 0 }));
    const res = await fetch(server.url, { method: 'POST', body: '{}' });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.body).toBeInstanceOf(ResponseBody);
    expect(await readAll(res.body as unknown as ResponseBody)).toBe(expected);
  });

  it('offers the WHATWG stream methods on demand', async () => {
    server.setDefault(sse(events));
    const viaReader = (await fetch(server.url)).body as unknown as ResponseBody;
    const reader = viaReader.getReader();
    expect(viaReader.locked).toBe(true);
    let text = '';
    for (let r = await reader.read(); !r.done; r = await reader.read())
      text += Buffer.from(r.value).toString();
    expect(text).toBe(expected);

    const piped = ((await fetch(server.url)).body as unknown as ResponseBody).pipeThrough(
      new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>,
    );
    let out = '';
    for await (const s of piped as unknown as AsyncIterable<string>) out += s;
    expect(out).toBe(expected);

    const sink: string[] = [];
    await ((await fetch(server.url)).body as unknown as ResponseBody).pipeTo(
      new WritableStream({ write: (c) => void sink.push(Buffer.from(c).toString()) }),
    );
    expect(sink.join('')).toBe(expected);

    const [a, b] = ((await fetch(server.url)).body as unknown as ResponseBody).tee();
    const texts = await Promise.all([a, b].map((s) => readAll(s as unknown as AsyncIterable<Uint8Array>)));
    expect(texts).toEqual([expected, expected]);

    const converted = await fetch(server.url);
    (converted.body as unknown as ResponseBody).toWeb();
    expect(await converted.text()).toBe(expected);
  });

  it('withBody() keeps the head and swaps the body; leaving the new body early still hangs up', async () => {
    server.enqueue(sse(events));
    const res = (await fetch(server.url)) as unknown as TransportResponse;
    const body = res.body as ResponseBody;
    async function* upper(): AsyncGenerator<Uint8Array> {
      for await (const chunk of body) yield Buffer.from(Buffer.from(chunk).toString().toUpperCase());
    }
    const swapped = res.withBody(upper());
    expect(swapped.status).toBe(200);
    expect(swapped.headers).toBe(res.headers);
    expect(swapped.url).toBe(res.url);
    expect(await swapped.text()).toBe(expected.toUpperCase());

    server.enqueue(sse(events, { stallAfterEvents: 1 }));
    const next = (await fetch(server.url)) as unknown as TransportResponse;
    const source = next.body as ResponseBody;
    async function* same(): AsyncGenerator<Uint8Array> {
      yield* source;
    }
    for await (const _chunk of next.withBody(same()).body as ResponseBody) break;
    await server.waitForDisconnects(1);
  });

  it('cancel() closes the connection, for plain and converted bodies', async () => {
    server.setDefault(sse(events, { stallAfterEvents: 1 }));
    const plain = (await fetch(server.url)).body as unknown as ResponseBody;
    await plain.cancel();
    expect(plain.used).toBe(true);
    await server.waitForDisconnects(1);
    const web = (await fetch(server.url)).body as unknown as ResponseBody;
    web.toWeb();
    await web.cancel();
    await server.waitForDisconnects(2);
  });

  it('pauses a fast server for a slow reader and loses nothing', async () => {
    const size = 2 * 1024 * 1024;
    const payload = Buffer.alloc(size, 'abcdefghij');
    server.enqueue((_req, r) => {
      r.writeHead(200, { 'content-length': String(size) });
      r.end(payload);
    });
    const res = await fetch(server.url);
    let received = 0;
    let reads = 0;
    const parts: Buffer[] = [];
    for await (const chunk of res.body as unknown as ResponseBody) {
      parts.push(Buffer.from(chunk));
      received += chunk.byteLength;
      // Fall behind now and then, so that the queue fills up and the connection pauses.
      if (++reads % 4 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(received).toBe(size);
    expect(Buffer.concat(parts).equals(payload)).toBe(true);
  });

  it('fails the body with TypeError("terminated") when the connection drops mid-body', async () => {
    server.enqueue((_req, r) => {
      r.writeHead(200, { 'content-length': '1000' });
      r.write('partial');
      setTimeout(() => r.socket?.destroy(), 5);
    });
    const res = await fetch(server.url);
    const error = await res.text().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('terminated');
    expect((error as { cause?: unknown }).cause).toBeDefined();
  });

  it('closes the connection when the reader leaves the loop early', async () => {
    server.enqueue(sse(events, { stallAfterEvents: 1 }));
    const res = await fetch(server.url);
    for await (const _chunk of res.body as unknown as ResponseBody) break;
    await server.waitForDisconnects(1);
  });
});

describe('aborts', () => {
  it('rejects at once with the reason of an already aborted signal, sending nothing', async () => {
    const reason = new Error('stop');
    await expect(fetch(server.url, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(server.requests).toHaveLength(0);
  });

  it('aborts while waiting for headers: rejects with the reason, the server sees the disconnect', async () => {
    server.enqueue(hang());
    const controller = new AbortController();
    const pending = fetch(server.url, { method: 'POST', body: '{}', signal: controller.signal });
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 2));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await server.waitForDisconnects(1);
  });

  it('aborts mid-stream: reading fails with the reason, the server sees the disconnect', async () => {
    server.enqueue(sse(['data: 1', 'data: 2'], { stallAfterEvents: 1 }));
    const controller = new AbortController();
    const res = await fetch(server.url, { signal: controller.signal });
    const iterator = (res.body as unknown as ResponseBody)[Symbol.asyncIterator]();
    expect(Buffer.from((await iterator.next()).value as Uint8Array).toString()).toBe('data: 1\n\n');
    const reason = new Error('deadline');
    controller.abort(reason);
    await expect(iterator.next()).rejects.toBe(reason);
    await server.waitForDisconnects(1);
  });
});

describe('aborts in a full pool', () => {
  it('aborts a call still waiting for a connection at once: it never reaches the server', async () => {
    const one = createFastFetch({ connections: 1 });
    let release: () => void = () => undefined;
    server.enqueue(async (_req, r) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      r.end('first');
    });
    const first = one(server.url);
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 2));
    const controller = new AbortController();
    const queued = one(server.url, { signal: controller.signal });
    const reason = new Error('gave up');
    controller.abort(reason);
    // Rejected while the only connection is still busy with the first call.
    await expect(queued).rejects.toBe(reason);
    release();
    expect(await (await first).text()).toBe('first');
    expect(server.requests).toHaveLength(1);
    await one.close();
  });
});

describe('connection failures', () => {
  it('rejects like fetch, with the socket error as cause, when the connection is refused', async () => {
    const port = await closedPort();
    const error = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('fetch failed');
    expect((error as { cause: { code: string } }).cause.code).toBe('ECONNREFUSED');
  });

  it('rejects like fetch when the server resets the connection', async () => {
    server.enqueue(reset());
    const error = await fetch(server.url, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as { cause: { code: string } }).cause.code).toMatch(/UND_ERR_SOCKET|ECONNRESET/);
  });
});

describe('connection pool', () => {
  // undici frees a connection only after its parser callback returns, which is after the
  // caller has the whole body; so a call made right away takes a second connection, and
  // sequential calls alternate between two. Node's global fetch (undici 6) does the same.
  it('reuses connections for sequential calls: two at most, not one per call', async () => {
    const own = createFastFetch();
    const ports: number[] = [];
    server.setDefault((_req, r) => {
      ports.push(r.socket?.remotePort ?? -1);
      r.writeHead(200, { 'content-type': 'application/json' });
      r.end('{}');
    });
    for (let i = 0; i < 10; i++) await (await own(server.url, { method: 'POST', body: '{}' })).json();
    expect(ports).toHaveLength(10);
    expect(new Set(ports).size).toBeLessThanOrEqual(2);
    // With a turn of the event loop between calls, it is one connection throughout.
    ports.length = 0;
    for (let i = 0; i < 5; i++) {
      await (await own(server.url, { method: 'POST', body: '{}' })).json();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(new Set(ports).size).toBe(1);
    await own.close();
  });

  it('opens one connection per concurrent call and caps them with `connections`', async () => {
    const capped = createFastFetch({ connections: 2 });
    const ports = new Set<number>();
    server.setDefault(async (_req, r) => {
      ports.add(r.socket?.remotePort ?? -1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      r.end('x');
    });
    await Promise.all(Array.from({ length: 6 }, async () => (await capped(server.url)).text()));
    expect(ports.size).toBe(2);
    await capped.close();
  });

  it('close() ends every connection and later calls fail; destroy() cuts calls in flight', async () => {
    const own = createFastFetch();
    const closes: Promise<void>[] = [];
    server.setDefault((_req, r) => {
      const socket = r.socket;
      if (socket) closes.push(new Promise((resolve) => socket.once('close', () => resolve())));
      r.end('x');
    });
    await (await own(server.url)).text();
    await own.close();
    await Promise.all(closes); // the server saw the socket close: nothing leaked
    await expect(own(server.url)).rejects.toThrow(/fetch failed/);

    const other = createFastFetch();
    server.setDefault(hang());
    const pending = other(server.url);
    while (server.requests.length < 2) await new Promise((r) => setTimeout(r, 2));
    await other.destroy();
    await expect(pending).rejects.toThrow(/fetch failed/);
  });

  it('sends through a caller-owned dispatcher and leaves it open on close()', async () => {
    const dispatcher = new Agent();
    const own = createFastFetch({ dispatcher });
    expect(own.dispatcher).toBe(dispatcher);
    server.setDefault(json(200, { ok: 1 }));
    expect(await (await own(server.url)).json()).toEqual({ ok: 1 });
    await own.close();
    await own.destroy();
    expect(dispatcher.closed).toBe(false);
    expect(await (await own(server.url)).json()).toEqual({ ok: 1 });
    await dispatcher.close();
  });

  it('closes the pool of a fast fetch that was garbage-collected', async () => {
    // Needs --expose-gc: run it in a child process that reports whether the server saw the close.
    const closes: Promise<void>[] = [];
    server.setDefault((_req, r) => {
      const socket = r.socket;
      if (socket) closes.push(new Promise((resolve) => socket.once('close', () => resolve())));
      r.end('x');
    });
    const script = [
      `import { createFastFetch } from ${JSON.stringify(TRANSPORT_MODULE)};`,
      'let fetch = createFastFetch({ keepAliveTimeoutMs: 60_000 });',
      'await (await fetch(process.env.URL)).text();',
      'fetch = undefined;',
      'for (let i = 0; i < 20; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }',
      'setTimeout(() => {}, 2000);', // stay alive: only the pool's own close may end the socket
    ].join('\n');
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script],
      {
        env: { ...process.env, URL: server.url },
        stdio: 'ignore',
      },
    );
    while (closes.length === 0) await new Promise((r) => setTimeout(r, 5));
    const closedWhileAlive = await Promise.race([
      Promise.all(closes).then(() => true),
      new Promise<boolean>((resolve) => child.once('exit', () => resolve(false))),
    ]);
    child.kill();
    expect(closedWhileAlive).toBe(true);
  });

  it('idle connections do not keep the process alive', async () => {
    // A child process makes one call and must exit by itself although the connection stays
    // pooled (keep-alive 60 s): undici unrefs idle sockets.
    server.setDefault(json(200, { ok: true }));
    const script = [
      `import { createFastFetch } from ${JSON.stringify(TRANSPORT_MODULE)};`,
      'const fetch = createFastFetch({ keepAliveTimeoutMs: 60_000 });',
      'const res = await fetch(process.env.URL, { method: "POST", body: "{}" });',
      'console.log(JSON.stringify(await res.json()));',
    ].join('\n');
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, URL: server.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(out.trim()).toBe('{"ok":true}');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
