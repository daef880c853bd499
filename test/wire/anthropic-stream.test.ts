import { afterEach, describe, expect, it } from 'vitest';
import { AnthropicAdapter } from '../../adapters/anthropic/index.js';
import {
  type AdapterCallOptions,
  type AdapterRequest,
  type AdapterStreamPart,
  isSwitchyardError,
  SwitchyardError,
  systemClock,
} from '../../src/index.js';
import {
  blockStart,
  blockStop,
  event,
  jsonDelta,
  messageDelta,
  messageStart,
  messageStop,
  ping,
  redactedThinkingBlock,
  signatureDelta,
  stream,
  streamError,
  textBlock,
  textDelta,
  textEvents,
  textStart,
  thinkingDelta,
  thinkingStart,
  toolStart,
  toolUseBlock,
} from './anthropic-server.js';
import { raw, ScriptedServer } from './scripted-server.js';

const KEY = 'sk-ant-api03-stream-key-0123456789';
const MODEL = 'claude-sonnet-4-6';

const server = ScriptedServer.forTests();
afterEach(() => server.reset());

const adapter = () => new AnthropicAdapter({ apiKey: KEY, baseURL: server.url });

function call(signal: AbortSignal = new AbortController().signal): AdapterCallOptions {
  return { signal, target: 't1', clock: systemClock, deadline: Number.POSITIVE_INFINITY };
}

function ask(extra: Partial<AdapterRequest> = {}): AdapterRequest {
  return { model: MODEL, messages: [{ role: 'user', content: 'hi' }], ...extra };
}

async function collect(parts: AsyncIterable<AdapterStreamPart>): Promise<AdapterStreamPart[]> {
  const out: AdapterStreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

/** Reads parts until the stream fails; returns what came before and the error. */
async function collectUntilError(
  parts: AsyncIterable<AdapterStreamPart>,
): Promise<{ parts: AdapterStreamPart[]; error: SwitchyardError }> {
  const out: AdapterStreamPart[] = [];
  try {
    for await (const part of parts) out.push(part);
  } catch (error) {
    if (!isSwitchyardError(error)) throw error;
    return { parts: out, error };
  }
  throw new Error(`the stream did not fail; parts: ${JSON.stringify(out)}`);
}

const textOfParts = (parts: AdapterStreamPart[]) =>
  parts.map((p) => (p.type === 'text-delta' ? p.delta : '')).join('');

const isContent = (p: AdapterStreamPart) =>
  p.type === 'text-delta' ||
  p.type === 'reasoning-delta' ||
  p.type === 'tool-input-start' ||
  p.type === 'tool-input-delta' ||
  p.type === 'tool-call';

describe('AnthropicAdapter streaming', () => {
  it('streams text, ignores pings and ends with exactly one finish', async () => {
    server.enqueue(
      stream(
        textEvents(['Hel', '', 'lo'], {
          id: 'msg_s1',
          usage: {
            input_tokens: 12,
            output_tokens: 1,
            cache_read_input_tokens: 100,
            cache_creation_input_tokens: 8,
          },
        }),
      ),
    );
    const parts = await collect(adapter().stream(ask(), call()));
    expect(parts).toEqual([
      { type: 'response-metadata', responseId: 'msg_s1', modelId: 'claude-sonnet-4-5-20250929' },
      { type: 'text-delta', delta: 'Hel' },
      { type: 'text-delta', delta: 'lo' },
      {
        type: 'finish',
        finishReason: 'stop',
        rawFinishReason: 'end_turn',
        usage: {
          inputTokens: 120,
          outputTokens: 5,
          totalTokens: 125,
          cachedInputTokens: 100,
          cacheWriteInputTokens: 8,
        },
      },
    ]);
    expect(server.last.body).toMatchObject({ stream: true, model: MODEL, max_tokens: 4096 });
  });

  it('assembles two tool calls from input_json_delta split across many deltas', async () => {
    const first = '{"city": "Par' + 'is", "unit": "c"}';
    const second = '{"q":"日本語 🚀"}';
    const split = (text: string, size: number) =>
      Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, i * size + size));
    server.enqueue(
      stream([
        messageStart(),
        textStart(0),
        textDelta(0, 'Checking both.'),
        blockStop(0),
        toolStart(1, 'toolu_a', 'weather'),
        jsonDelta(1, ''),
        ...split(first, 3).map((piece) => jsonDelta(1, piece)),
        blockStop(1),
        toolStart(2, 'toolu_b', 'search'),
        ...split(second, 2).map((piece) => jsonDelta(2, piece)),
        blockStop(2),
        messageDelta('tool_use', { output_tokens: 40 }),
        messageStop(),
      ]),
    );
    const parts = await collect(adapter().stream(ask(), call()));
    const content = parts.filter(isContent);
    expect(content[0]).toEqual({ type: 'text-delta', delta: 'Checking both.' });
    expect(content[1]).toEqual({ type: 'tool-input-start', toolCallId: 'toolu_a', toolName: 'weather' });
    const firstDeltas = content.filter((p) => p.type === 'tool-input-delta' && p.toolCallId === 'toolu_a');
    expect(firstDeltas.length).toBe(Math.ceil(first.length / 3));
    expect(firstDeltas.map((p) => (p.type === 'tool-input-delta' ? p.delta : '')).join('')).toBe(first);
    expect(content.filter((p) => p.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCallId: 'toolu_a', toolName: 'weather', input: first },
      { type: 'tool-call', toolCallId: 'toolu_b', toolName: 'search', input: second },
    ]);
    expect(JSON.parse(second)).toEqual({ q: '日本語 🚀' });
    // The second call starts only after the first is complete.
    const order = content.map(
      (p) => p.type + (p.type === 'tool-call' || p.type === 'tool-input-start' ? `:${p.toolCallId}` : ''),
    );
    expect(order.indexOf('tool-call:toolu_a')).toBeLessThan(order.indexOf('tool-input-start:toolu_b'));
    expect(
      parts.some((p) => (p.type === 'tool-input-delta' || p.type === 'text-delta') && p.delta === ''),
    ).toBe(false);
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: 'tool-calls',
      rawFinishReason: 'tool_use',
    });
    expect(parts.filter((p) => p.type === 'finish')).toHaveLength(1);
  });

  it('completes a tool call whose input came whole with the block start, or not at all', async () => {
    server.enqueue(
      stream([
        messageStart(),
        blockStart(0, toolUseBlock('toolu_w', 'whole', { a: 1 })),
        blockStop(0),
        toolStart(1, 'toolu_e', 'empty'),
        blockStop(1),
        messageDelta('tool_use'),
        messageStop(),
      ]),
    );
    const parts = await collect(adapter().stream(ask(), call()));
    expect(parts.filter(isContent)).toEqual([
      { type: 'tool-input-start', toolCallId: 'toolu_w', toolName: 'whole' },
      { type: 'tool-input-delta', toolCallId: 'toolu_w', delta: '{"a":1}' },
      { type: 'tool-call', toolCallId: 'toolu_w', toolName: 'whole', input: '{"a":1}' },
      { type: 'tool-input-start', toolCallId: 'toolu_e', toolName: 'empty' },
      { type: 'tool-call', toolCallId: 'toolu_e', toolName: 'empty', input: '{}' },
    ]);
  });

  it('streams thinking as reasoning deltas and keeps signatures in the finish metadata', async () => {
    server.enqueue(
      stream([
        messageStart(),
        thinkingStart(0),
        thinkingDelta(0, 'Let me '),
        thinkingDelta(0, ''),
        thinkingDelta(0, 'think.'),
        signatureDelta(0, 'sig-part-1'),
        signatureDelta(0, '+2'),
        blockStop(0),
        blockStart(1, redactedThinkingBlock('opaque')),
        blockStop(1),
        blockStart(2, textBlock('Answer')),
        textDelta(2, '!'),
        blockStop(2),
        blockStart(3, { type: 'thinking', thinking: 'More.', signature: 'sig-2' }),
        blockStop(3),
        messageDelta('end_turn', { output_tokens: 30 }),
        messageStop(),
      ]),
    );
    const parts = await collect(
      adapter().stream(
        ask({ providerOptions: { thinking: { type: 'enabled', budget_tokens: 1024 } } }),
        call(),
      ),
    );
    expect(parts.filter(isContent)).toEqual([
      { type: 'reasoning-delta', delta: 'Let me ' },
      { type: 'reasoning-delta', delta: 'think.' },
      { type: 'text-delta', delta: 'Answer' },
      { type: 'text-delta', delta: '!' },
      { type: 'reasoning-delta', delta: 'More.' },
    ]);
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      providerMetadata: {
        anthropic: { signatures: ['sig-part-1+2', 'sig-2'], redactedThinking: ['opaque'] },
      },
    });
    expect(server.last.body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 } });
  });

  it('sends mapping warnings once the stream has started, before any content', async () => {
    server.enqueue(stream(textEvents(['ok'])));
    const parts = await collect(adapter().stream(ask({ seed: 7 }), call()));
    expect(parts.slice(0, 3).map((p) => p.type)).toEqual(['response-metadata', 'warnings', 'text-delta']);
    expect(parts[1]).toEqual({ type: 'warnings', warnings: [expect.objectContaining({ setting: 'seed' })] });
  });

  it('streams emulated JSON output as text and finishes with stop', async () => {
    server.enqueue(
      stream([
        messageStart(),
        blockStart(0, textBlock('preamble that is not JSON')),
        textDelta(0, ' more'),
        blockStop(0),
        toolStart(1, 'toolu_j', 'json_response'),
        jsonDelta(1, '{"ok"'),
        jsonDelta(1, ':true}'),
        blockStop(1),
        messageDelta('tool_use'),
        messageStop(),
      ]),
    );
    const parts = await collect(
      adapter().stream(ask({ responseFormat: { type: 'json', schema: { type: 'object' } } }), call()),
    );
    expect(parts.filter(isContent)).toEqual([
      { type: 'text-delta', delta: '{"ok"' },
      { type: 'text-delta', delta: ':true}' },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop', rawFinishReason: 'tool_use' });
  });

  it('streams emulated JSON that came whole with the block start', async () => {
    server.enqueue(
      stream([
        messageStart(),
        blockStart(0, toolUseBlock('t', 'json_response', { n: 1 })),
        blockStop(0),
        messageDelta('tool_use'),
        messageStop(),
      ]),
    );
    const parts = await collect(
      adapter().stream(ask({ responseFormat: { type: 'json', schema: { type: 'object' } } }), call()),
    );
    expect(parts.filter(isContent)).toEqual([{ type: 'text-delta', delta: '{"n":1}' }]);
  });

  it('skips unknown events, blocks and deltas', async () => {
    server.enqueue(
      stream([
        messageStart(),
        event('mystery', { type: 'mystery' }),
        blockStart(0, { type: 'server_tool_use', id: 'srv', name: 'web_search', input: {} }),
        jsonDelta(0, '{"query":"x"}'),
        blockStop(0),
        textDelta(5, 'delta for a block that never started'),
        blockStart(1, textBlock('')),
        jsonDelta(1, '{"wrong":"delta type"}'),
        textDelta(1, 'fine'),
        blockStop(1),
        messageDelta(null),
        messageStop(),
      ]),
    );
    const parts = await collect(adapter().stream(ask(), call()));
    expect(parts.filter(isContent)).toEqual([{ type: 'text-delta', delta: 'fine' }]);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'other' });
    expect(parts.at(-1)).not.toHaveProperty('rawFinishReason');
  });
});

describe('AnthropicAdapter stream hazards', () => {
  it('survives an SSE body split at every byte, with multi-byte UTF-8 and CRLF line endings', async () => {
    const text = 'héllo — 日本語 🚀';
    server.enqueue(
      stream(textEvents(['hé', 'llo — 日本', '語 🚀']), { chunkBytes: 1, gapMs: 1, crlf: true }),
    );
    const parts = await collect(adapter().stream(ask(), call()));
    expect(textOfParts(parts)).toBe(text);
    expect(parts.filter((p) => p.type === 'finish')).toHaveLength(1);
  });

  it('fails with server on a malformed JSON data line', async () => {
    server.enqueue(
      stream(
        [
          messageStart(),
          textStart(0),
          textDelta(0, 'ok'),
          'event: content_block_delta\ndata: {"type": "content_bl',
          messageStop(),
        ],
        { gapMs: 5 },
      ),
    );
    const { parts, error } = await collectUntilError(adapter().stream(ask(), call()));
    expect(error.kind).toBe('server');
    expect(error.message).toContain('malformed JSON');
    expect(error.target).toBe('t1');
    expect(textOfParts(parts)).toBe('ok');
  });

  it('fails with connection when the stream is cut after content', async () => {
    server.enqueue(stream(textEvents(['partial', ' text', ' never sent']), { cutAfterEvents: 5, gapMs: 5 }));
    const { parts, error } = await collectUntilError(adapter().stream(ask(), call()));
    expect(error.kind).toBe('connection');
    expect(error.retryable).toBe(true);
    expect(error.target).toBe('t1');
    expect(textOfParts(parts)).toBe('partial text');
    expect(parts.some((p) => p.type === 'finish')).toBe(false);
  });

  it('fails with connection when the stream is cut before content', async () => {
    server.enqueue(stream(textEvents(['never']), { cutAfterEvents: 1, gapMs: 5 }));
    const { parts, error } = await collectUntilError(adapter().stream(ask(), call()));
    expect(error.kind).toBe('connection');
    expect(parts.filter(isContent)).toEqual([]);
  });

  it('fails with connection when the body ends cleanly without message_stop', async () => {
    server.enqueue(stream([messageStart(), textStart(0), textDelta(0, 'half'), blockStop(0)]));
    const { parts, error } = await collectUntilError(adapter().stream(ask(), call()));
    expect(error.kind).toBe('connection');
    expect(error.message).toContain('message_stop');
    expect(error.target).toBe('t1');
    expect(textOfParts(parts)).toBe('half');
  });

  it('fails with server when the stream body is not SSE at all', async () => {
    server.enqueue(
      raw(200, 'event: message_start\ndata: not json\n\n', { 'content-type': 'text/event-stream' }),
    );
    const { error } = await collectUntilError(adapter().stream(ask(), call()));
    expect(error.kind).toBe('server');
  });
});

describe('AnthropicAdapter in-stream error events', () => {
  it('rejects the first next() on an overloaded error before any event', async () => {
    server.enqueue(stream([streamError('overloaded_error', 'Overloaded')]));
    const iterator = adapter().stream(ask(), call())[Symbol.asyncIterator]();
    const error = await iterator.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isSwitchyardError(error)).toBe(true);
    expect(error).toMatchObject({
      kind: 'server',
      code: 'overloaded_error',
      target: 't1',
      retryable: true,
      status: undefined,
    });
    expect((error as Error).message).toContain('Overloaded');
  });

  it('fails with server on an overloaded error after message_start, before content', async () => {
    server.enqueue(
      stream([messageStart(), ping(), streamError('overloaded_error', 'Overloaded'), messageStop()]),
    );
    const { parts, error } = await collectUntilError(adapter().stream(ask(), call()));
    expect(error).toMatchObject({ kind: 'server', code: 'overloaded_error' });
    expect(parts.filter(isContent)).toEqual([]);
  });

  it('fails with server on an overloaded error after content', async () => {
    server.enqueue(
      stream([
        messageStart(),
        textStart(0),
        textDelta(0, 'Hello'),
        streamError('overloaded_error', 'Overloaded'),
      ]),
    );
    const { parts, error } = await collectUntilError(adapter().stream(ask(), call()));
    expect(error).toMatchObject({ kind: 'server', code: 'overloaded_error' });
    expect(textOfParts(parts)).toBe('Hello');
  });

  it.each([
    ['rate_limit_error', 'rate_limited'],
    ['api_error', 'server'],
    ['invalid_request_error', 'invalid_request'],
    ['authentication_error', 'auth'],
    ['billing_error', 'auth'],
    ['not_found_error', 'not_found'],
    ['timeout_error', 'server'],
    ['brand_new_error', 'server'],
  ])('maps an in-stream %s to %s', async (type, kind) => {
    server.enqueue(stream([messageStart(), streamError(type, `failure of type ${type}`)]));
    const { error } = await collectUntilError(adapter().stream(ask(), call()));
    expect(error).toMatchObject({ kind, code: type, target: 't1' });
  });

  it('maps an in-stream error without a type to server', async () => {
    server.enqueue(stream([messageStart(), 'event: error\ndata: {"message":"boom"}']));
    const { error } = await collectUntilError(adapter().stream(ask(), call()));
    expect(error.kind).toBe('server');
    expect(error.code).toBeUndefined();
  });
});

describe('AnthropicAdapter stream abort', () => {
  it('closes the connection and rejects with aborted, promptly, when aborted mid-stream', async () => {
    server.enqueue(
      stream([messageStart(), textStart(0), textDelta(0, 'first'), textDelta(0, 'never')], {
        stallAfterEvents: 3,
      }),
    );
    const controller = new AbortController();
    const iterator = adapter().stream(ask(), call(controller.signal))[Symbol.asyncIterator]();
    let part = await iterator.next();
    while (!part.done && part.value.type !== 'text-delta') part = await iterator.next();
    expect(part.value).toEqual({ type: 'text-delta', delta: 'first' });

    const started = performance.now();
    const pending = iterator.next();
    controller.abort();
    const error = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ kind: 'aborted', target: 't1', retryable: false });
    await server.waitForDisconnects(1);
    expect(server.disconnects).toBe(1);
  });

  it('ends a stalled stream when the signal aborts, with the reason the router put there', async () => {
    server.enqueue(stream([messageStart(), textStart(0)], { stallAfterEvents: 2 }));
    const controller = new AbortController();
    const iterator = adapter().stream(ask(), call(controller.signal))[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'response-metadata' });
    const pending = iterator.next(); // waits on a server that sends nothing more
    controller.abort(new SwitchyardError('timeout', 'the call deadline passed'));
    const error = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: 'timeout', target: 't1', message: 'the call deadline passed' });
    await server.waitForDisconnects(1);
  });

  it('rejects at once without a request when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { error } = await collectUntilError(adapter().stream(ask(), call(controller.signal)));
    expect(error).toMatchObject({ kind: 'aborted', target: 't1' });
    expect(server.requests).toHaveLength(0);
  });

  it('closes the connection when the consumer stops reading early', async () => {
    server.enqueue(
      stream([messageStart(), textStart(0), textDelta(0, 'one'), textDelta(0, 'two')], {
        stallAfterEvents: 4,
      }),
    );
    for await (const part of adapter().stream(ask(), call())) {
      if (part.type === 'text-delta') break;
    }
    await server.waitForDisconnects(1);
    expect(server.disconnects).toBe(1);
  });
});
