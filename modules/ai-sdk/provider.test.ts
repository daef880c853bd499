/** createSwitchyard with the real `ai` 6 functions over a Router of MockAdapters. */
import type { LanguageModelV3Middleware } from '@ai-sdk/provider';
import {
  generateObject,
  generateText,
  jsonSchema,
  Output,
  stepCountIs,
  streamText,
  tool,
  wrapLanguageModel,
} from 'ai';
import { convertReadableStreamToArray } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type AdapterRequest,
  type CompletionRequest,
  isSwitchyardError,
  Router,
  type TargetConfig,
} from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { ANY_MODEL, createSwitchyard } from './index.js';

function routerOf(...targets: TargetConfig[]): Router {
  return new Router({ targets, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
}

/** The `providerMetadata.switchyard` entry of a result. */
function switchyardOf(
  metadata: Record<string, unknown> | undefined,
): { target?: string } & Record<string, unknown> {
  return (metadata?.switchyard ?? {}) as { target?: string } & Record<string, unknown>;
}

const price = { inputPerMTok: 1_000_000, outputPerMTok: 2_000_000 }; // $1 per input token, $2 per output token

describe('createSwitchyard: generateText', () => {
  it('routes through the router, falls back, and reports target, attempts and cost', async () => {
    const down = new MockAdapter([{ error: { status: 503 } }]);
    const up = new MockAdapter([{ text: 'hello there', usage: { inputTokens: 3, outputTokens: 2 } }], {
      price,
    });
    const router = routerOf(
      { id: 'down', adapter: down, model: 'm-down', aliases: ['fast'], priority: 0 },
      { id: 'up', adapter: up, model: 'm-up', aliases: ['fast'], priority: 1 },
    );
    const switchyard = createSwitchyard(router);
    // Call settings that reach the adapter's request as they are.
    const settings = {
      temperature: 0.3,
      maxOutputTokens: 50,
      topP: 0.9,
      topK: 5,
      seed: 7,
      stopSequences: ['END'],
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
    };
    const result = await generateText({
      model: switchyard('fast'),
      system: 'Be brief.',
      prompt: 'Say hello',
      maxRetries: 0,
      ...settings,
      headers: { 'x-trace': 't1' },
      providerOptions: { mock: { extra: true }, switchyard: { tags: ['batch'], metadata: { user: 'u1' } } },
    });
    expect(result.text).toBe('hello there');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBe(3);
    expect(result.usage.outputTokens).toBe(2);
    expect(result.usage.totalTokens).toBe(5);
    const meta = result.providerMetadata?.switchyard as Record<string, unknown>;
    expect(meta.target).toBe('up');
    expect(meta.costUsd).toBe(7);
    expect(meta.attempts).toEqual([
      expect.objectContaining({ attempt: 1, target: 'down', outcome: 'failure', errorKind: 'server' }),
      expect.objectContaining({ attempt: 2, target: 'up', outcome: 'success' }),
    ]);
    expect(result.response.modelId).toBe('m-up');
    const sent = up.calls[0]!.request;
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Say hello' }] },
    ]);
    expect(sent).toMatchObject({
      model: 'm-up',
      ...settings,
      providerOptions: { extra: true },
    });
    expect(sent.headers?.['x-trace']).toBe('t1');
    expect(sent.providerOptions).not.toHaveProperty('switchyard');
  });

  it('passes router settings from providerOptions.switchyard and rejects a malformed one, naming the field', async () => {
    const seen: CompletionRequest[] = [];
    const router = routerOf({ id: 'a', adapter: new MockAdapter([{ text: 'ok' }]), model: 'm' });
    router.use({
      name: 'spy',
      transformRequest: (r) => {
        seen.push(r);
        return r;
      },
    });
    const model = createSwitchyard(router)('m');
    await generateText({
      model,
      prompt: 'x',
      maxRetries: 0,
      providerOptions: {
        switchyard: { tags: ['t1'], timeoutMs: 5000, metadata: { user: 'u' }, strategy: 'priority' },
      },
    });
    expect(seen[0]).toMatchObject({
      model: 'm',
      tags: ['t1'],
      timeoutMs: 5000,
      metadata: { user: 'u' },
      strategy: 'priority',
    });
    await expect(
      generateText({ model, prompt: 'x', maxRetries: 0, providerOptions: { switchyard: { timeoutMs: -1 } } }),
    ).rejects.toThrow(/providerOptions\.switchyard\.timeoutMs must be a positive finite number/);
    await expect(
      generateText({ model, prompt: 'x', maxRetries: 0, providerOptions: { switchyard: { tag: 'x' } } }),
    ).rejects.toThrow(/providerOptions\.switchyard\.tag is not an option/);
  });

  it('sends images, assistant tool calls and tool results to the target', async () => {
    const adapter = new MockAdapter([{ text: 'a cat' }]);
    const router = routerOf({ id: 'a', adapter, model: 'vision' });
    const png = new Uint8Array([137, 80, 78, 71]);
    const toolCall = () => ({
      role: 'assistant' as const,
      content: [{ type: 'tool-call' as const, toolCallId: 'c1', toolName: 'look', input: { zoom: 2 } }],
    });
    const toolResult = () => ({
      role: 'tool' as const,
      content: [
        {
          type: 'tool-result' as const,
          toolCallId: 'c1',
          toolName: 'look',
          output: { type: 'json' as const, value: { seen: 'cat' } },
        },
      ],
    });
    await generateText({
      model: createSwitchyard(router)('vision'),
      maxRetries: 0,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is it?' },
            { type: 'image', image: png, mediaType: 'image/png' },
          ],
        },
        toolCall(),
        toolResult(),
      ],
    });
    const messages = adapter.calls[0]!.request.messages;
    expect(messages[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'what is it?' },
        { type: 'file', data: png, mediaType: 'image/png' },
      ],
    });
    // The tool call and its result reach the target as they were sent.
    expect(messages[1]).toEqual(toolCall());
    expect(messages[2]).toEqual(toolResult());
  });

  it('runs tools over several steps', async () => {
    const requests: AdapterRequest[] = [];
    const adapter = new MockAdapter((request) => {
      requests.push(request);
      return requests.length === 1
        ? { toolCalls: [{ toolName: 'weather', input: { city: 'Oslo' }, toolCallId: 'w1' }] }
        : { text: 'It is 3 degrees in Oslo.' };
    });
    const router = routerOf({ id: 'a', adapter, model: 'm' });
    const calls: unknown[] = [];
    const result = await generateText({
      model: createSwitchyard(router)('m'),
      maxRetries: 0,
      prompt: 'Weather in Oslo?',
      tools: {
        weather: tool({
          description: 'Current temperature',
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => {
            calls.push(city);
            return { city, celsius: 3 };
          },
        }),
      },
      toolChoice: 'auto',
      stopWhen: stepCountIs(3),
    });
    expect(calls).toEqual(['Oslo']);
    expect(result.steps).toHaveLength(2);
    expect(result.text).toBe('It is 3 degrees in Oslo.');
    expect(requests[0]!.tools).toEqual([
      expect.objectContaining({ type: 'function', name: 'weather', description: 'Current temperature' }),
    ]);
    expect(requests[0]!.tools![0]!.inputSchema).toMatchObject({
      type: 'object',
      properties: { city: { type: 'string' } },
    });
    expect(requests[0]!.toolChoice).toEqual({ type: 'auto' });
    const second = requests[1]!.messages;
    expect(second.at(-2)).toMatchObject({
      role: 'assistant',
      content: [{ type: 'tool-call', toolCallId: 'w1', toolName: 'weather', input: { city: 'Oslo' } }],
    });
    expect(second.at(-1)).toMatchObject({
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'w1',
          output: { type: 'json', value: { city: 'Oslo', celsius: 3 } },
        },
      ],
    });
  });

  it('warns about provider-defined tools and the target warnings', async () => {
    const adapter = new MockAdapter([{ text: 'ok' }]);
    const router = routerOf({ id: 'a', adapter, model: 'm' });
    const result = await generateText({
      model: createSwitchyard(router)('m'),
      maxRetries: 0,
      prompt: 'x',
      tools: {
        search: {
          type: 'provider',
          id: 'openai.web_search',
          args: {},
          inputSchema: jsonSchema({ type: 'object' }),
        },
      },
    });
    expect(result.warnings).toEqual([
      expect.objectContaining({ type: 'unsupported', feature: expect.stringContaining('search') }),
    ]);
    expect(adapter.calls[0]!.request.tools).toBeUndefined();
  });

  it('rejects with the router error when every target fails', async () => {
    const router = routerOf({ id: 'a', adapter: new MockAdapter([{ error: { status: 401 } }]), model: 'm' });
    const error = await generateText({
      model: createSwitchyard(router)('m'),
      prompt: 'x',
      maxRetries: 0,
    }).catch((e: unknown) => e);
    expect(isSwitchyardError(error)).toBe(true);
    expect((error as { kind: string }).kind).toBe('auth');
  });
});

describe('createSwitchyard: structured output', () => {
  const schema = z.object({ name: z.string(), age: z.number() });

  it('generateObject sends the JSON schema and parses the answer', async () => {
    const adapter = new MockAdapter([{ text: '{"name":"Ada","age":36}' }]);
    const router = routerOf({ id: 'a', adapter, model: 'm' });
    const { object } = await generateObject({
      model: createSwitchyard(router)('m'),
      schema,
      prompt: 'who',
      maxRetries: 0,
    });
    expect(object).toEqual({ name: 'Ada', age: 36 });
    const format = adapter.calls[0]!.request.responseFormat;
    expect(format).toMatchObject({
      type: 'json',
      schema: { type: 'object', properties: { name: { type: 'string' } } },
    });
  });

  it('Output.object in generateText', async () => {
    const adapter = new MockAdapter([{ text: '{"name":"Lin","age":7}' }]);
    const router = routerOf({ id: 'a', adapter, model: 'm' });
    const result = await generateText({
      model: createSwitchyard(router)('m'),
      output: Output.object({ schema }),
      prompt: 'who',
      maxRetries: 0,
    });
    expect(result.output).toEqual({ name: 'Lin', age: 7 });
    expect(adapter.calls[0]!.request.responseFormat?.type).toBe('json');
  });

  it('skips a target without JSON schema support', async () => {
    const plain = new MockAdapter([{ text: 'not json' }], { capabilities: { json: false } });
    const json = new MockAdapter([{ text: '{"name":"Bo","age":1}' }]);
    const router = routerOf(
      { id: 'plain', adapter: plain, model: 'm', priority: 0 },
      { id: 'json', adapter: json, model: 'm', priority: 1 },
    );
    const { object } = await generateObject({
      model: createSwitchyard(router)('m'),
      schema,
      prompt: 'x',
      maxRetries: 0,
    });
    expect(object).toEqual({ name: 'Bo', age: 1 });
    expect(plain.callCount).toBe(0);
  });
});

describe('createSwitchyard: streamText', () => {
  it('streams text with framing, metadata and the V3 usage', async () => {
    const adapter = new MockAdapter(
      [{ stream: ['Hel', 'lo', '!'], usage: { inputTokens: 4, outputTokens: 3 } }],
      {
        price,
      },
    );
    const router = routerOf({ id: 'a', adapter, model: 'm' });
    const result = streamText({ model: createSwitchyard(router)('m'), prompt: 'hi', maxRetries: 0 });
    const deltas: string[] = [];
    for await (const d of result.textStream) deltas.push(d);
    expect(deltas).toEqual(['Hel', 'lo', '!']);
    expect(await result.text).toBe('Hello!');
    expect(await result.finishReason).toBe('stop');
    expect((await result.usage).outputTokens).toBe(3);
    const meta = (await result.providerMetadata)?.switchyard as Record<string, unknown>;
    expect(meta).toMatchObject({ target: 'a', costUsd: 10 });
  });

  it('sends the raw V3 parts in order', async () => {
    const adapter = new MockAdapter([
      { toolCalls: [{ toolName: 'f', input: { a: 1 }, toolCallId: 't1' }], text: 'x' },
    ]);
    const router = routerOf({ id: 'a', adapter, model: 'm' });
    const model = createSwitchyard(router)('m');
    const { stream } = await model.doStream({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }],
    });
    const parts = await convertReadableStreamToArray(stream);
    expect(parts.map((p) => p.type)).toEqual([
      'stream-start',
      'text-start',
      'text-delta',
      'text-end',
      'tool-input-start',
      'tool-input-delta',
      'tool-input-end',
      'tool-call',
      'response-metadata',
      'finish',
    ]);
    expect(parts[7]).toEqual({ type: 'tool-call', toolCallId: 't1', toolName: 'f', input: '{"a":1}' });
    expect(parts[9]).toMatchObject({
      type: 'finish',
      finishReason: { unified: 'tool-calls', raw: undefined },
      usage: { inputTokens: { total: expect.any(Number) }, outputTokens: { total: expect.any(Number) } },
    });
  });

  it('falls back before the first part: doStream resolves with the second target', async () => {
    const down = new MockAdapter([{ error: { status: 429, retryAfterMs: 1 } }]);
    const up = new MockAdapter([{ stream: ['ok'] }]);
    const router = routerOf(
      { id: 'down', adapter: down, model: 'm', priority: 0 },
      { id: 'up', adapter: up, model: 'm', priority: 1 },
    );
    const result = streamText({ model: createSwitchyard(router)('m'), prompt: 'x', maxRetries: 0 });
    expect(await result.text).toBe('ok');
    expect(switchyardOf(await result.providerMetadata).target).toBe('up');
  });

  it('takes firstTokenTimeoutMs from providerOptions.switchyard: a silent target falls back', async () => {
    const silent = new MockAdapter([{ stream: ['late'], delayMs: 10_000 }]);
    const quick = new MockAdapter([{ stream: ['quick'] }]);
    const router = routerOf(
      { id: 'silent', adapter: silent, model: 'm', priority: 0 },
      { id: 'quick', adapter: quick, model: 'm', priority: 1 },
    );
    const result = streamText({
      model: createSwitchyard(router)('m'),
      prompt: 'x',
      maxRetries: 0,
      providerOptions: { switchyard: { firstTokenTimeoutMs: 30, strategy: 'priority' } },
    });
    expect(await result.text).toBe('quick');
    expect(switchyardOf(await result.providerMetadata).attempts).toEqual([
      expect.objectContaining({ target: 'silent', outcome: 'failure', errorKind: 'timeout' }),
      expect.objectContaining({ target: 'quick', outcome: 'success' }),
    ]);
    expect(silent.calls[0]!.result).toBe('aborted');
  });

  it('ends with an error part when the stream breaks after content (stream_interrupted, no fallback)', async () => {
    const broken = new MockAdapter([{ stream: ['par', 'tial'], error: { status: 500 } }]);
    const spare = new MockAdapter([{ stream: ['never'] }]);
    const router = routerOf(
      { id: 'broken', adapter: broken, model: 'm', priority: 0 },
      { id: 'spare', adapter: spare, model: 'm', priority: 1 },
    );
    const errors: unknown[] = [];
    const result = streamText({
      model: createSwitchyard(router)('m'),
      prompt: 'x',
      maxRetries: 0,
      onError: ({ error }) => {
        errors.push(error);
      },
    });
    const parts: Array<{ type: string; text?: string; error?: unknown }> = [];
    for await (const part of result.fullStream) parts.push(part);
    const text = parts.filter((p) => p.type === 'text-delta').map((p) => p.text);
    expect(text).toEqual(['par', 'tial']);
    const errorPart = parts.find((p) => p.type === 'error');
    expect(isSwitchyardError(errorPart?.error)).toBe(true);
    expect(errorPart?.error).toMatchObject({ kind: 'stream_interrupted', partialText: 'partial' });
    expect(errors).toHaveLength(1);
    expect(spare.callCount).toBe(0);
  });

  it('rejects doStream when every target fails before content', async () => {
    const router = routerOf({ id: 'a', adapter: new MockAdapter([{ error: { status: 400 } }]), model: 'm' });
    const model = createSwitchyard(router)('m');
    await expect(
      model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }] }),
    ).rejects.toMatchObject({
      kind: 'invalid_request',
    });
  });

  it('aborts the routed call when the AI SDK call is aborted', async () => {
    const adapter = new MockAdapter([{ stream: ['a', 'b', 'c', 'd'], chunkDelayMs: 10_000 }]);
    const router = routerOf({ id: 'a', adapter, model: 'm' });
    const controller = new AbortController();
    const result = streamText({
      model: createSwitchyard(router)('m'),
      prompt: 'x',
      maxRetries: 0,
      abortSignal: controller.signal,
      onError: () => {},
    });
    const reading = (async () => {
      const parts: string[] = [];
      for await (const part of result.fullStream) parts.push(part.type);
      return parts;
    })();
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const parts = await reading;
    expect(parts).toContain('abort');
    await new Promise((r) => setTimeout(r, 10));
    expect(adapter.calls[0]!.result).toBe('aborted');
  });

  it('aborts generateText', async () => {
    const adapter = new MockAdapter([{ text: 'late', delayMs: 10_000 }]);
    const router = routerOf({ id: 'a', adapter, model: 'm' });
    const controller = new AbortController();
    const pending = generateText({
      model: createSwitchyard(router)('m'),
      prompt: 'x',
      maxRetries: 0,
      abortSignal: controller.signal,
    });
    setTimeout(() => controller.abort(), 10);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(adapter.calls[0]!.result).toBe('aborted');
  });
});

describe('createSwitchyard: wrapLanguageModel', () => {
  it('runs AI SDK middleware around the routed model', async () => {
    const adapter = new MockAdapter((req) => ({ text: `temp=${req.temperature}` }));
    const router = routerOf({ id: 'a', adapter, model: 'm' });
    const seen: string[] = [];
    const middleware: LanguageModelV3Middleware = {
      specificationVersion: 'v3',
      transformParams: async ({ params }) => ({ ...params, temperature: 0.42 }),
      wrapGenerate: async ({ doGenerate }) => {
        const result = await doGenerate();
        seen.push(String(switchyardOf(result.providerMetadata).target));
        return result;
      },
    };
    const model = wrapLanguageModel({ model: createSwitchyard(router)('m'), middleware });
    const { text } = await generateText({ model, prompt: 'x', maxRetries: 0 });
    expect(text).toBe('temp=0.42');
    expect(seen).toEqual(['a']);
  });
});

describe('createSwitchyard: models and bad input', () => {
  const router = routerOf(
    { id: 'openai-1', adapter: new MockAdapter([{ text: 'a' }]), model: 'gpt', aliases: ['fast'] },
    { id: 'other', adapter: new MockAdapter([{ text: 'b' }]), model: 'claude' },
  );
  const switchyard = createSwitchyard(router);

  it('is a ProviderV3 whose models name the alias', () => {
    expect(switchyard.specificationVersion).toBe('v3');
    const model = switchyard.languageModel('fast');
    expect(model).toMatchObject({ specificationVersion: 'v3', provider: 'switchyard', modelId: 'fast' });
    expect(createSwitchyard(router, { name: 'edge' })('gpt').provider).toBe('edge');
  });

  it('routes a target id to the targets of its model, and * to any target', async () => {
    const viaId = await generateText({ model: switchyard('other'), prompt: 'x', maxRetries: 0 });
    expect(switchyardOf(viaId.providerMetadata).target).toBe('other');
    const any = await generateText({ model: switchyard(ANY_MODEL), prompt: 'x', maxRetries: 0 });
    expect(['openai-1', 'other']).toContain(switchyardOf(any.providerMetadata).target);
  });

  it('rejects unknown models, embedding and image models, and a non-router', () => {
    expect(() => switchyard('nope')).toThrow(/no target serves model 'nope'.*fast/);
    expect(() => switchyard.embeddingModel('e')).toThrow(/language models only/);
    expect(() => switchyard.imageModel('i')).toThrow(/language models only/);
    expect(() => createSwitchyard({} as Router)).toThrow(/router must be a Router/);
    expect(() => createSwitchyard(router, { name: '' })).toThrow(/options\.name/);
  });
});
