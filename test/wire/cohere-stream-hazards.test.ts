/**
 * Cohere streams under hostile wire conditions: bodies split at every byte, multi-byte UTF-8,
 * CRLF, malformed events, cut and stalled connections, aborts, and the SDK's `[DONE]` bug.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CohereAdapter } from '../../adapters/cohere/index.js';
import { escapeStreamTerminator } from '../../adapters/cohere/stream-terminator-guard.js';
import type { AdapterRequest, AdapterStreamPart, SwitchyardError } from '../../src/index.js';
import { callOptions, chatStream, collect, ev, sseEvent, streamedText, textStream } from './cohere-server.js';
import { ScriptedServer } from './scripted-server.js';

const KEY = 'co-hazard-key-0123456789';
const server = ScriptedServer.forTests();
afterEach(() => {
  server.reset();
});

const hi: AdapterRequest = { model: 'command-a-03-2025', messages: [{ role: 'user', content: 'hi' }] };
const adapter = () => new CohereAdapter({ apiKey: KEY, baseURL: server.url });
const UNICODE = 'héllo — 日本語 🚀';

/** A text and tool-call stream full of multi-byte characters. */
const unicodeEvents = [
  ev.messageStart('msg-u'),
  ev.contentStart(),
  ev.text('héllo'),
  ev.text(' — 日本'),
  ev.text('語 🚀'),
  ev.contentEnd(),
  ev.toolCallStart(0, 'call-u', 'echo', '{"s":"'),
  ev.toolCallDelta(0, '日本語 🚀"}'),
  ev.toolCallEnd(0),
  ev.messageEnd('TOOL_CALL'),
];

function expectUnicodeStream(parts: readonly AdapterStreamPart[]): void {
  expect(streamedText(parts)).toBe(UNICODE);
  expect(parts.filter((p) => p.type === 'tool-call')).toEqual([
    { type: 'tool-call', toolCallId: 'call-u', toolName: 'echo', input: '{"s":"日本語 🚀"}' },
  ]);
  expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls' });
  expect(parts.filter((p) => p.type === 'finish')).toHaveLength(1);
}

describe('Cohere stream framing', () => {
  it.each([
    ['LF', false],
    ['CRLF', true],
  ])('survives the whole body split at every byte (%s, multi-byte UTF-8)', async (_name, crlf) => {
    server.enqueue(chatStream(unicodeEvents, { chunkBytes: 1, gapMs: 1, crlf }));
    const { parts, error } = await collect(adapter().stream(hi, callOptions()));
    expect(error).toBeUndefined();
    expectUnicodeStream(parts);
  });

  it('keeps "[DONE]" in text and tool arguments (the SDK alone would end the stream there)', async () => {
    server.enqueue(
      chatStream(
        [
          ev.messageStart(),
          ev.text('Step 1 [DONE]'),
          ev.text(' then [DONE][DONE] and [DON'),
          ev.text('E]'),
          ev.toolCallStart(0, 'c1', 'mark', '{"status":"[DONE]"}'),
          ev.toolCallEnd(0),
          ev.messageEnd('TOOL_CALL'),
        ],
        { chunkBytes: 3, gapMs: 1 },
      ),
    );
    const { parts, error } = await collect(adapter().stream(hi, callOptions()));
    expect(error).toBeUndefined();
    expect(streamedText(parts)).toBe('Step 1 [DONE] then [DONE][DONE] and [DONE]');
    expect(parts.filter((p) => p.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCallId: 'c1', toolName: 'mark', input: '{"status":"[DONE]"}' },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'finish' });
  });

  it('stops reading at message-end and ignores whatever follows', async () => {
    server.enqueue(chatStream([...textStream(['done']), 'data: {broken', sseEvent(ev.text('late'))]));
    const { parts, error } = await collect(adapter().stream(hi, callOptions()));
    expect(error).toBeUndefined();
    expect(streamedText(parts)).toBe('done');
    expect(parts.at(-1)?.type).toBe('finish');
  });
});

describe('Cohere stream failures', () => {
  it('fails with server on a malformed event after content, keeping the parts before it', async () => {
    server.enqueue(
      chatStream([
        ev.messageStart(),
        ev.text('partial'),
        'event: content-delta\ndata: {"type": "content-de',
        ev.messageEnd(),
      ]),
    );
    const { parts, error } = await collect(adapter().stream(hi, callOptions()));
    expect(streamedText(parts)).toBe('partial');
    expect((error as SwitchyardError).kind).toBe('server');
    expect((error as SwitchyardError).target).toBe('t1');
    expect((error as SwitchyardError).message).toContain('malformed');
  });

  it('fails with server on a malformed first event, before any part', async () => {
    server.enqueue(chatStream(['data: not json']));
    const { parts, error } = await collect(adapter().stream(hi, callOptions()));
    expect(parts).toEqual([]);
    expect((error as SwitchyardError).kind).toBe('server');
  });

  it('fails with connection when the connection is cut after content', async () => {
    server.enqueue(chatStream(textStream(['one', 'two', 'three']), { cutAfterEvents: 4, gapMs: 5 }));
    const { parts, error } = await collect(adapter().stream(hi, callOptions()));
    expect(streamedText(parts)).toBe('onetwo');
    expect(parts.some((p) => p.type === 'finish')).toBe(false);
    expect((error as SwitchyardError).kind).toBe('connection');
    expect((error as SwitchyardError).target).toBe('t1');
  });

  it('fails with connection when the connection is cut before any event', async () => {
    server.enqueue(chatStream(textStream(['never']), { cutAfterEvents: 0 }));
    const { parts, error } = await collect(adapter().stream(hi, callOptions()));
    expect(parts).toEqual([]);
    expect((error as SwitchyardError).kind).toBe('connection');
  });

  it('fails with connection when the connection is cut after message-start, before content', async () => {
    server.enqueue(chatStream(textStream(['never']), { cutAfterEvents: 1, gapMs: 5 }));
    const { parts, error } = await collect(adapter().stream(hi, callOptions()));
    expect(parts).toEqual([{ type: 'response-metadata', responseId: 'msg-1' }]);
    expect((error as SwitchyardError).kind).toBe('connection');
  });

  it('fails with connection when the body ends cleanly without message-end', async () => {
    server.enqueue(chatStream([ev.messageStart(), ev.text('half')]));
    const { parts, error } = await collect(adapter().stream(hi, callOptions()));
    expect(streamedText(parts)).toBe('half');
    expect((error as SwitchyardError).kind).toBe('connection');
    expect((error as SwitchyardError).message).toContain('message-end');
  });
});

describe('Cohere stream aborts', () => {
  it('ends a stalled stream when the signal aborts: aborted, promptly, connection closed', async () => {
    server.enqueue(chatStream(textStream(['stuck', 'never']), { stallAfterEvents: 3 }));
    const controller = new AbortController();
    const parts: AdapterStreamPart[] = [];
    let error: unknown;
    let abortedAt = 0;
    try {
      for await (const part of adapter().stream(hi, callOptions(controller.signal))) {
        parts.push(part);
        if (part.type === 'text-delta') {
          setTimeout(() => {
            abortedAt = performance.now();
            controller.abort();
          }, 50);
        }
      }
    } catch (e) {
      error = e;
    }
    expect(streamedText(parts)).toBe('stuck');
    expect((error as SwitchyardError).kind).toBe('aborted');
    expect((error as SwitchyardError).target).toBe('t1');
    expect(performance.now() - abortedAt).toBeLessThan(500);
    await server.waitForDisconnects(1);
  });

  it('aborts mid-stream while events keep coming: aborted, and the server sees the disconnect', async () => {
    const pieces = Array.from({ length: 200 }, (_, i) => `p${i} `);
    server.enqueue(chatStream(textStream(pieces), { gapMs: 2 }));
    const controller = new AbortController();
    const parts: AdapterStreamPart[] = [];
    let error: unknown;
    try {
      for await (const part of adapter().stream(hi, callOptions(controller.signal))) {
        parts.push(part);
        if (part.type === 'text-delta' && part.delta === 'p2 ') controller.abort();
      }
    } catch (e) {
      error = e;
    }
    expect((error as SwitchyardError).kind).toBe('aborted');
    expect(parts.filter((p) => p.type === 'text-delta').length).toBeLessThan(50);
    await server.waitForDisconnects(1);
  });

  it('releases the connection at message-end, even if the server holds the stream open and the consumer stops pulling', async () => {
    server.enqueue(chatStream([...textStream(['x']), sseEvent(ev.text('late'))], { stallAfterEvents: 6 }));
    const iterator = adapter().stream(hi, callOptions())[Symbol.asyncIterator]();
    const seen: AdapterStreamPart[] = [];
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
      seen.push(step.value);
      if (step.value.type === 'finish') break; // like the router: no further next() or return()
    }
    expect(seen.at(-1)?.type).toBe('finish');
    await server.waitForDisconnects(1);
  });

  it('closes the connection when the consumer stops early', async () => {
    server.enqueue(chatStream(textStream(['a', 'b', 'c']), { stallAfterEvents: 3 }));
    for await (const part of adapter().stream(hi, callOptions())) {
      if (part.type === 'text-delta') break;
    }
    await server.waitForDisconnects(1);
    expect(server.disconnects).toBe(1);
  });
});

describe('escapeStreamTerminator', () => {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  async function run(text: string, splits: readonly number[]): Promise<string> {
    const bytes = encoder.encode(text);
    const chunks: Uint8Array[] = [];
    let at = 0;
    for (const cut of [...splits, bytes.length]) {
      chunks.push(bytes.slice(at, cut));
      at = cut;
    }
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(c);
        controller.close();
      },
    });
    const reader = source.pipeThrough(escapeStreamTerminator()).getReader();
    let out = '';
    for (let r = await reader.read(); !r.done; r = await reader.read())
      out += decoder.decode(r.value, { stream: true });
    return out + decoder.decode();
  }

  it('escapes every [DONE], at every split point, and leaves everything else alone', async () => {
    const text = 'data: {"t":"a [DONE] b [[DONE]] [DON [D"}\n[DONE]';
    const expected = 'data: {"t":"a [DONE\\u005d b [[DONE\\u005d] [DON [D"}\n[DONE\\u005d';
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j += 3) expect(await run(text, [i, j])).toBe(expected);
    }
    expect(JSON.parse(await run('{"t":"[DONE]"}', [5]))).toEqual({ t: '[DONE]' });
  });

  it('flushes a trailing partial marker at the end of the stream', async () => {
    expect(await run('ends with [DON', [12])).toBe('ends with [DON');
    expect(await run('no brackets at all', [4])).toBe('no brackets at all');
  });
});
