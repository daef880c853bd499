import { Agent, fetch as undiciFetch } from 'undici';
import { describe, expect, it } from 'vitest';
import { OpenAIAdapter } from '../../adapters/openai/index.js';
import { imageUrl } from '../../adapters/openai/messages.js';
import { mapFinishReason } from '../../adapters/openai/response.js';
import type { AdapterRequest } from '../../src/index.js';
import {
  callOptions,
  collect,
  completion,
  completionResponse,
  ScriptedServer,
  streamChunks,
  textChunks,
} from './openai-server.js';

const KEY = 'sk-test-abcdefghijklmnop';
const server = ScriptedServer.forTests();

function adapter(options: ConstructorParameters<typeof OpenAIAdapter>[0] = {}): OpenAIAdapter {
  return new OpenAIAdapter({ apiKey: KEY, baseURL: `${server.url}/v1`, ...options });
}

const WEATHER_SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

describe('request mapping', () => {
  it('sends the exact body for a rich request', async () => {
    server.enqueue(completionResponse());
    const request: AdapterRequest = {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is on this picture?' },
            { type: 'file', mediaType: 'image/png', data: 'https://example.com/a.png' },
            { type: 'file', mediaType: 'image/jpeg', data: 'aGVsbG8=' },
            { type: 'file', mediaType: 'image/gif', data: new Uint8Array([1, 2, 3]) },
            { type: 'file', mediaType: 'image/webp', data: new URL('https://example.com/b.webp') },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'I should call the tool.' },
            { type: 'text', text: 'Let me check.' },
            { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: { city: 'Paris' } },
            { type: 'tool-call', toolCallId: 'call_2', toolName: 'weather', input: '{"city":"Rome"}' },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'call_1',
              toolName: 'weather',
              output: { type: 'json', value: { temp: 21 } },
            },
            {
              type: 'tool-result',
              toolCallId: 'call_2',
              toolName: 'weather',
              output: { type: 'error-text', value: 'down' },
            },
          ],
        },
        { role: 'user', content: 'Thanks', providerOptions: { openai: { name: 'ada' } } },
      ],
      tools: [
        { type: 'function', name: 'weather', description: 'Weather by city', inputSchema: WEATHER_SCHEMA },
        {
          type: 'function',
          name: 'noop',
          inputSchema: { type: 'object' },
          providerOptions: { openai: { strict: false } },
        },
      ],
      toolChoice: { type: 'tool', toolName: 'weather' },
      responseFormat: { type: 'json', schema: WEATHER_SCHEMA, name: 'weather', description: 'A city' },
      maxOutputTokens: 100,
      temperature: 0.2,
      topP: 0.9,
      stopSequences: ['END'],
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.3,
      providerOptions: { user: 'u-1', parallel_tool_calls: false },
      headers: { 'x-request-tag': 'abc' },
    };
    await adapter({ headers: { 'x-default': 'd' } }).complete(request, callOptions());

    const received = server.last;
    expect(received.method).toBe('POST');
    expect(received.url).toBe('/v1/chat/completions');
    expect(received.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(received.headers['x-request-tag']).toBe('abc');
    expect(received.headers['x-default']).toBe('d');
    expect(received.headers['openai-organization']).toBeUndefined();
    expect(received.body).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is on this picture?' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,aGVsbG8=' } },
            { type: 'image_url', image_url: { url: 'data:image/gif;base64,AQID' } },
            { type: 'image_url', image_url: { url: 'https://example.com/b.webp' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
        { role: 'tool', tool_call_id: 'call_2', content: 'down' },
        { role: 'user', content: 'Thanks', name: 'ada' },
      ],
      max_completion_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['END'],
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.3,
      tools: [
        {
          type: 'function',
          function: { name: 'weather', description: 'Weather by city', parameters: WEATHER_SCHEMA },
        },
        { type: 'function', function: { name: 'noop', parameters: { type: 'object' }, strict: false } },
      ],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'weather', description: 'A city', schema: WEATHER_SCHEMA, strict: true },
      },
      user: 'u-1',
      parallel_tool_calls: false,
    });
  });

  it('sends only the model and messages for a minimal request', async () => {
    server.enqueue(completionResponse());
    await adapter().complete(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
      callOptions(),
    );
    expect(server.last.body).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('maps tool choices, json mode and tool results', async () => {
    const a = adapter();
    const tools = [{ type: 'function' as const, name: 't', inputSchema: { type: 'object' } }];
    for (const [choice, wire] of [
      [{ type: 'auto' }, 'auto'],
      [{ type: 'none' }, 'none'],
      [{ type: 'required' }, 'required'],
    ] as const) {
      server.enqueue(completionResponse());
      await a.complete(
        { model: 'm', messages: [{ role: 'user', content: 'x' }], tools, toolChoice: choice },
        callOptions(),
      );
      expect((server.last.body as { tool_choice: unknown }).tool_choice).toBe(wire);
    }
    server.enqueue(completionResponse());
    const res = await a.complete(
      {
        model: 'm',
        messages: [
          { role: 'assistant', content: 'plain' },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'a', toolName: 't', output: { type: 'text', value: 'ok' } },
              {
                type: 'tool-result',
                toolCallId: 'b',
                toolName: 't',
                output: { type: 'error-json', value: { e: 1 } },
              },
            ],
          },
        ],
        responseFormat: { type: 'json' },
        toolChoice: { type: 'auto' },
        stopSequences: [],
      },
      callOptions(),
    );
    expect(server.last.body).toEqual({
      model: 'm',
      messages: [
        { role: 'assistant', content: 'plain' },
        { role: 'tool', tool_call_id: 'a', content: 'ok' },
        { role: 'tool', tool_call_id: 'b', content: '{"e":1}' },
      ],
      response_format: { type: 'json_object' },
    });
    expect(res.warnings).toEqual([
      {
        type: 'unsupported-setting',
        setting: 'toolChoice',
        message: 'toolChoice was not sent: the request has no tools',
      },
    ]);
  });

  it('drops JSON mode with a warning where the provider has none', async () => {
    server.enqueue(completionResponse());
    const res = await adapter({ preset: 'perplexity' }).complete(
      { model: 'sonar', messages: [{ role: 'user', content: 'x' }], responseFormat: { type: 'json' } },
      callOptions(),
    );
    expect(server.last.body).toEqual({ model: 'sonar', messages: [{ role: 'user', content: 'x' }] });
    expect(res.warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-setting', setting: 'responseFormat' }),
    ]);
  });

  it('falls back to JSON mode with a warning where the provider has no JSON schema mode', async () => {
    server.enqueue(completionResponse());
    const res = await adapter({ preset: 'deepseek' }).complete(
      {
        model: 'deepseek-chat',
        messages: [{ role: 'user', content: 'x' }],
        responseFormat: { type: 'json', schema: WEATHER_SCHEMA },
      },
      callOptions(),
    );
    expect((server.last.body as { response_format: unknown }).response_format).toEqual({
      type: 'json_object',
    });
    expect(res.warnings).toEqual([expect.objectContaining({ setting: 'responseFormat.schema' })]);
  });

  it('warns about topK and drops it', async () => {
    server.enqueue(completionResponse());
    const res = await adapter().complete(
      { model: 'm', messages: [{ role: 'user', content: 'x' }], topK: 5 },
      callOptions(),
    );
    expect(server.last.body).toEqual({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(res.warnings?.[0]).toMatchObject({ type: 'unsupported-setting', setting: 'topK' });
  });

  it('rejects non-image files before calling', async () => {
    const call = adapter().complete(
      {
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'file', mediaType: 'application/pdf', data: 'AAAA' }] }],
      },
      callOptions(),
    );
    await expect(call).rejects.toMatchObject({ kind: 'invalid_request', target: 't1' });
    await expect(call).rejects.toThrow(/messages\[0\]\.content\[0\].*application\/pdf/);
    expect(server.requests).toHaveLength(0);
  });

  it('drops files in assistant messages with a warning', async () => {
    server.enqueue(completionResponse());
    const res = await adapter().complete(
      {
        model: 'm',
        messages: [{ role: 'assistant', content: [{ type: 'file', mediaType: 'image/png', data: 'AAAA' }] }],
      },
      callOptions(),
    );
    expect((server.last.body as { messages: unknown }).messages).toEqual([
      { role: 'assistant', content: '' },
    ]);
    expect(res.warnings?.[0]?.type).toBe('other');
  });

  it('rejects an unknown role', async () => {
    const call = adapter().complete(
      { model: 'm', messages: [{ role: 'robot', content: 'x' } as never] },
      callOptions(),
    );
    await expect(call).rejects.toMatchObject({ kind: 'invalid_request' });
  });

  it('builds data URLs without Buffer too', () => {
    const saved = globalThis.Buffer;
    try {
      (globalThis as { Buffer?: unknown }).Buffer = undefined;
      expect(imageUrl({ type: 'file', mediaType: 'image/png', data: new Uint8Array([104, 105]) })).toBe(
        'data:image/png;base64,aGk=',
      );
    } finally {
      globalThis.Buffer = saved;
    }
    expect(imageUrl({ type: 'file', mediaType: 'image/png', data: 'data:image/png;base64,xx' })).toBe(
      'data:image/png;base64,xx',
    );
  });
});

describe('response mapping', () => {
  it('maps text, usage, ids, finish reason and metadata', async () => {
    server.enqueue(
      completionResponse({
        id: 'chatcmpl-abc',
        model: 'gpt-4o-2024-08-06',
        content: 'Hi there',
        usage: {
          prompt_tokens: 100,
          completion_tokens: 20,
          total_tokens: 120,
          prompt_tokens_details: { cached_tokens: 64 },
          completion_tokens_details: { reasoning_tokens: 8 },
        },
        systemFingerprint: 'fp_1',
      }),
    );
    const res = await adapter().complete(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] },
      callOptions(),
    );
    expect(res).toEqual({
      content: [{ type: 'text', text: 'Hi there' }],
      finishReason: 'stop',
      rawFinishReason: 'stop',
      usage: {
        inputTokens: 100,
        outputTokens: 20,
        totalTokens: 120,
        cachedInputTokens: 64,
        reasoningTokens: 8,
      },
      responseId: 'chatcmpl-abc',
      modelId: 'gpt-4o-2024-08-06',
      providerMetadata: { system_fingerprint: 'fp_1' },
    });
  });

  it('maps two parallel tool calls, reasoning and a refusal', async () => {
    server.enqueue(
      completionResponse({
        content: null,
        reasoning_content: 'thinking…',
        refusal: 'partly refused',
        toolCalls: [
          { id: 'call_a', name: 'weather', arguments: '{"city":"Paris"}' },
          { id: 'call_b', name: 'time', arguments: '' },
        ],
        usage: null,
      }),
    );
    const res = await adapter().complete(
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      callOptions(),
    );
    expect(res.content).toEqual([
      { type: 'reasoning', text: 'thinking…' },
      { type: 'tool-call', toolCallId: 'call_a', toolName: 'weather', input: '{"city":"Paris"}' },
      { type: 'tool-call', toolCallId: 'call_b', toolName: 'time', input: '{}' },
    ]);
    expect(res.finishReason).toBe('tool-calls');
    expect(res.usage).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });
    expect(res.providerMetadata).toEqual({ refusal: 'partly refused' });
  });

  it('maps every finish reason', () => {
    expect(mapFinishReason('stop')).toBe('stop');
    expect(mapFinishReason('length')).toBe('length');
    expect(mapFinishReason('content_filter')).toBe('content-filter');
    expect(mapFinishReason('tool_calls')).toBe('tool-calls');
    expect(mapFinishReason('function_call')).toBe('tool-calls');
    expect(mapFinishReason('error')).toBe('error');
    expect(mapFinishReason('eos')).toBe('other');
    expect(mapFinishReason(null)).toBe('other');
  });

  it('keeps the raw finish reason and DeepSeek cache hits', async () => {
    server.enqueue(
      completionResponse({
        finishReason: 'length',
        usage: { prompt_tokens: 10, completion_tokens: 3, prompt_cache_hit_tokens: 6 } as never,
        extra: { citations: ['https://a.example'] },
      }),
    );
    const res = await adapter().complete(
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      callOptions(),
    );
    expect(res.finishReason).toBe('length');
    expect(res.rawFinishReason).toBe('length');
    expect(res.usage).toEqual({ inputTokens: 10, outputTokens: 3, totalTokens: 13, cachedInputTokens: 6 });
    expect(res.providerMetadata).toEqual({ citations: ['https://a.example'] });
  });

  it('fails with server when the response has no choices', async () => {
    server.enqueue(completionResponse({ extra: { choices: [] } }));
    const call = adapter().complete(
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      callOptions(),
    );
    await expect(call).rejects.toMatchObject({ kind: 'server', target: 't1' });
  });

  it('fails with server on a malformed JSON body', async () => {
    server.enqueue((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "x", "choices": [');
    });
    const call = adapter().complete(
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      callOptions(),
    );
    await expect(call).rejects.toMatchObject({ kind: 'server', target: 't1' });
  });
});

describe('client options', () => {
  it('uses a custom fetch for every call', async () => {
    let calls = 0;
    const counting = (input: string | URL | Request, init?: RequestInit) => {
      calls++;
      return fetch(input, init);
    };
    const a = adapter({ fetch: counting });
    server.enqueue(completionResponse(), completionResponse());
    await a.complete({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, callOptions());
    await a.complete({ model: 'm', messages: [{ role: 'user', content: 'y' }] }, callOptions());
    expect(calls).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it('works with undici fetch and its own dispatcher, streaming included', async () => {
    const dispatcher = new Agent({ keepAliveTimeout: 1000 });
    let calls = 0;
    const viaUndici = (input: string | URL | Request, init?: RequestInit) => {
      calls++;
      return undiciFetch(input as string, {
        ...(init as object),
        dispatcher,
      }) as unknown as Promise<Response>;
    };
    try {
      const a = adapter({ fetch: viaUndici });
      server.enqueue(completionResponse(), streamChunks(textChunks(['a', 'b'])));
      const res = await a.complete({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, callOptions());
      expect(res.content).toEqual([{ type: 'text', text: 'Hello!' }]);
      const parts = await collect(
        a.stream({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, callOptions()),
      );
      expect(parts.filter((p) => p.type === 'text-delta')).toHaveLength(2);
      expect(calls).toBe(2);
    } finally {
      await dispatcher.close();
    }
  });

  it('sends organization and project only when set', async () => {
    server.enqueue(completionResponse());
    await adapter({ organization: 'org-1', project: 'proj-1' }).complete(
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      callOptions(),
    );
    expect(server.last.headers['openai-organization']).toBe('org-1');
    expect(server.last.headers['openai-project']).toBe('proj-1');
  });

  it('reads the key from the preset env var and never from OpenAI env vars for other presets', async () => {
    const saved = { ...process.env };
    try {
      process.env.OPENAI_API_KEY = 'sk-openai-should-not-leak-1234';
      process.env.OPENAI_ORG_ID = 'org-should-not-leak';
      process.env.DEEPSEEK_API_KEY = 'sk-deepseek-from-env-1234';
      server.enqueue(completionResponse());
      await new OpenAIAdapter({ preset: 'deepseek', baseURL: server.url }).complete(
        { model: 'deepseek-chat', messages: [{ role: 'user', content: 'x' }] },
        callOptions(),
      );
      expect(server.last.url).toBe('/chat/completions');
      expect(server.last.headers.authorization).toBe('Bearer sk-deepseek-from-env-1234');
      expect(server.last.headers['openai-organization']).toBeUndefined();
    } finally {
      process.env = saved;
    }
  });

  it('throws a config error naming the env var when the key is missing', () => {
    const saved = process.env.GROQ_API_KEY;
    delete process.env.GROQ_API_KEY;
    try {
      expect(() => new OpenAIAdapter({ preset: 'groq' })).toThrow(/GROQ_API_KEY/);
      expect(() => new OpenAIAdapter({ preset: 'groq' })).toThrow(
        expect.objectContaining({ kind: 'config' }),
      );
    } finally {
      if (saved !== undefined) process.env.GROQ_API_KEY = saved;
    }
  });

  it('throws a config error for an unknown preset', () => {
    expect(() => new OpenAIAdapter({ preset: 'nope', apiKey: KEY })).toThrow(
      expect.objectContaining({ kind: 'config' }),
    );
  });

  it('derives capabilities and prices', () => {
    const openai = adapter();
    expect(openai.provider).toBe('openai');
    expect(openai.capabilities).toEqual({ streaming: true, tools: true, json: 'schema', images: true });
    expect(openai.priceFor('gpt-4o-mini-2024-07-18')).toEqual({
      inputPerMTok: 0.15,
      outputPerMTok: 0.6,
      cachedInputPerMTok: 0.075,
    });
    expect(openai.priceFor('unknown-model')).toBeUndefined();
    const deepseek = adapter({ preset: 'deepseek' });
    expect(deepseek.capabilities).toEqual({ streaming: true, tools: true, json: 'json', images: false });
    expect(deepseek.priceFor('deepseek-chat')?.inputPerMTok).toBeGreaterThan(0);
    const perplexity = adapter({ preset: 'perplexity' });
    expect(perplexity.capabilities).toMatchObject({ tools: false, json: 'schema' });
    const custom = adapter({
      preset: {
        label: 'X',
        baseURL: 'http://x',
        quirks: { supportsJsonSchema: false, supportsJsonObject: false, contextWindow: 8192 },
      },
    });
    expect(custom.provider).toBe('openai-compatible');
    expect(custom.capabilities).toEqual({
      streaming: true,
      tools: true,
      json: false,
      images: true,
      contextWindow: 8192,
    });
  });

  it('passes a completion body builder sanity check', () => {
    expect(completion({ toolCalls: [{ id: 'a', name: 'b', arguments: '{}' }] })).toMatchObject({
      choices: [{ finish_reason: 'tool_calls' }],
    });
  });
});
