/**
 * The official `openai` Node SDK pointed at the gateway: what a real client sees.
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { masterKeyAuth } from './auth.js';
import { hangingStream, startGateway, type TestGateway } from './test-helpers.js';

const KEY = 'sk-gateway-test-0123456789';
let current: TestGateway | undefined;

afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function setup(...args: Parameters<typeof startGateway>): Promise<{ gw: TestGateway; client: OpenAI }> {
  const [handler, options, target] = args;
  current = await startGateway(handler, { authenticate: masterKeyAuth(KEY), ...options }, target);
  const client = new OpenAI({ apiKey: KEY, baseURL: `${current.url}/v1`, maxRetries: 0, timeout: 10_000 });
  return { gw: current, client };
}

describe('the openai SDK against the gateway', () => {
  it('completion', async () => {
    const { client, gw } = await setup([
      { text: 'Hello, world', usage: { inputTokens: 5, outputTokens: 3 } },
    ]);
    const completion = await client.chat.completions.create({
      model: 'fast',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
      ],
      max_tokens: 20,
    });
    expect(completion.choices[0]?.message.content).toBe('Hello, world');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
    expect(gw.adapter.calls[0]!.request).toMatchObject({ model: 'mock-model', maxOutputTokens: 20 });
  });

  it('stream: the text reassembles exactly; usage arrives with include_usage', async () => {
    const deltas = ['Hel', 'lo', ', ', 'wörld', ' 🌍', '\n', 'data: not a frame\n\n', '"quoted"', ''];
    const { client } = await setup([{ stream: deltas, usage: { inputTokens: 4, outputTokens: 9 } }]);
    const stream = await client.chat.completions.create({
      model: 'fast',
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(deltas.join(''));
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 9, total_tokens: 13 });
  });

  it('tools: tool calls come back, plain and streamed, and tool results go up', async () => {
    const { client, gw } = await setup([
      { toolCalls: [{ toolName: 'get_weather', input: { city: 'Paris' }, toolCallId: 'call_7' }] },
    ]);
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const completion = await client.chat.completions.create({
      model: 'fast',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools,
      tool_choice: 'required',
    });
    const call = completion.choices[0]!.message.tool_calls![0]!;
    expect(call).toMatchObject({ id: 'call_7', type: 'function' });
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(gw.adapter.calls[0]!.request.toolChoice).toEqual({ type: 'required' });
    expect(gw.adapter.calls[0]!.request.tools?.[0]?.name).toBe('get_weather');

    const stream = client.chat.completions.stream({
      model: 'fast',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        completion.choices[0]!.message,
        { role: 'tool', tool_call_id: 'call_7', content: '18 °C' },
      ],
      tools,
      stream: true,
    });
    const final = await stream.finalChatCompletion();
    const streamed = final.choices[0]!.message.tool_calls![0]!;
    expect(streamed.type === 'function' && streamed.function).toEqual({
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
    });
    expect(gw.adapter.calls[1]!.request.messages.at(-1)).toEqual({
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'call_7',
          toolName: 'get_weather',
          output: { type: 'text', value: '18 °C' },
        },
      ],
    });
  });

  it('JSON schema: the schema reaches the router; the answer parses', async () => {
    const { client, gw } = await setup([{ text: '{"answer":42}' }]);
    const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] };
    const completion = await client.chat.completions.create({
      model: 'fast',
      messages: [{ role: 'user', content: 'The answer?' }],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ answer: 42 });
    expect(gw.adapter.calls[0]!.request.responseFormat).toEqual({ type: 'json', name: 'answer', schema });
  });

  it('an upstream 429: the client sees 429 and the retry-after', async () => {
    const { client } = await setup([{ error: { status: 429, retryAfterMs: 7_000, message: 'slow down' } }]);
    const error = await client.chat.completions
      .create({ model: 'fast', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const e = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.headers?.get('retry-after')).toBe('7');
    expect(e.code).toBe('rate_limit_exceeded');
  });

  it('an unknown model: 404; a bad key: 401', async () => {
    const { client, gw } = await setup([{ text: 'x' }]);
    const notFound = await client.chat.completions
      .create({ model: 'gpt-unknown', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
    const bad = new OpenAI({ apiKey: 'sk-wrong-key-000000000', baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const denied = await bad.models.list().catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['fast', 'mock-model']);
  });

  it('abort mid-stream: the upstream call is aborted', async () => {
    const upstream = hangingStream(['first ', 'second']);
    const { client, gw } = await setup([], {}, { adapter: upstream.adapter });
    const stream = await client.chat.completions.create({
      model: 'fast',
      messages: [{ role: 'user', content: 'go' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (text === 'first second') stream.controller.abort();
    }
    expect(text).toBe('first second');
    const reason = await upstream.aborted;
    expect(reason).toMatchObject({ kind: 'aborted' });
    await expect.poll(() => gw.gateway.inFlight).toBe(0);
  });
});
