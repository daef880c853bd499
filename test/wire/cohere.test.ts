/**
 * Cohere adapter against a local Cohere v2 chat server: request JSON, response mapping, streaming
 * text and tool calls, configuration.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CohereAdapter } from '../../adapters/cohere/index.js';
import type { AdapterRequest, AdapterStreamPart, SwitchyardError } from '../../src/index.js';
import {
  callOptions,
  chatReply,
  chatStream,
  collect,
  ev,
  streamedText,
  textStream,
  USAGE,
} from './cohere-server.js';
import { json, raw, ScriptedServer } from './scripted-server.js';

const KEY = 'co-test-key-0123456789';
const server = ScriptedServer.forTests();
afterEach(() => {
  server.reset();
  vi.unstubAllEnvs();
});

function adapter(options: ConstructorParameters<typeof CohereAdapter>[0] = {}): CohereAdapter {
  return new CohereAdapter({ apiKey: KEY, baseURL: server.url, ...options });
}

const hi: AdapterRequest = { model: 'command-a-03-2025', messages: [{ role: 'user', content: 'hi' }] };

const weatherSchema = {
  type: 'object',
  properties: { city: { type: 'string' }, someCamelKey: { type: 'boolean' } },
  required: ['city'],
  additionalProperties: false,
};

/** A request that uses every mapped feature. */
const rich: AdapterRequest = {
  model: 'command-a-03-2025',
  messages: [
    { role: 'system', content: 'Be brief.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather where this photo was taken?' },
        { type: 'file', mediaType: 'image/png', data: new URL('https://example.com/cat.png') },
        {
          type: 'file',
          mediaType: 'image/png',
          data: 'AQID',
          providerOptions: { cohere: { detail: 'low' } },
        },
        { type: 'file', mediaType: 'image/jpeg', data: new Uint8Array([1, 2, 3]) },
        { type: 'file', mediaType: 'image/gif', data: 'data:image/gif;base64,R0lG' },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'I will look up ' },
        { type: 'reasoning', text: 'the weather.' },
        { type: 'tool-call', toolCallId: 'call-1', toolName: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool-call', toolCallId: 'call-2', toolName: 'get_time', input: '{}' },
      ],
    },
    {
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'call-1',
          toolName: 'get_weather',
          output: { type: 'text', value: '18°C' },
        },
        {
          type: 'tool-result',
          toolCallId: 'call-2',
          toolName: 'get_time',
          output: { type: 'json', value: { h: 9 } },
        },
      ],
    },
    { role: 'assistant', content: 'It is 18°C.' },
    { role: 'user', content: 'And tomorrow?' },
  ],
  tools: [
    { type: 'function', name: 'get_weather', description: 'Weather of a city', inputSchema: weatherSchema },
    { type: 'function', name: 'get_time', inputSchema: { type: 'object', properties: {} } },
  ],
  toolChoice: { type: 'required' },
  responseFormat: { type: 'json', schema: weatherSchema, name: 'weather' },
  maxOutputTokens: 256,
  temperature: 0.3,
  topP: 0.9,
  topK: 40,
  stopSequences: ['END'],
  seed: 7,
  presencePenalty: 0.1,
  frequencyPenalty: 0.2,
  providerOptions: { safety_mode: 'OFF', citation_options: { mode: 'FAST' } },
  headers: { 'x-request-tag': 'r1' },
};

const richWire = {
  model: 'command-a-03-2025',
  messages: [
    { role: 'system', content: 'Be brief.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather where this photo was taken?' },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AQID', detail: 'low' } },
        { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AQID' } },
        { type: 'image_url', image_url: { url: 'data:image/gif;base64,R0lG' } },
      ],
    },
    {
      role: 'assistant',
      tool_calls: [
        { id: 'call-1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call-2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
      ],
      tool_plan: 'I will look up the weather.',
    },
    { role: 'tool', tool_call_id: 'call-1', content: '18°C' },
    { role: 'tool', tool_call_id: 'call-2', content: '{"h":9}' },
    { role: 'assistant', content: 'It is 18°C.' },
    { role: 'user', content: 'And tomorrow?' },
  ],
  tools: [
    {
      type: 'function',
      function: { name: 'get_weather', description: 'Weather of a city', parameters: weatherSchema },
    },
    { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
  ],
  tool_choice: 'REQUIRED',
  response_format: { type: 'json_object', json_schema: weatherSchema },
  max_tokens: 256,
  temperature: 0.3,
  p: 0.9,
  k: 40,
  stop_sequences: ['END'],
  seed: 7,
  presence_penalty: 0.1,
  frequency_penalty: 0.2,
  safety_mode: 'OFF',
  citation_options: { mode: 'FAST' },
};

describe('CohereAdapter request', () => {
  it('sends the exact v2 chat JSON for a rich request, with auth and extra headers', async () => {
    server.enqueue(chatReply({ text: 'ok' }));
    await adapter({ headers: { 'x-team': 'search', 'x-request-tag': 'adapter' } }).complete(
      rich,
      callOptions(),
    );
    const req = server.last;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v2/chat');
    expect(req.body).toEqual({ ...richWire, stream: false });
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.headers['x-team']).toBe('search');
    expect(req.headers['x-request-tag']).toBe('r1'); // the request's headers win
  });

  it('sends the same body with stream: true when streaming', async () => {
    server.enqueue(chatStream(textStream(['ok'])));
    const { error } = await collect(adapter().stream(rich, callOptions()));
    expect(error).toBeUndefined();
    expect(server.last.body).toEqual({ ...richWire, stream: true });
    expect(server.last.headers.accept).toBe('text/event-stream');
  });

  it('sends nothing the caller did not set', async () => {
    server.enqueue(chatReply({ text: 'ok' }), chatReply({ text: 'ok' }));
    const plain = await adapter().complete(hi, callOptions());
    expect(server.last.body).toEqual({
      model: 'command-a-03-2025',
      messages: [{ role: 'user', content: 'hi' }],
      stream: false,
    });
    expect(plain.warnings).toBeUndefined();
    const res = await adapter().complete(
      { ...hi, responseFormat: { type: 'text' }, tools: [], toolChoice: { type: 'none' } },
      callOptions(),
    );
    expect(server.last.body).toEqual({
      model: 'command-a-03-2025',
      messages: [{ role: 'user', content: 'hi' }],
      stream: false,
    });
    expect(res.warnings).toEqual([
      { type: 'unsupported-setting', setting: 'toolChoice', message: 'toolChoice without tools is not sent' },
    ]);
  });

  it('merges providerOptions last, so they override mapped settings', async () => {
    server.enqueue(chatReply({ text: 'ok' }));
    await adapter().complete(
      { ...hi, maxOutputTokens: 10, temperature: 1, providerOptions: { max_tokens: 99, temperature: 0 } },
      callOptions(),
    );
    expect(server.last.body).toMatchObject({ max_tokens: 99, temperature: 0 });
  });

  it('rejects a body the SDK cannot serialise (a mistyped provider option) as invalid_request', async () => {
    const error = (await adapter()
      .complete({ ...hi, providerOptions: { temperature: 'hot' } }, callOptions())
      .catch((e: unknown) => e)) as SwitchyardError;
    expect(error.kind).toBe('invalid_request');
    expect(error.target).toBe('t1');
    expect(error.message).toContain('temperature');
    expect(server.requests).toHaveLength(0);
  });

  it('maps toolChoice none and auto, and JSON mode without a schema', async () => {
    const tools = rich.tools;
    server.enqueue(chatReply({ text: '{}' }), chatReply({ text: '{}' }));
    await adapter().complete(
      { ...hi, tools, toolChoice: { type: 'none' }, responseFormat: { type: 'json' } },
      callOptions(),
    );
    expect(server.last.body).toMatchObject({ tool_choice: 'NONE', response_format: { type: 'json_object' } });
    expect((server.last.body as Record<string, unknown>).response_format).toEqual({ type: 'json_object' });
    await adapter().complete({ ...hi, tools, toolChoice: { type: 'auto' } }, callOptions());
    expect(server.last.body).not.toHaveProperty('tool_choice');
    expect((server.last.body as { tools: unknown[] }).tools).toHaveLength(2);
  });

  it('forces a named tool by sending only that tool with REQUIRED, and warns', async () => {
    server.enqueue(chatReply({ toolCalls: [{ id: 'c1', name: 'get_time', arguments: '{}' }] }));
    const res = await adapter().complete(
      { ...hi, tools: rich.tools, toolChoice: { type: 'tool', toolName: 'get_time' } },
      callOptions(),
    );
    expect(server.last.body).toMatchObject({
      tools: [
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
      ],
      tool_choice: 'REQUIRED',
    });
    expect((server.last.body as { tools: unknown[] }).tools).toHaveLength(1);
    expect(res.warnings).toEqual([{ type: 'other', message: expect.stringContaining("'get_time'") }]);
  });

  it('sends warnings as the first stream part', async () => {
    server.enqueue(chatStream(textStream(['ok'])));
    const { parts } = await collect(
      adapter().stream(
        { ...hi, tools: rich.tools, toolChoice: { type: 'tool', toolName: 'get_weather' } },
        callOptions(),
      ),
    );
    expect(parts[0]).toEqual({ type: 'warnings', warnings: [expect.objectContaining({ type: 'other' })] });
  });

  it('rejects a forced tool that is not among the tools, without calling Cohere', async () => {
    const error = (await adapter()
      .complete({ ...hi, tools: rich.tools, toolChoice: { type: 'tool', toolName: 'nope' } }, callOptions())
      .catch((e: unknown) => e)) as SwitchyardError;
    expect(error.kind).toBe('invalid_request');
    expect(error.target).toBe('t1');
    expect(error.message).toContain("'nope'");
    expect(server.requests).toHaveLength(0);
  });

  it('rejects files that are not images, and files in assistant turns', async () => {
    const pdf: AdapterRequest = {
      ...hi,
      messages: [{ role: 'user', content: [{ type: 'file', mediaType: 'application/pdf', data: 'AAAA' }] }],
    };
    const a = (await adapter()
      .complete(pdf, callOptions())
      .catch((e: unknown) => e)) as SwitchyardError;
    expect(a.kind).toBe('invalid_request');
    expect(a.message).toContain('messages[0].content[0]');
    expect(a.message).toContain('application/pdf');
    const assistantFile: AdapterRequest = {
      ...hi,
      messages: [{ role: 'assistant', content: [{ type: 'file', mediaType: 'image/png', data: 'AAAA' }] }],
    };
    const { error } = await collect(adapter().stream(assistantFile, callOptions()));
    expect((error as SwitchyardError).kind).toBe('invalid_request');
    expect(server.requests).toHaveLength(0);
  });

  it('uses an explicit tool plan, sends empty assistant turns as empty text, and drops lone reasoning', async () => {
    server.enqueue(chatReply({ text: 'ok' }));
    await adapter().complete(
      {
        ...hi,
        messages: [
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'ignored in favour of the explicit plan' },
              { type: 'text', text: 'Checking.' },
              { type: 'tool-call', toolCallId: 'c1', toolName: 'f', input: '{"a":1}' },
            ],
            providerOptions: { cohere: { toolPlan: 'Call f.' } },
          },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 'c1',
                toolName: 'f',
                output: { type: 'error-text', value: 'boom' },
              },
            ],
          },
          { role: 'assistant', content: [] },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'thinking without calls' },
              { type: 'text', text: 'Hi' },
            ],
          },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 'c2',
                toolName: 'f',
                output: { type: 'error-json', value: { e: 1 } },
              },
            ],
          },
        ],
      },
      callOptions(),
    );
    expect((server.last.body as { messages: unknown }).messages).toEqual([
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'Checking.' }],
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
        tool_plan: 'Call f.',
      },
      { role: 'tool', tool_call_id: 'c1', content: 'boom' },
      { role: 'assistant', content: '' },
      { role: 'assistant', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'tool', tool_call_id: 'c2', content: '{"e":1}' },
    ]);
  });

  it('uses the custom fetch for calls and streams', async () => {
    const seen: string[] = [];
    const fetchSpy: typeof fetch = (input, init) => {
      seen.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    server.enqueue(chatReply({ text: 'ok' }), chatStream(textStream(['ok'])));
    const a = adapter({ fetch: fetchSpy });
    await a.complete(hi, callOptions());
    await collect(a.stream(hi, callOptions()));
    expect(seen).toEqual([`${server.url}/v2/chat`, `${server.url}/v2/chat`]);
  });
});

describe('CohereAdapter configuration', () => {
  it('fails with a config error naming the env var when there is no API key', () => {
    vi.stubEnv('CO_API_KEY', '');
    vi.stubEnv('COHERE_API_KEY', '');
    let error: SwitchyardError | undefined;
    try {
      new CohereAdapter();
    } catch (e) {
      error = e as SwitchyardError;
    }
    expect(error?.kind).toBe('config');
    expect(error?.message).toContain('CO_API_KEY');
  });

  it('reads CO_API_KEY, then COHERE_API_KEY', async () => {
    vi.stubEnv('CO_API_KEY', 'from-co-api-key');
    vi.stubEnv('COHERE_API_KEY', 'from-cohere-api-key');
    server.enqueue(chatReply({ text: 'ok' }), chatReply({ text: 'ok' }));
    await new CohereAdapter({ baseURL: server.url }).complete(hi, callOptions());
    expect(server.last.headers.authorization).toBe('Bearer from-co-api-key');
    vi.stubEnv('CO_API_KEY', '');
    await new CohereAdapter({ baseURL: server.url }).complete(hi, callOptions());
    expect(server.last.headers.authorization).toBe('Bearer from-cohere-api-key');
  });

  it('sends no Authorization header for an empty apiKey', async () => {
    server.enqueue(chatReply({ text: 'ok' }));
    await adapter({ apiKey: '' }).complete(hi, callOptions());
    expect(server.last.headers.authorization).toBeUndefined();
  });

  it('rejects a timeoutMs that is not a positive number', () => {
    expect(() => adapter({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => adapter({ timeoutMs: Number.NaN })).toThrow(/timeoutMs/);
  });

  it('declares its provider, capabilities and prices', () => {
    const a = adapter();
    expect(a.provider).toBe('cohere');
    expect(a.capabilities).toEqual({
      streaming: true,
      tools: true,
      json: 'schema',
      images: true,
      contextWindow: 128_000,
    });
    expect(a.priceFor('command-a-03-2025')).toEqual({ inputPerMTok: 2.5, outputPerMTok: 10 });
    expect(a.priceFor('command-r-plus-08-2024')).toEqual({ inputPerMTok: 2.5, outputPerMTok: 10 });
    expect(a.priceFor('command-r-08-2024')).toEqual({ inputPerMTok: 0.15, outputPerMTok: 0.6 });
    expect(a.priceFor('command-r7b-12-2024')).toEqual({ inputPerMTok: 0.0375, outputPerMTok: 0.15 });
    expect(a.priceFor('not-a-cohere-model')).toBeUndefined();
  });
});

describe('CohereAdapter response', () => {
  it('maps text, thinking, tool plan, tool calls, citations and usage', async () => {
    const citation = {
      start: 0,
      end: 4,
      text: 'Paris',
      sources: [{ type: 'tool', id: 'call-1:0' }],
      type: 'TEXT_CONTENT',
    };
    server.enqueue(
      chatReply({
        id: 'resp-9',
        thinking: 'Let me think.',
        text: 'Paris is sunny.',
        toolPlan: 'I will check the weather.',
        toolCalls: [
          { id: 'call-1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'call-2', name: 'get_time', arguments: '' },
        ],
        citations: [citation],
        finishReason: 'TOOL_CALL',
        usage: { ...USAGE, cached_tokens: 4 },
      }),
    );
    const res = await adapter().complete(hi, callOptions());
    expect(res).toEqual({
      content: [
        { type: 'reasoning', text: 'Let me think.' },
        { type: 'text', text: 'Paris is sunny.' },
        { type: 'reasoning', text: 'I will check the weather.' },
        { type: 'tool-call', toolCallId: 'call-1', toolName: 'get_weather', input: '{"city":"Paris"}' },
        { type: 'tool-call', toolCallId: 'call-2', toolName: 'get_time', input: '{}' },
      ],
      finishReason: 'tool-calls',
      rawFinishReason: 'TOOL_CALL',
      usage: { inputTokens: 12, outputTokens: 6, totalTokens: 18, cachedInputTokens: 4 },
      responseId: 'resp-9',
      providerMetadata: {
        cohere: {
          billedUnits: { inputTokens: 10, outputTokens: 5 },
          cachedTokens: 4,
          toolPlan: 'I will check the weather.',
          citations: [
            {
              start: 0,
              end: 4,
              text: 'Paris',
              sources: [{ type: 'tool', id: 'call-1:0' }],
              type: 'TEXT_CONTENT',
            },
          ],
        },
      },
    });
  });

  it.each([
    ['COMPLETE', 'stop'],
    ['STOP_SEQUENCE', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['TOOL_CALL', 'tool-calls'],
    ['ERROR', 'error'],
    ['TIMEOUT', 'other'],
  ])('maps finish_reason %s to %s', async (raw, unified) => {
    server.enqueue(chatReply({ text: 'x', finishReason: raw }));
    const res = await adapter().complete(hi, callOptions());
    expect(res.finishReason).toBe(unified);
    expect(res.rawFinishReason).toBe(raw);
  });

  it('falls back to billed units when token counts are missing, and leaves out empty metadata', async () => {
    server.enqueue(
      json(200, {
        id: 'r',
        finish_reason: 'COMPLETE',
        message: { role: 'assistant', content: [] },
        usage: { billed_units: { input_tokens: 3, output_tokens: 2 } },
      }),
    );
    const res = await adapter().complete(hi, callOptions());
    expect(res.usage).toEqual({ inputTokens: 3, outputTokens: 2, totalTokens: 5 });
    server.enqueue(json(200, { id: 'r', finish_reason: 'COMPLETE', message: { role: 'assistant' } }));
    const bare = await adapter().complete(hi, callOptions());
    expect(bare).toEqual({
      content: [],
      finishReason: 'stop',
      rawFinishReason: 'COMPLETE',
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
      responseId: 'r',
    });
  });

  it('fails with a server error on a 2xx body that is not a chat response', async () => {
    server.enqueue(
      raw(200, 'not json at all', { 'content-type': 'application/json' }),
      json(200, { hello: 'world' }),
    );
    for (let i = 0; i < 2; i++) {
      const error = (await adapter()
        .complete(hi, callOptions())
        .catch((e: unknown) => e)) as SwitchyardError;
      expect(error.kind).toBe('server');
      expect(error.target).toBe('t1');
      expect(error.message).toContain('malformed');
    }
  });
});

describe('CohereAdapter streaming', () => {
  it('streams text: metadata, deltas, one finish with usage', async () => {
    server.enqueue(chatStream(textStream(['Hel', '', 'lo', ' world'])));
    const { parts, error } = await collect(adapter().stream(hi, callOptions()));
    expect(error).toBeUndefined();
    expect(parts).toEqual([
      { type: 'response-metadata', responseId: 'msg-1' },
      { type: 'text-delta', delta: 'Hel' },
      { type: 'text-delta', delta: 'lo' },
      { type: 'text-delta', delta: ' world' },
      {
        type: 'finish',
        finishReason: 'stop',
        rawFinishReason: 'COMPLETE',
        usage: { inputTokens: 12, outputTokens: 6, totalTokens: 18 },
        providerMetadata: { cohere: { billedUnits: { inputTokens: 10, outputTokens: 5 } } },
      },
    ]);
  });

  it('streams two tool calls with arguments split across deltas, and the tool plan as reasoning', async () => {
    server.enqueue(
      chatStream([
        ev.messageStart('msg-7'),
        ev.toolPlan('I will look up '),
        ev.toolPlan('both cities.'),
        ev.toolCallStart(0, 'call-a', 'get_weather', ''),
        ev.toolCallDelta(0, '{"ci'),
        ev.toolCallDelta(0, 'ty": "Par'),
        ev.toolCallDelta(0, 'is"}'),
        ev.toolCallEnd(0),
        ev.toolCallStart(1, 'call-b', 'get_weather', '{"city"'),
        ev.toolCallDelta(1, ''),
        ev.toolCallDelta(1, ': "Oslo"}'),
        ev.toolCallEnd(1),
        ev.messageEnd('TOOL_CALL'),
      ]),
    );
    const { parts, error } = await collect(adapter().stream(hi, callOptions()));
    expect(error).toBeUndefined();
    expect(parts).toEqual([
      { type: 'response-metadata', responseId: 'msg-7' },
      { type: 'reasoning-delta', delta: 'I will look up ' },
      { type: 'reasoning-delta', delta: 'both cities.' },
      { type: 'tool-input-start', toolCallId: 'call-a', toolName: 'get_weather' },
      { type: 'tool-input-delta', toolCallId: 'call-a', delta: '{"ci' },
      { type: 'tool-input-delta', toolCallId: 'call-a', delta: 'ty": "Par' },
      { type: 'tool-input-delta', toolCallId: 'call-a', delta: 'is"}' },
      { type: 'tool-call', toolCallId: 'call-a', toolName: 'get_weather', input: '{"city": "Paris"}' },
      { type: 'tool-input-start', toolCallId: 'call-b', toolName: 'get_weather' },
      { type: 'tool-input-delta', toolCallId: 'call-b', delta: '{"city"' },
      { type: 'tool-input-delta', toolCallId: 'call-b', delta: ': "Oslo"}' },
      { type: 'tool-call', toolCallId: 'call-b', toolName: 'get_weather', input: '{"city": "Oslo"}' },
      {
        type: 'finish',
        finishReason: 'tool-calls',
        rawFinishReason: 'TOOL_CALL',
        usage: { inputTokens: 12, outputTokens: 6, totalTokens: 18 },
        providerMetadata: {
          cohere: {
            billedUnits: { inputTokens: 10, outputTokens: 5 },
            toolPlan: 'I will look up both cities.',
          },
        },
      },
    ]);
  });

  it('completes tool calls the stream never ended, with {} for empty arguments', async () => {
    server.enqueue(
      chatStream([ev.messageStart(), ev.toolCallStart(0, 'c1', 'ping'), ev.messageEnd('TOOL_CALL')]),
    );
    const { parts } = await collect(adapter().stream(hi, callOptions()));
    expect(parts.filter((p) => p.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCallId: 'c1', toolName: 'ping', input: '{}' },
    ]);
  });

  it('streams thinking as reasoning and collects citations and errors into the finish metadata', async () => {
    const citation = { start: 0, end: 2, text: 'Hi', sources: [{ type: 'document', id: 'doc-0' }] };
    server.enqueue(
      chatStream([
        ev.messageStart(),
        ev.contentStart(0, 'thinking'),
        ev.thinking('Hmm. '),
        ev.thinking('Greet.'),
        ev.contentEnd(0),
        ev.contentStart(1),
        ev.text('Hi', 1),
        ev.contentEnd(1),
        ev.citationStart(0, citation),
        ev.citationEnd(0),
        { type: 'debug', prompt: 'x' },
        { type: 'some-future-event' },
        ev.messageEnd(
          'ERROR',
          { tokens: { input_tokens: 1, output_tokens: 1 } },
          { error: 'upstream failed' },
        ),
      ]),
    );
    const { parts, error } = await collect(adapter().stream(hi, callOptions()));
    expect(error).toBeUndefined();
    expect(parts.slice(1)).toEqual([
      { type: 'reasoning-delta', delta: 'Hmm. ' },
      { type: 'reasoning-delta', delta: 'Greet.' },
      { type: 'text-delta', delta: 'Hi' },
      {
        type: 'finish',
        finishReason: 'error',
        rawFinishReason: 'ERROR',
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        providerMetadata: { cohere: { citations: [citation], error: 'upstream failed' } },
      },
    ]);
  });

  it('ends with a finish without metadata when message-end carries nothing', async () => {
    server.enqueue(chatStream([{ type: 'message-start' }, ev.text('x'), { type: 'message-end' }]));
    const { parts } = await collect(adapter().stream(hi, callOptions()));
    expect(parts).toEqual([
      { type: 'text-delta', delta: 'x' },
      { type: 'finish', finishReason: 'other', usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 } },
    ]);
  });

  it('fails with a server error on tool-call events for an unknown call', async () => {
    for (const bad of [ev.toolCallDelta(3, '{}'), ev.toolCallEnd(3)]) {
      server.enqueue(chatStream([ev.messageStart(), bad, ev.messageEnd()]));
      const { parts, error } = await collect(adapter().stream(hi, callOptions()));
      expect(parts).toEqual([{ type: 'response-metadata', responseId: 'msg-1' }]);
      expect((error as SwitchyardError).kind).toBe('server');
      expect((error as SwitchyardError).target).toBe('t1');
    }
  });

  it('never yields an empty delta', async () => {
    server.enqueue(
      chatStream([
        ev.messageStart(),
        ev.contentStart(),
        ev.text(''),
        ev.toolPlan(''),
        ev.thinking(''),
        ev.text('a'),
        ev.messageEnd(),
      ]),
    );
    const { parts } = await collect(adapter().stream(hi, callOptions()));
    const deltas = parts.filter((p): p is Extract<AdapterStreamPart, { delta: string }> => 'delta' in p);
    expect(deltas.map((d) => d.delta)).toEqual(['a']);
    expect(streamedText(parts)).toBe('a');
  });
});
