/**
 * The official `@anthropic-ai/sdk` pointed at the gateway's `POST /v1/messages`: what a real
 * Anthropic client sees — completion, stream (text reassembled exactly), tools both ways, a 429,
 * a bad key, an unknown model, abort mid-stream; and the raw SSE event sequence.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { masterKeyAuth } from './auth.js';
import { hangingStream, JSON_HEADERS, send, startGateway, type TestGateway } from './test-helpers.js';

const KEY = 'sk-gateway-test-0123456789';
let current: TestGateway | undefined;

afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function setup(
  ...args: Parameters<typeof startGateway>
): Promise<{ gw: TestGateway; client: Anthropic }> {
  const [handler, options, target] = args;
  current = await startGateway(handler, { authenticate: masterKeyAuth(KEY), ...options }, target);
  const client = new Anthropic({ apiKey: KEY, baseURL: current.url, maxRetries: 0, timeout: 10_000 });
  return { gw: current, client };
}

const weather: Anthropic.Tool = {
  name: 'get_weather',
  description: 'The weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('@anthropic-ai/sdk against the gateway', () => {
  it('completion: system, settings and the answer mapped both ways', async () => {
    const { client, gw } = await setup([
      { text: 'Hello, world', usage: { inputTokens: 5, outputTokens: 3 } },
    ]);
    const message = await client.messages.create({
      model: 'fast',
      max_tokens: 20,
      system: 'Be brief.',
      // Sampling settings the Messages API still takes on the wire (SDK 1.x no longer types them).
      ...({ temperature: 0.2, top_p: 0.9, top_k: 40 } as object),
      stop_sequences: ['END'],
      metadata: { user_id: 'end-user-7' },
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'fast',
      content: [{ type: 'text', text: 'Hello, world' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 3 },
    });
    expect(message.id).toMatch(/^msg_/);
    const request = gw.adapter.calls[0]!.request;
    expect(request).toMatchObject({
      model: 'mock-model',
      maxOutputTokens: 20,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stopSequences: ['END'],
    });
    expect(request.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Say hello' },
    ]);
  });

  it('stream: the text reassembles exactly, the final message has the stop reason and usage', async () => {
    const deltas = [
      'Hel',
      'lo',
      ', ',
      'wörld',
      ' 🌍',
      '\n',
      'event: ping\n\n',
      'data: x\n\n',
      '"quoted"',
      '',
    ];
    const { client } = await setup([{ stream: deltas, usage: { inputTokens: 4, outputTokens: 9 } }]);
    const stream = client.messages.stream({
      model: 'fast',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    let text = '';
    const types: string[] = [];
    stream.on('text', (delta) => {
      text += delta;
    });
    stream.on('streamEvent', (event) => types.push(event.type));
    const final = await stream.finalMessage();
    expect(text).toBe(deltas.join(''));
    expect(final.content).toEqual([{ type: 'text', text: deltas.join('') }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({ input_tokens: 4, output_tokens: 9 });
    expect(types[0]).toBe('message_start');
    expect(types[1]).toBe('content_block_start');
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
  });

  it('tools: tool_use comes back (plain and streamed), tool_result and images go up', async () => {
    const { client, gw } = await setup([
      { toolCalls: [{ toolName: 'get_weather', input: { city: 'Paris' }, toolCallId: 'toolu_7' }] },
    ]);
    const message = await client.messages.create({
      model: 'fast',
      max_tokens: 50,
      tools: [weather],
      tool_choice: { type: 'any' },
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'toolu_7', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(gw.adapter.calls[0]!.request.toolChoice).toEqual({ type: 'required' });
    expect(gw.adapter.calls[0]!.request.tools).toEqual([
      {
        type: 'function',
        name: 'get_weather',
        description: 'The weather in a city',
        inputSchema: weather.input_schema,
      },
    ]);

    const png = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');
    const stream = client.messages.stream({
      model: 'fast',
      max_tokens: 50,
      tools: [weather],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: message.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_7', content: '18 °C' },
            { type: 'text', text: 'And this picture?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
          ],
        },
      ],
    });
    const jsonDeltas: string[] = [];
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') {
        jsonDeltas.push(event.delta.partial_json);
      }
    });
    const final = await stream.finalMessage();
    expect(final.content).toEqual([
      { type: 'tool_use', id: 'toolu_7', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(final.stop_reason).toBe('tool_use');
    expect(jsonDeltas.join('')).toBe('{"city":"Paris"}');
    const sent = gw.adapter.calls[1]!.request;
    expect(sent.toolChoice).toEqual({ type: 'tool', toolName: 'get_weather' });
    expect(sent.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', toolCallId: 'toolu_7', toolName: 'get_weather', input: { city: 'Paris' } },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'toolu_7',
            toolName: 'get_weather',
            output: { type: 'text', value: '18 °C' },
          },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'And this picture?' },
          { type: 'file', data: png, mediaType: 'image/png' },
        ],
      },
    ]);
  });

  it('an upstream 429: the client sees a RateLimitError with the gateway’s retry-after, as Anthropic error JSON', async () => {
    const { client } = await setup([{ error: { status: 429, retryAfterMs: 7_000, message: 'slow down' } }]);
    const error = await client.messages
      .create({ model: 'fast', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const e = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.headers?.get('retry-after')).toBe('7');
    expect(e.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
  });

  it('a bad key: 401 AuthenticationError; an unknown model: 404; a bad request: 400 naming the field', async () => {
    const { client, gw } = await setup([{ text: 'x' }]);
    const bad = new Anthropic({ apiKey: 'sk-wrong-key-000000000', baseURL: gw.url, maxRetries: 0 });
    const denied = await bad.messages
      .create({ model: 'fast', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((denied as InstanceType<typeof Anthropic.AuthenticationError>).error).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'Missing or invalid API key.' },
    });
    const notFound = await client.messages
      .create({ model: 'claude-unknown', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(Anthropic.NotFoundError);
    expect((notFound as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({
      error: { type: 'not_found_error' },
    });
    const invalid = await client.messages
      .create({ model: 'fast', max_tokens: 10, messages: [{ role: 'robot' as 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(Anthropic.BadRequestError);
    expect((invalid as InstanceType<typeof Anthropic.BadRequestError>).error).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: "messages.0.role: expected 'user' or 'assistant'." },
    });
    expect(gw.adapter.calls).toHaveLength(0);
  });

  it('abort mid-stream: the upstream call is aborted', async () => {
    const upstream = hangingStream(['first ', 'second']);
    const { client, gw } = await setup([], {}, { adapter: upstream.adapter });
    const stream = await client.messages.create({
      model: 'fast',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'go' }],
      stream: true,
    });
    let text = '';
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (text === 'first second') stream.controller.abort();
    }
    expect(text).toBe('first second');
    expect(await upstream.aborted).toMatchObject({ kind: 'aborted' });
    await expect.poll(() => gw.gateway.inFlight).toBe(0);
  });
});

describe('POST /v1/messages on the wire', () => {
  it('sends Anthropic’s SSE event sequence, with event names and indexes', async () => {
    current = await startGateway([
      {
        stream: ['Hi', ' there'],
        usage: { inputTokens: 3, outputTokens: 2 },
      },
    ]);
    const answer = await send(
      current.port,
      'POST',
      '/v1/messages',
      JSON.stringify({
        model: 'fast',
        max_tokens: 5,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
      JSON_HEADERS,
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = answer.text
      .trim()
      .split('\n\n')
      .map((frame) => {
        const [event, data] = frame.split('\n');
        return { event: event!.replace('event: ', ''), data: JSON.parse(data!.replace('data: ', '')) };
      });
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.every((e) => e.data.type === e.event)).toBe(true);
    expect(events[1]!.data).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    });
    expect(events[2]!.data.delta).toEqual({ type: 'text_delta', text: 'Hi' });
    expect(events[5]!.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 3, output_tokens: 2 },
    });
  });

  it('errors before the body is read are Anthropic JSON too; max_tokens is required; the route can be turned off', async () => {
    current = await startGateway([{ text: 'x' }], { authenticate: masterKeyAuth(KEY) });
    const denied = await send(current.port, 'POST', '/v1/messages', '{}', JSON_HEADERS);
    expect(denied.status).toBe(401);
    expect(JSON.parse(denied.text)).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'Missing or invalid API key.' },
    });
    const wrongMethod = await send(current.port, 'GET', '/v1/messages');
    expect(wrongMethod.status).toBe(405);
    expect(JSON.parse(wrongMethod.text).error.type).toBe('invalid_request_error');
    const noMax = await send(
      current.port,
      'POST',
      '/v1/messages',
      JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'x' }] }),
      { ...JSON_HEADERS, 'x-api-key': KEY },
    );
    expect(noMax.status).toBe(400);
    expect(JSON.parse(noMax.text)).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required.' },
    });
    const badJson = await send(current.port, 'POST', '/v1/messages', '{', {
      ...JSON_HEADERS,
      'x-api-key': KEY,
    });
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.text).type).toBe('error');
    await current.close();
    current = await startGateway([{ text: 'x' }], { anthropicMessages: false });
    expect((await send(current.port, 'POST', '/v1/messages', '{}', JSON_HEADERS)).status).toBe(404);
  });

  it('a stream that breaks after content ends with an error event', async () => {
    current = await startGateway([
      { stream: ['partial'], error: { status: 500, message: 'upstream broke' } },
    ]);
    const answer = await send(
      current.port,
      'POST',
      '/v1/messages',
      JSON.stringify({
        model: 'fast',
        max_tokens: 5,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
      JSON_HEADERS,
    );
    expect(answer.status).toBe(200);
    const frames = answer.text.trim().split('\n\n');
    expect(frames.at(-1)).toMatch(
      /^event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":/,
    );
    expect(answer.text).not.toContain('message_stop');
  });

  it('the same per-principal limits as chat completions: a 429 rate_limit_error with x-ratelimit headers', async () => {
    current = await startGateway([{ text: 'ok' }], {
      authenticate: () => ({ id: 'svc', limits: { requestsPerMinute: 1 }, allowedModels: ['fast'] }),
    });
    const call = (model = 'fast') =>
      send(
        current!.port,
        'POST',
        '/v1/messages',
        JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
        JSON_HEADERS,
      );
    const first = await call();
    expect(first.status).toBe(200);
    expect(first.headers['x-ratelimit-limit-requests']).toBe('1');
    const second = await call();
    expect(second.status).toBe(429);
    expect(Number(second.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(second.text).error.type).toBe('rate_limit_error');
    const other = await call('mock-model');
    expect(other.status).toBe(403);
    expect(JSON.parse(other.text).error.type).toBe('permission_error');
    expect(current.adapter.calls).toHaveLength(1);
  });
});
