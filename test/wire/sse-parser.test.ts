/**
 * The shared SSE parser (`modules/adapter-kit/sse.ts`) against the WHATWG event-stream rules, and the
 * OpenAI adapter's stream path that reads the raw response body with it.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AnthropicAdapter } from '../../adapters/anthropic/index.js';
import { OpenAIAdapter } from '../../adapters/openai/index.js';
import { bodyIterator, drainBody, readSse, type SseEvent, SseParser } from '../../modules/adapter-kit/sse.js';
import type { AdapterRequest, AdapterStreamPart } from '../../src/index.js';
import { textEvents } from './anthropic-server.js';
import {
  callOptions,
  collect,
  DONE,
  dataEvent,
  ScriptedServer,
  streamChunks,
  textChunks,
} from './openai-server.js';
import { type Responder, raw, sse } from './scripted-server.js';

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** Parses `chunks` fed one after the other, taking the events after each feed. */
function parse(chunks: readonly Uint8Array[]): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  for (const chunk of chunks) {
    parser.feed(chunk);
    for (let event = parser.next(); event !== undefined; event = parser.next()) events.push(event);
  }
  return events;
}

/** Every single byte as its own chunk. */
function bytewise(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
}

/** Every way to cut `bytes` in two. */
function twoCuts(bytes: Uint8Array): Uint8Array[][] {
  return Array.from({ length: bytes.length + 1 }, (_, i) => [bytes.subarray(0, i), bytes.subarray(i)]);
}

/**
 * An independent, deliberately naive reading of the spec: whole text, one regex split into lines.
 * The parser under test must agree with it for every chunking.
 */
function reference(text: string): SseEvent[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r\n|\r|\n/);
  lines.pop(); // the text after the last line end is not a line
  const events: SseEvent[] = [];
  let data: string[] = [];
  let type = '';
  for (const line of lines) {
    if (line === '') {
      if (data.length > 0)
        events.push(type === '' ? { data: data.join('\n') } : { event: type, data: data.join('\n') });
      data = [];
      type = '';
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') type = value;
  }
  return events;
}

/** Deterministic PRNG (mulberry32), so that a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIXED_BODY =
  ': comment first\r\n' +
  'event: greeting\n' +
  'data: hello\r' +
  '\r' +
  'data: {"a":1}\r\n' +
  '\r\n' +
  'data: two\n' +
  'data: lines\n' +
  'id: 7\n' +
  'retry: 100\n' +
  'unknown: field\n' +
  '\n' +
  'event: done\r\n' +
  'data: [DONE]\r\n' +
  '\r\n';

const MIXED_EVENTS: SseEvent[] = [
  { event: 'greeting', data: 'hello' },
  { data: '{"a":1}' },
  { data: 'two\nlines' },
  { event: 'done', data: '[DONE]' },
];

describe('SseParser', () => {
  it('parses LF, CRLF and CR line ends, comments, event names and multi-line data', () => {
    expect(parse([utf8(MIXED_BODY)])).toEqual(MIXED_EVENTS);
    expect(reference(MIXED_BODY)).toEqual(MIXED_EVENTS);
  });

  it('gives the same events when the body is split at every byte, or cut in two anywhere', () => {
    const bytes = utf8(MIXED_BODY);
    expect(parse(bytewise(bytes))).toEqual(MIXED_EVENTS);
    for (const chunks of twoCuts(bytes)) expect(parse(chunks)).toEqual(MIXED_EVENTS);
  });

  it('keeps multi-byte UTF-8 characters that are split across chunks', () => {
    const body = 'data: héllo — 日本語 🚀\n\ndata: ✓\r\n\r\n';
    const expected = [{ data: 'héllo — 日本語 🚀' }, { data: '✓' }];
    const bytes = utf8(body);
    expect(parse(bytewise(bytes))).toEqual(expected);
    for (const chunks of twoCuts(bytes)) expect(parse(chunks)).toEqual(expected);
  });

  it('treats a CR at the end of one chunk and an LF at the start of the next as one line end', () => {
    const events = parse([utf8('data: a\r'), utf8('\ndata: b\r'), utf8('\n\r'), utf8('\n')]);
    expect(events).toEqual([{ data: 'a\nb' }]);
  });

  it('dispatches a blank data line as empty data, and joins empty lines with newlines', () => {
    expect(parse([utf8('data:\n\ndata\n\ndata:\ndata:\n\n')])).toEqual([
      { data: '' },
      { data: '' },
      { data: '\n' },
    ]);
  });

  it('strips exactly one space after the colon', () => {
    expect(parse([utf8('data:x\n\ndata:  two spaces\n\n')])).toEqual([
      { data: 'x' },
      { data: ' two spaces' },
    ]);
  });

  it('dispatches nothing for blocks without data: comments only, or an event name only', () => {
    expect(parse([utf8(': ping\n\nevent: lonely\n\n\n\ndata: after\n\n')])).toEqual([{ data: 'after' }]);
  });

  it('resets the event name after each dispatch', () => {
    expect(parse([utf8('event: first\ndata: 1\n\ndata: 2\n\n')])).toEqual([
      { event: 'first', data: '1' },
      { data: '2' },
    ]);
  });

  it('does not dispatch a final event without its blank line', () => {
    expect(parse([utf8('data: complete\n\ndata: cut off\n')])).toEqual([{ data: 'complete' }]);
    expect(parse([utf8('data: complete\n\ndata: cut off')])).toEqual([{ data: 'complete' }]);
  });

  it('drops a BOM at the start, also when it is split, but keeps one later in the stream', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const body = Buffer.concat([bom, utf8('data: x\n\ndata: '), bom, utf8('y\n\n')]);
    const expected = [{ data: 'x' }, { data: '\ufeffy' }];
    expect(parse([body])).toEqual(expected);
    expect(parse(bytewise(body))).toEqual(expected);
    // A BOM is only dropped at the very start: an empty first chunk does not use it up.
    expect(parse([new Uint8Array(0), body])).toEqual(expected);
  });

  it('keeps events that were not taken before the next feed', () => {
    const parser = new SseParser();
    parser.feed(utf8('data: 1\n\ndata: 2\n\ndata: 3'));
    expect(parser.next()).toEqual({ data: '1' });
    parser.feed(utf8('\n\n'));
    expect([parser.next(), parser.next(), parser.next()]).toEqual([{ data: '2' }, { data: '3' }, undefined]);
  });

  it('agrees with the unchunked parse and the reference for random bodies and random chunkings', () => {
    const random = prng(0x5eed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const ends = ['\n', '\r\n', '\r'];
    const values = [
      '',
      ' ',
      'x',
      '{"k":"v"}',
      'héllo',
      '日本語',
      '🚀🚀',
      ' leading',
      'a:b',
      '[DONE]',
      '\ufeff',
    ];
    const line = (): string => {
      const kind = random();
      if (kind < 0.45) return `data:${pick(['', ' '])}${pick(values)}`;
      if (kind < 0.6) return `event: ${pick(['message', 'delta', 'x y', ''])}`;
      if (kind < 0.7) return `: ${pick(values)}`;
      if (kind < 0.78) return pick(['data', 'event', 'id: 3', 'retry: 10', 'other: x', 'dat: a']);
      return '';
    };
    for (let round = 0; round < 300; round++) {
      let text = random() < 0.1 ? '\ufeff' : '';
      const count = 1 + Math.floor(random() * 25);
      for (let i = 0; i < count; i++) text += line() + pick(ends);
      if (random() < 0.3) text += line(); // trailing text without a line end
      const bytes = utf8(text);
      const whole = parse([bytes]);
      expect(whole, `round ${round}: ${JSON.stringify(text)}`).toEqual(reference(text));
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; ) {
        const size = random() < 0.3 ? 1 : 1 + Math.floor(random() * 12);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      expect(parse(chunks), `round ${round}: ${JSON.stringify(text)}`).toEqual(whole);
    }
  });
});

/** An async iterable over `chunks` that records whether it was closed early. */
function source(chunks: readonly Uint8Array[]): AsyncIterable<Uint8Array> & { closed: boolean } {
  const state = {
    closed: false,
    [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
      let i = 0;
      return {
        next: async () =>
          i < chunks.length
            ? { done: false, value: chunks[i++] as Uint8Array }
            : { done: true, value: undefined },
        return: async () => {
          state.closed = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return state;
}

describe('readSse and bodyIterator', () => {
  it('yields the events of an async iterable body', async () => {
    expect(await collect(readSse(source(bytewise(utf8(MIXED_BODY)))))).toEqual(MIXED_EVENTS);
  });

  it('closes the body when the reader leaves early', async () => {
    const body = source([utf8('data: 1\n\ndata: 2\n\n')]);
    for await (const event of readSse(body)) {
      expect(event).toEqual({ data: '1' });
      break;
    }
    expect(body.closed).toBe(true);
  });

  it('reads a WHATWG ReadableStream through its own iterator', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(utf8('data: web\n\n'));
        controller.close();
      },
    });
    const events: SseEvent[] = [];
    const parser = new SseParser();
    const it = bodyIterator(stream);
    for (let step = await it.next(); !step.done; step = await it.next()) {
      parser.feed(step.value);
      for (let e = parser.next(); e; e = parser.next()) events.push(e);
    }
    expect(events).toEqual([{ data: 'web' }]);
  });

  it('falls back to getReader() for a body without an async iterator, and cancels it on return()', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(utf8('data: again\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const readerOnly = { getReader: () => stream.getReader() };
    const it = bodyIterator(readerOnly);
    expect(await it.next()).toEqual({ done: false, value: utf8('data: again\n\n') });
    expect(await it.return?.()).toEqual({ done: true, value: undefined });
    expect(cancelled).toBe(true);

    const ended = new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    expect(await bodyIterator({ getReader: () => ended.getReader() }).next()).toEqual({
      done: true,
      value: undefined,
    });
  });
});

describe('drainBody', () => {
  it('reads a body to its end and leaves it open for reuse', async () => {
    const body = source([utf8('rest'), utf8('more')]);
    expect(await drainBody(body[Symbol.asyncIterator](), 1000)).toBe(true);
    expect(body.closed).toBe(false);
  });

  it('closes a body that is still open after the grace time', async () => {
    vi.useFakeTimers();
    try {
      let closed = false;
      const stalled: AsyncIterator<Uint8Array> = {
        next: () => new Promise(() => undefined),
        return: async () => {
          closed = true;
          return { done: true, value: undefined };
        },
      };
      const drained = drainBody(stalled, 50);
      await vi.advanceTimersByTimeAsync(50);
      expect(await drained).toBe(false);
      expect(closed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('resolves false when the body fails', async () => {
    const failing: AsyncIterator<Uint8Array> = { next: () => Promise.reject(new Error('reset')) };
    expect(await drainBody(failing, 1000)).toBe(false);
  });
});

/**
 * Writes `text` at once, then ends the response `gapMs` later. A client that hangs up before the
 * end counts as a disconnect, and loses the keep-alive connection.
 */
function lateEnd(text: string, gapMs = 20): Responder {
  return async (_req, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(text);
    await new Promise((resolve) => setTimeout(resolve, gapMs));
    res.end();
  };
}

describe('OpenAI adapter stream over the raw body', () => {
  const KEY = 'sk-sse-abcdefghijklmnop';
  const REQUEST: AdapterRequest = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] };
  let server: ScriptedServer;

  beforeAll(async () => {
    server = await ScriptedServer.start();
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  const adapter = (options: ConstructorParameters<typeof OpenAIAdapter>[0] = {}) =>
    new OpenAIAdapter({ apiKey: KEY, baseURL: `${server.url}/v1`, ...options });
  const texts = (parts: readonly AdapterStreamPart[]) =>
    parts.map((p) => (p.type === 'text-delta' ? p.delta : '')).join('');

  it('streams through a user-provided fetch (a WHATWG body)', async () => {
    server.enqueue(streamChunks(textChunks(['Hel', 'lo'])));
    const parts = await collect(adapter({ fetch: globalThis.fetch }).stream(REQUEST, callOptions()));
    expect(texts(parts)).toBe('Hello');
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });

  it('closes a user-provided fetch connection when the consumer stops early', async () => {
    server.enqueue(
      sse([dataEvent({ choices: [{ index: 0, delta: { content: 'one' } }] }), DONE], { stallAfterEvents: 1 }),
    );
    for await (const part of adapter({ fetch: globalThis.fetch }).stream(REQUEST, callOptions())) {
      if (part.type === 'text-delta') break;
    }
    await server.waitForDisconnects(1);
    expect(server.disconnects).toBe(1);
  });

  it('ignores events after [DONE] and reads the body to its end', async () => {
    server.enqueue(
      sse([
        dataEvent({ choices: [{ index: 0, delta: { content: 'kept' }, finish_reason: 'stop' }] }),
        DONE,
        dataEvent({ choices: [{ index: 0, delta: { content: 'ignored' } }] }),
        'data: not json either',
      ]),
    );
    const parts = await collect(adapter().stream(REQUEST, callOptions()));
    expect(texts(parts)).toBe('kept');
    expect(parts.at(-1)).toMatchObject({ type: 'finish' });
    expect(server.disconnects).toBe(0);
  });

  it('reads on to the end of the body after [DONE] instead of hanging up', async () => {
    const body = `${[...textChunks(['a']).map(dataEvent), DONE].join('\n\n')}\n\n`;
    server.enqueue(lateEnd(body), lateEnd(body));
    const openai = adapter();
    for (let i = 0; i < 2; i++) {
      const parts = await collect(openai.stream(REQUEST, callOptions()));
      expect(parts.at(-1)).toMatchObject({ type: 'finish' });
    }
    expect(server.disconnects).toBe(0);
  });

  it('fails with server when a chunk is JSON but not an object', async () => {
    server.enqueue(sse(['data: 42', DONE]));
    await expect(collect(adapter().stream(REQUEST, callOptions()))).rejects.toMatchObject({
      kind: 'server',
      target: 't1',
      message: expect.stringMatching(/not a JSON object/),
    });
    server.enqueue(sse(['data: null', DONE]));
    await expect(collect(adapter().stream(REQUEST, callOptions()))).rejects.toMatchObject({ kind: 'server' });
  });

  it('fails with server when a 200 response has no body', async () => {
    const noBody: typeof globalThis.fetch = async () =>
      new Response(null, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    await expect(collect(adapter({ fetch: noBody }).stream(REQUEST, callOptions()))).rejects.toMatchObject({
      kind: 'server',
      target: 't1',
    });
  });

  it('fails with aborted when a custom fetch ends the body quietly on abort', async () => {
    const controller = new AbortController();
    const quiet: typeof globalThis.fetch = async () => {
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(utf8(`${dataEvent({ choices: [{ index: 0, delta: { content: 'a' } }] })}\n\n`));
          controller.abort();
          c.close();
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    };
    await expect(
      collect(adapter({ fetch: quiet }).stream(REQUEST, callOptions(controller.signal))),
    ).rejects.toMatchObject({ kind: 'aborted', target: 't1' });
  });

  it('reads a body with CR-only line ends', async () => {
    const body = [
      dataEvent({ id: 'c', model: 'm', choices: [{ index: 0, delta: { content: 'ü🚀' } }] }),
      dataEvent({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
      DONE,
    ]
      .map((e) => `${e}\r\r`)
      .join('');
    server.enqueue(raw(200, body, { 'content-type': 'text/event-stream' }));
    const parts = await collect(adapter().stream(REQUEST, callOptions()));
    expect(texts(parts)).toBe('ü🚀');
    expect(parts[0]).toEqual({ type: 'response-metadata', responseId: 'c', modelId: 'm' });
  });
});

describe('Anthropic adapter stream over the raw body', () => {
  const KEY = 'sk-ant-api03-sse-0123456789abcdef';
  const REQUEST: AdapterRequest = { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'Hi' }] };
  let server: ScriptedServer;

  beforeAll(async () => {
    server = await ScriptedServer.start();
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  const adapter = (options: ConstructorParameters<typeof AnthropicAdapter>[0] = {}) =>
    new AnthropicAdapter({ apiKey: KEY, baseURL: server.url, ...options });
  const texts = (parts: readonly AdapterStreamPart[]) =>
    parts.map((p) => (p.type === 'text-delta' ? p.delta : '')).join('');
  const body = (events: readonly string[]) => events.map((e) => `${e}\n\n`).join('');

  it('reads on to the end of the body after message_stop instead of hanging up', async () => {
    const events = body([': comment', 'data: {"nameless":true}', ...textEvents(['Hel', 'lo'])]);
    server.enqueue(lateEnd(events), lateEnd(events));
    const anthropic = adapter();
    for (let i = 0; i < 2; i++) {
      const parts = await collect(anthropic.stream(REQUEST, callOptions()));
      expect(texts(parts)).toBe('Hello');
      expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    }
    expect(server.disconnects).toBe(0);
  });

  it('streams through a user-provided fetch (a WHATWG body)', async () => {
    server.enqueue(sse(textEvents(['web'])));
    const parts = await collect(adapter({ fetch: globalThis.fetch }).stream(REQUEST, callOptions()));
    expect(texts(parts)).toBe('web');
  });

  it('fails with server on an error event whose data is not JSON', async () => {
    server.enqueue(sse(['event: error\ndata: upstream exploded']));
    await expect(collect(adapter().stream(REQUEST, callOptions()))).rejects.toMatchObject({
      kind: 'server',
      target: 't1',
    });
  });

  it('skips events without data', async () => {
    const [start, ...rest] = textEvents(['x']);
    server.enqueue(sse([start as string, 'event: content_block_delta\ndata:', ...rest]));
    expect(texts(await collect(adapter().stream(REQUEST, callOptions())))).toBe('x');
  });

  it('fails when a 200 response has no body', async () => {
    const noBody: typeof globalThis.fetch = async () =>
      new Response(null, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    await expect(collect(adapter({ fetch: noBody }).stream(REQUEST, callOptions()))).rejects.toMatchObject({
      target: 't1',
    });
  });
});
