import { afterEach, describe, expect, it } from 'vitest';
import { AnthropicAdapter } from '../../adapters/anthropic/index.js';
import { JSON_INSTRUCTION } from '../../adapters/anthropic/request.js';
import {
  type AdapterCallOptions,
  type AdapterRequest,
  isSwitchyardError,
  type SwitchyardError,
  systemClock,
} from '../../src/index.js';
import {
  message,
  redactedThinkingBlock,
  textBlock,
  thinkingBlock,
  toolUseBlock,
} from './anthropic-server.js';
import { ScriptedServer } from './scripted-server.js';

const KEY = 'sk-ant-api03-test-key-0123456789';
const MODEL = 'claude-sonnet-4-6';

const server = ScriptedServer.forTests();
afterEach(() => server.reset());

function adapter(options: ConstructorParameters<typeof AnthropicAdapter>[0] = {}): AnthropicAdapter {
  return new AnthropicAdapter({ apiKey: KEY, baseURL: server.url, ...options });
}

function call(signal: AbortSignal = new AbortController().signal): AdapterCallOptions {
  return { signal, target: 't1', clock: systemClock, deadline: Number.POSITIVE_INFINITY };
}

function ask(content: string, extra: Partial<AdapterRequest> = {}): AdapterRequest {
  return { model: MODEL, messages: [{ role: 'user', content }], ...extra };
}

async function failure(promise: Promise<unknown>): Promise<SwitchyardError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSwitchyardError(error)) throw new Error(`expected a SwitchyardError, got ${String(error)}`);
  return error;
}

/** The API key as the installed SDK sends it: `x-api-key` (0.x) or `Authorization: Bearer` (1.x). */
function sentKey(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const xApiKey = headers['x-api-key'];
  if (typeof xApiKey === 'string') return xApiKey;
  const authorization = headers.authorization;
  return typeof authorization === 'string' ? authorization.replace(/^Bearer /, '') : undefined;
}

describe('AnthropicAdapter request mapping', () => {
  it('sends the exact Messages API body and headers for a rich request', async () => {
    server.enqueue(message());
    const request: AdapterRequest = {
      model: MODEL,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Look at this:' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is it?' },
            { type: 'file', mediaType: 'image/png', data: 'https://example.com/cat.png' },
            { type: 'file', mediaType: 'image/*', data: 'data:image/jpeg;base64,/9j/AAAA' },
            {
              type: 'file',
              mediaType: 'application/pdf',
              data: new Uint8Array([1, 2, 3]),
              filename: 'a.pdf',
            },
          ],
        },
        { role: 'system', content: 'Answer in English.' },
        {
          role: 'assistant',
          content: [
            {
              type: 'reasoning',
              text: 'A lookup helps.',
              providerOptions: { anthropic: { signature: 'sig-1' } },
            },
            { type: 'text', text: 'Let me check.' },
            { type: 'tool-call', toolCallId: 'toolu_1', toolName: 'lookup', input: '{"q":"cat"}' },
            { type: 'tool-call', toolCallId: 'toolu_2', toolName: 'lookup', input: { q: 'dog' } },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'toolu_1',
              toolName: 'lookup',
              output: { type: 'json', value: { kind: 'cat' } },
            },
            {
              type: 'tool-result',
              toolCallId: 'toolu_2',
              toolName: 'lookup',
              output: { type: 'error-text', value: 'not found' },
            },
          ],
        },
        { role: 'user', content: 'Thanks. Which one?' },
      ],
      tools: [
        {
          type: 'function',
          name: 'lookup',
          description: 'Looks things up',
          inputSchema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
        },
      ],
      toolChoice: { type: 'required' },
      stopSequences: ['END'],
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      providerOptions: { thinking: { type: 'enabled', budget_tokens: 1024 } },
      headers: { 'x-request-tag': 'rich' },
    };
    const response = await adapter({ headers: { 'anthropic-beta': 'test-beta' } }).complete(request, call());

    expect(server.last.method).toBe('POST');
    expect(server.last.url).toBe('/v1/messages');
    expect(server.last.body).toEqual({
      model: MODEL,
      max_tokens: 4096,
      system: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Answer in English.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look at this:' },
            { type: 'text', text: 'What is it?' },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
            { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/AAAA' } },
            {
              type: 'document',
              source: { type: 'base64', media_type: 'application/pdf', data: 'AQID' },
              title: 'a.pdf',
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'A lookup helps.', signature: 'sig-1' },
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'cat' } },
            { type: 'tool_use', id: 'toolu_2', name: 'lookup', input: { q: 'dog' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '{"kind":"cat"}' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: 'not found', is_error: true },
            { type: 'text', text: 'Thanks. Which one?' },
          ],
        },
      ],
      tools: [
        {
          name: 'lookup',
          description: 'Looks things up',
          input_schema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
        },
      ],
      tool_choice: { type: 'any' },
      stop_sequences: ['END'],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      thinking: { type: 'enabled', budget_tokens: 1024 },
    });
    const headers = server.last.headers;
    expect(sentKey(headers)).toBe(KEY);
    expect(headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(headers['content-type']).toBe('application/json');
    expect(headers['anthropic-beta']).toBe('test-beta');
    expect(headers['x-request-tag']).toBe('rich');
    expect(headers['x-stainless-retry-count']).toBe('0');
    expect(response.warnings).toBeUndefined();
  });

  it('sends a single plain system message as a string and maxOutputTokens as max_tokens', async () => {
    server.enqueue(message());
    await adapter().complete(
      {
        model: MODEL,
        maxOutputTokens: 99,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'hi' },
        ],
      },
      call(),
    );
    expect(server.last.body).toEqual({
      model: MODEL,
      max_tokens: 99,
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    });
  });

  it('uses the adapter defaultMaxTokens when the request sets none', async () => {
    server.enqueue(message());
    await adapter({ defaultMaxTokens: 512 }).complete(ask('hi'), call());
    expect((server.last.body as { max_tokens: number }).max_tokens).toBe(512);
  });

  it('keeps cache_control from providerOptions on parts, messages, system and tools', async () => {
    server.enqueue(message());
    const cache = { anthropic: { cacheControl: { type: 'ephemeral' } } };
    await adapter().complete(
      {
        model: MODEL,
        messages: [
          { role: 'system', content: 'Long instructions.', providerOptions: cache },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'doc', providerOptions: cache },
              { type: 'text', text: 'q' },
            ],
          },
          { role: 'assistant', content: 'a', providerOptions: cache },
          { role: 'user', content: [{ type: 'text', text: '' }] },
          { role: 'user', content: 'next' },
        ],
        tools: [{ type: 'function', name: 'f', inputSchema: { type: 'object' }, providerOptions: cache }],
      },
      call(),
    );
    const body = server.last.body as Record<string, unknown>;
    expect(body.system).toEqual([
      { type: 'text', text: 'Long instructions.', cache_control: { type: 'ephemeral' } },
    ]);
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'doc', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'q' },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'a', cache_control: { type: 'ephemeral' } }] },
      { role: 'user', content: [{ type: 'text', text: 'next' }] },
    ]);
    expect(body.tools).toEqual([
      { name: 'f', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } },
    ]);
    expect(body.tool_choice).toBeUndefined();
  });

  it('maps every toolChoice', async () => {
    const tools = [{ type: 'function' as const, name: 'f', inputSchema: { type: 'object' } }];
    const cases = [
      [{ type: 'auto' }, { type: 'auto' }],
      [{ type: 'none' }, { type: 'none' }],
      [{ type: 'required' }, { type: 'any' }],
      [
        { type: 'tool', toolName: 'f' },
        { type: 'tool', name: 'f' },
      ],
    ] as const;
    for (const [choice, wire] of cases) {
      server.enqueue(message());
      const response = await adapter().complete(ask('hi', { tools, toolChoice: choice }), call());
      expect((server.last.body as Record<string, unknown>).tool_choice).toEqual(wire);
      expect(response.warnings).toBeUndefined();
    }
  });

  it('warns about a forced tool that is not among the tools, and a toolChoice without tools', async () => {
    server.enqueue(message(), message());
    const tools = [{ type: 'function' as const, name: 'f', inputSchema: { type: 'object' } }];
    const unknown = await adapter().complete(
      ask('hi', { tools, toolChoice: { type: 'tool', toolName: 'g' } }),
      call(),
    );
    expect(unknown.warnings).toEqual([{ type: 'other', message: expect.stringContaining("'g'") }]);
    const noTools = await adapter().complete(ask('hi', { toolChoice: { type: 'required' } }), call());
    expect(noTools.warnings).toEqual([
      { type: 'unsupported-setting', setting: 'toolChoice', message: expect.any(String) },
    ]);
    expect(server.last.body).not.toHaveProperty('tool_choice');
  });

  it('warns about settings Anthropic does not have and does not send them', async () => {
    server.enqueue(message());
    const response = await adapter().complete(
      ask('hi', { seed: 1, presencePenalty: 0.1, frequencyPenalty: 0.2 }),
      call(),
    );
    expect(response.warnings?.map((w) => w.setting)).toEqual(['seed', 'presencePenalty', 'frequencyPenalty']);
    expect(server.last.body).toEqual({
      model: MODEL,
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    });
  });

  it('drops unsigned reasoning with a warning and sends redacted thinking back', async () => {
    server.enqueue(message());
    const response = await adapter().complete(
      {
        model: MODEL,
        messages: [
          { role: 'user', content: 'q' },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'unsigned' },
              { type: 'reasoning', text: '', providerOptions: { anthropic: { redactedData: 'opaque' } } },
              { type: 'text', text: 'answer' },
            ],
          },
          { role: 'user', content: 'more' },
        ],
      },
      call(),
    );
    expect((server.last.body as { messages: unknown[] }).messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'redacted_thinking', data: 'opaque' },
        { type: 'text', text: 'answer' },
      ],
    });
    expect(response.warnings).toEqual([
      { type: 'other', message: expect.stringContaining('messages[1].content[0]') },
    ]);
  });

  it('merges provider options into the body last', async () => {
    server.enqueue(message());
    await adapter().complete(
      ask('hi', {
        temperature: 1,
        providerOptions: { temperature: 0.2, metadata: { user_id: 'u1' }, service_tier: 'auto' },
      }),
      call(),
    );
    expect(server.last.body).toMatchObject({
      temperature: 0.2,
      metadata: { user_id: 'u1' },
      service_tier: 'auto',
    });
  });

  it('emulates JSON with a schema by forcing one tool and returns its input as text', async () => {
    server.enqueue(
      message({
        content: [toolUseBlock('toolu_9', 'answer', { city: 'Paris', population: 2 })],
        stop_reason: 'tool_use',
      }),
    );
    const schema = { type: 'object', properties: { city: { type: 'string' } } };
    const response = await adapter().complete(
      ask('capital of France?', {
        responseFormat: { type: 'json', schema, name: 'answer', description: 'The answer' },
        tools: [{ type: 'function', name: 'other', inputSchema: { type: 'object' } }],
      }),
      call(),
    );
    expect(server.last.body).toMatchObject({
      tools: [{ name: 'answer', description: 'The answer', input_schema: schema }],
      tool_choice: { type: 'tool', name: 'answer' },
    });
    expect(response.content).toEqual([{ type: 'text', text: '{"city":"Paris","population":2}' }]);
    expect(response.finishReason).toBe('stop');
    expect(response.rawFinishReason).toBe('tool_use');
    expect(response.warnings).toEqual([
      { type: 'unsupported-setting', setting: 'tools', message: expect.any(String) },
    ]);
  });

  it('uses a default tool name for an unnamed schema', async () => {
    server.enqueue(
      message({ content: [textBlock('ignored'), toolUseBlock('t', 'json_response', { a: 1 })] }),
    );
    const response = await adapter().complete(
      ask('x', { responseFormat: { type: 'json', schema: { type: 'object' } } }),
      call(),
    );
    expect(server.last.body).toMatchObject({ tool_choice: { type: 'tool', name: 'json_response' } });
    expect(response.content).toEqual([{ type: 'text', text: '{"a":1}' }]);
    expect(response.warnings).toBeUndefined();
  });

  it('serves a JSON schema with output_config.format in native mode, keeping tools and merged options', async () => {
    server.enqueue(message({ content: [textBlock('{"city":"Paris"}')] }));
    const schema = { type: 'object', properties: { city: { type: 'string' } } };
    const tools = [{ type: 'function' as const, name: 'f', inputSchema: { type: 'object' } }];
    const response = await adapter({ jsonSchemaMode: 'native' }).complete(
      ask('capital?', {
        responseFormat: { type: 'json', schema },
        tools,
        toolChoice: { type: 'auto' },
        providerOptions: { output_config: { effort: 'low' }, stop_sequences: ['X'] },
        stopSequences: ['END'],
      }),
      call(),
    );
    expect(server.last.body).toEqual({
      model: MODEL,
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'capital?' }] }],
      tools: [{ name: 'f', input_schema: { type: 'object' } }],
      tool_choice: { type: 'auto' },
      stop_sequences: ['X'],
      output_config: { format: { type: 'json_schema', schema }, effort: 'low' },
    });
    expect(response.content).toEqual([{ type: 'text', text: '{"city":"Paris"}' }]);
    expect(response.warnings).toBeUndefined();
  });

  it('asks for JSON by instruction, with a warning, when there is no schema', async () => {
    server.enqueue(message({ content: [textBlock('{"ok":true}')] }));
    const response = await adapter().complete(
      {
        model: MODEL,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'x' },
        ],
        responseFormat: { type: 'json' },
      },
      call(),
    );
    expect((server.last.body as Record<string, unknown>).system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: JSON_INSTRUCTION },
    ]);
    expect(response.content).toEqual([{ type: 'text', text: '{"ok":true}' }]);
    expect(response.warnings).toEqual([{ type: 'other', message: expect.stringContaining('JSON') }]);
  });

  it('rejects what Anthropic cannot take with invalid_request naming the field', async () => {
    const a = adapter();
    const badJson = await failure(
      a.complete(
        {
          model: MODEL,
          messages: [
            {
              role: 'assistant',
              content: [{ type: 'tool-call', toolCallId: 'x', toolName: 'f', input: '{oops' }],
            },
          ],
        },
        call(),
      ),
    );
    expect(badJson.kind).toBe('invalid_request');
    expect(badJson.message).toContain('messages[0].content[0].input');
    expect(badJson.target).toBe('t1');

    const array = await failure(
      a.complete(
        {
          model: MODEL,
          messages: [
            {
              role: 'assistant',
              content: [{ type: 'tool-call', toolCallId: 'x', toolName: 'f', input: [1] }],
            },
          ],
        },
        call(),
      ),
    );
    expect(array.message).toContain('expected a JSON object, got an array');

    const audio = await failure(
      a.complete(
        {
          model: MODEL,
          messages: [{ role: 'user', content: [{ type: 'file', mediaType: 'audio/wav', data: 'AAAA' }] }],
        },
        call(),
      ),
    );
    expect(audio.kind).toBe('invalid_request');
    expect(audio.message).toContain(
      "messages[0].content[0].mediaType: expected an image/* type or application/pdf for Anthropic, got 'audio/wav'",
    );

    const dataUrl = await failure(
      a.complete(
        {
          model: MODEL,
          messages: [
            { role: 'user', content: [{ type: 'file', mediaType: 'image/png', data: 'data:image/png,raw' }] },
          ],
        },
        call(),
      ),
    );
    expect(dataUrl.message).toContain('messages[0].content[0].data');
    expect(server.requests).toHaveLength(0);
  });

  it('sends base64 text as base64, keeps a specific media type over a data URL, and PDFs by URL', async () => {
    server.enqueue(message());
    await adapter().complete(
      {
        model: MODEL,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'file', mediaType: 'image/webp', data: 'UklGRg==' },
              { type: 'file', mediaType: 'image/png', data: 'data:image/jpeg;base64,iVBO' },
              { type: 'file', mediaType: 'image/*', data: 'data:;base64,R0lG' },
              { type: 'file', mediaType: 'application/pdf', data: 'https://example.com/paper.pdf' },
            ],
          },
        ],
      },
      call(),
    );
    expect((server.last.body as { messages: Array<{ content: unknown }> }).messages[0]?.content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/webp', data: 'UklGRg==' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBO' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/*', data: 'R0lG' } },
      { type: 'document', source: { type: 'url', url: 'https://example.com/paper.pdf' } },
    ]);
  });

  it('encodes large byte arrays as base64 correctly', async () => {
    server.enqueue(message());
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256);
    await adapter().complete(
      {
        model: MODEL,
        messages: [{ role: 'user', content: [{ type: 'file', mediaType: 'image/png', data: bytes }] }],
      },
      call(),
    );
    const block = (server.last.body as { messages: Array<{ content: Array<{ source: { data: string } }> }> })
      .messages[0]?.content[0];
    expect(block?.source.data).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('maps empty or missing tool inputs to an empty object and URL objects by reference', async () => {
    server.enqueue(message());
    await adapter().complete(
      {
        model: MODEL,
        messages: [
          {
            role: 'assistant',
            content: [
              { type: 'tool-call', toolCallId: 'a', toolName: 'f', input: '' },
              { type: 'tool-call', toolCallId: 'b', toolName: 'f', input: undefined },
              { type: 'file', mediaType: 'image/gif', data: new URL('https://example.com/x.gif') },
            ],
          },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'a', toolName: 'f', output: { type: 'text', value: 'ok' } },
              {
                type: 'tool-result',
                toolCallId: 'b',
                toolName: 'f',
                output: { type: 'error-json', value: { e: 1 } },
              },
            ],
          },
        ],
      },
      call(),
    );
    expect((server.last.body as { messages: unknown[] }).messages).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'a', name: 'f', input: {} },
          { type: 'tool_use', id: 'b', name: 'f', input: {} },
          { type: 'image', source: { type: 'url', url: 'https://example.com/x.gif' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'a', content: 'ok' },
          { type: 'tool_result', tool_use_id: 'b', content: '{"e":1}', is_error: true },
        ],
      },
    ]);
  });
});

describe('AnthropicAdapter response mapping', () => {
  it('maps text, usage with cache reads and writes, id and model', async () => {
    server.enqueue(
      message({
        id: 'msg_cache',
        model: 'claude-sonnet-4-6-20260101',
        content: [textBlock('Hi '), textBlock(''), textBlock('there')],
        usage: {
          input_tokens: 100,
          output_tokens: 20,
          cache_read_input_tokens: 1000,
          cache_creation_input_tokens: 50,
        },
      }),
    );
    const response = await adapter().complete(ask('hi'), call());
    expect(response).toEqual({
      content: [
        { type: 'text', text: 'Hi ' },
        { type: 'text', text: 'there' },
      ],
      finishReason: 'stop',
      rawFinishReason: 'end_turn',
      usage: {
        inputTokens: 1150,
        outputTokens: 20,
        totalTokens: 1170,
        cachedInputTokens: 1000,
        cacheWriteInputTokens: 50,
      },
      responseId: 'msg_cache',
      modelId: 'claude-sonnet-4-6-20260101',
    });
  });

  it('leaves cache counts out when the API reports none, and reads thinking tokens', async () => {
    server.enqueue(
      message({
        usage: {
          input_tokens: 7,
          output_tokens: 3,
          cache_read_input_tokens: null,
          output_tokens_details: { thinking_tokens: 2 },
        } as never,
      }),
    );
    const response = await adapter().complete(ask('hi'), call());
    expect(response.usage).toEqual({ inputTokens: 7, outputTokens: 3, totalTokens: 10, reasoningTokens: 2 });
  });

  it('maps thinking, tool calls and redacted thinking with signatures in providerMetadata', async () => {
    server.enqueue(
      message({
        content: [
          thinkingBlock('Let me think.', 'sig-abc'),
          redactedThinkingBlock('opaque-data'),
          textBlock('Checking.'),
          toolUseBlock('toolu_1', 'lookup', { q: 'cat' }),
          toolUseBlock('toolu_2', 'noargs', null),
          { type: 'server_tool_use', id: 'srv', name: 'web_search', input: {} },
        ],
        stop_reason: 'tool_use',
      }),
    );
    const response = await adapter().complete(ask('hi'), call());
    expect(response.content).toEqual([
      { type: 'reasoning', text: 'Let me think.' },
      { type: 'text', text: 'Checking.' },
      { type: 'tool-call', toolCallId: 'toolu_1', toolName: 'lookup', input: '{"q":"cat"}' },
      { type: 'tool-call', toolCallId: 'toolu_2', toolName: 'noargs', input: '{}' },
    ]);
    expect(response.finishReason).toBe('tool-calls');
    expect(response.providerMetadata).toEqual({
      anthropic: { signatures: ['sig-abc'], redactedThinking: ['opaque-data'] },
    });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool-calls'],
    ['refusal', 'content-filter'],
    ['pause_turn', 'other'],
    ['something_new', 'other'],
  ])('maps stop_reason %s to %s and keeps the raw value', async (raw, unified) => {
    server.enqueue(message({ stop_reason: raw, stop_sequence: raw === 'stop_sequence' ? 'END' : null }));
    const response = await adapter().complete(ask('hi'), call());
    expect(response.finishReason).toBe(unified);
    expect(response.rawFinishReason).toBe(raw);
    if (raw === 'stop_sequence')
      expect(response.providerMetadata).toEqual({ anthropic: { stopSequence: 'END' } });
  });

  it('maps a missing stop_reason to other without a raw value', async () => {
    server.enqueue(message({ stop_reason: null }));
    const response = await adapter().complete(ask('hi'), call());
    expect(response.finishReason).toBe('other');
    expect(response).not.toHaveProperty('rawFinishReason');
  });
});

describe('AnthropicAdapter setup', () => {
  it('has the anthropic provider name and capabilities', () => {
    const a = adapter();
    expect(a.provider).toBe('anthropic');
    expect(a.capabilities).toEqual({
      streaming: true,
      tools: true,
      json: 'schema',
      images: true,
      contextWindow: 200_000,
    });
  });

  it('reads ANTHROPIC_API_KEY and fails with a config error naming it when there is none', async () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    try {
      delete process.env.ANTHROPIC_API_KEY;
      let error: unknown;
      try {
        new AnthropicAdapter({ baseURL: server.url });
      } catch (e) {
        error = e;
      }
      expect(isSwitchyardError(error) && error.kind).toBe('config');
      expect((error as Error).message).toContain('ANTHROPIC_API_KEY');

      process.env.ANTHROPIC_API_KEY = 'sk-ant-from-env-0123456789';
      server.enqueue(message());
      await new AnthropicAdapter({ baseURL: server.url }).complete(ask('hi'), call());
      expect(sentKey(server.last.headers)).toBe('sk-ant-from-env-0123456789');
    } finally {
      if (saved === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = saved;
    }
  });

  it('rejects invalid numeric options with config errors', () => {
    expect(() => adapter({ defaultMaxTokens: 0 })).toThrow(
      /options\.defaultMaxTokens: expected a positive integer/,
    );
    expect(() => adapter({ timeoutMs: -1 })).toThrow(/options\.timeoutMs: expected a positive number/);
    expect(() => adapter({ jsonSchemaMode: 'xml' as never })).toThrow(
      /options\.jsonSchemaMode: expected 'tool' or 'native'/,
    );
  });

  it('sends requests through a custom fetch', async () => {
    const seen: string[] = [];
    const fetch = (input: string | URL | Request, init?: RequestInit) => {
      seen.push(String(input instanceof Request ? input.url : input));
      return globalThis.fetch(input, init);
    };
    server.enqueue(message());
    const response = await adapter({ fetch }).complete(ask('hi'), call());
    expect(response.content).toEqual([{ type: 'text', text: 'Hello!' }]);
    expect(seen).toEqual([`${server.url}/v1/messages`]);
    expect(server.requests).toHaveLength(1);
  });

  it('knows default prices of Claude models', () => {
    const a = adapter();
    expect(a.priceFor('claude-sonnet-4-5-20250929')).toEqual({
      inputPerMTok: 3,
      outputPerMTok: 15,
      cachedInputPerMTok: 0.3,
      cacheWritePerMTok: 3.75,
    });
    expect(a.priceFor('claude-opus-4-20250514')?.inputPerMTok).toBe(15);
    expect(a.priceFor('claude-opus-4-5-20251101')?.inputPerMTok).toBe(5);
    expect(a.priceFor('claude-3-5-haiku-latest')?.outputPerMTok).toBe(4);
    expect(a.priceFor('gpt-4o')).toBeUndefined();
  });
});
