/**
 * pipeToNodeResponse on a real node:http server on a loopback port, read with node:http (to
 * pause the reader) and fetch.
 */
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SwitchyardError } from '../../index.js';
import { pipeToNodeResponse, type SSEOptions } from './index.js';
import { finish, interrupted, ScriptedStream, textEvents } from './test-streams.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

/** Serves every request with `pipeToNodeResponse(stream, res, options)`; `done` settles with the pipe. */
async function serve(
  stream: ScriptedStream,
  options?: SSEOptions,
  before?: (res: ServerResponse) => void,
): Promise<{ url: string; done: Promise<void> }> {
  let piped!: Promise<void>;
  const started = new Promise<void>((resolve) => {
    server = createServer((_req, res) => {
      before?.(res);
      piped = pipeToNodeResponse(stream, res, options);
      resolve();
    });
  });
  const done = started.then(() => piped);
  const listening = server!;
  await new Promise<void>((r) => listening.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}`, done };
}

describe('pipeToNodeResponse', () => {
  it('writes the SSE answer with its headers and [DONE]', async () => {
    const { url, done } = await serve(new ScriptedStream(textEvents(['a', 'b'])), { model: 'm' });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const text = await res.text();
    expect(text.match(/"content":"(a|b)"/g)).toEqual(['"content":"a"', '"content":"b"']);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    await expect(done).resolves.toBeUndefined();
  });

  it('a failure before content: status, retry-after and JSON with a content-length', async () => {
    const onError = vi.fn();
    const error = new SwitchyardError('no_target', 'no target can take this call', {
      nextAvailableAt: Date.now() + 4_000,
    });
    const { url } = await serve(new ScriptedStream([], { fail: error }), { onError });
    const res = await fetch(url);
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(3);
    const body = await res.text();
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    expect(JSON.parse(body)).toMatchObject({ error: { type: 'service_unavailable', code: 'no_target' } });
    expect(onError).toHaveBeenCalledExactlyOnceWith(error);
  });

  it('a failure after content: a last error event, no [DONE]', async () => {
    const stream = new ScriptedStream([{ type: 'text-delta', delta: 'part' }], { fail: interrupted() });
    const { url, done } = await serve(stream, { format: 'ui-message' });
    const text = await (await fetch(url)).text();
    expect(text).toContain('"type":"text-delta","id":"text-0","delta":"part"');
    expect(text).toMatch(
      /data: \{"type":"text-end","id":"text-0"\}\n\ndata: \{"type":"error","errorText":"stream from target 'mock' broke: upstream broke"\}\n\ndata: \[DONE\]\n\n$/,
    );
    await expect(done).resolves.toBeUndefined();
  });

  it('headers already sent by the app: a failure before content becomes the final error event', async () => {
    const { url } = await serve(new ScriptedStream([], { fail: interrupted() }), {}, (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': hello\n\n');
    });
    const text = await (await fetch(url)).text();
    expect(text).toMatch(/^: hello\n\ndata: \{"error":\{.*"code":"stream_interrupted"\}\}\n\n$/);
  });

  it('a client that leaves while a token is awaited cancels the call at once; the promise resolves', async () => {
    const stream = new ScriptedStream([{ type: 'text-delta', delta: 'x' }], { hang: true });
    const { url, done } = await serve(stream);
    const client = new AbortController();
    const res = await fetch(url, { signal: client.signal });
    const reader = res.body!.getReader();
    await reader.read();
    client.abort();
    await expect(done).resolves.toBeUndefined();
    expect(stream.cancelled).toBe(true);
  });

  it('back-pressure: a reader that stops reading holds the stream back; it all arrives once it reads', async () => {
    const delta = 'x'.repeat(64 * 1024);
    const count = 400; // 25 MiB: far more than the socket buffers hold
    const stream = new ScriptedStream([...textEvents(Array.from({ length: count }, () => delta))]);
    const { url, done } = await serve(stream);
    const res = await new Promise<IncomingMessage>((resolve) => get(url, resolve));
    let received = 0;
    const firstData = new Promise<void>((resolve) => res.once('data', () => resolve()));
    res.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    await firstData;
    res.pause();
    // Wait until the writer is stuck (nothing more read from the stream for a while).
    let last = -1;
    while (stream.read !== last) {
      last = stream.read;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(stream.read).toBeLessThan(count / 2);
    res.resume();
    await new Promise((r) => res.on('end', r));
    await done;
    expect(stream.read).toBe(count + 1);
    expect(received).toBeGreaterThan(count * delta.length);
  });

  it('an empty answer: the finish chunk and [DONE]', async () => {
    const { url } = await serve(new ScriptedStream([finish()]));
    const text = await (await fetch(url)).text();
    expect(text.split('\n\n').filter(Boolean)).toHaveLength(2);
  });

  it('bad options are a config error naming the field, thrown at once; the stream is cancelled', () => {
    const stream = new ScriptedStream(textEvents(['x']));
    const res = { on() {}, off() {} } as unknown as ServerResponse;
    expect(() => pipeToNodeResponse(stream, res, { format: 'ui-message', model: 'm' })).toThrow(
      /^pipeToNodeResponse: options\.model applies to format 'openai' only/,
    );
    expect(stream.cancelled).toBe(true);
  });
});
