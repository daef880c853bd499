/** AISDKAdapter over MockLanguageModelV3 from `ai/test`, alone and as a Router target. */
import {
  APICallError,
  type LanguageModelV3CallOptions,
  type LanguageModelV3GenerateResult,
  type LanguageModelV3StreamPart,
  type LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { convertArrayToReadableStream, MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import {
  type AdapterCallOptions,
  type AdapterStreamPart,
  isSwitchyardError,
  Router,
  systemClock,
} from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { AISDKAdapter } from './index.js';

const usage: LanguageModelV3Usage = {
  inputTokens: { total: 10, noCache: 6, cacheRead: 4, cacheWrite: undefined },
  outputTokens: { total: 5, text: 3, reasoning: 2 },
};

const generated = (text: string): LanguageModelV3GenerateResult => ({
  content: [{ type: 'text', text }],
  finishReason: { unified: 'stop', raw: 'end_turn' },
  usage,
  warnings: [],
  response: { id: 'resp-1', modelId: 'mock-model-2' },
});

const apiError = (status: number | undefined, headers: Record<string, string> = {}, isRetryable?: boolean) =>
  new APICallError({
    message: `upstream said ${status} (key sk-abcdefghijklmnopqrstuvwxyz1234)`,
    url: 'http://x/v1',
    requestBodyValues: {},
    statusCode: status,
    responseHeaders: headers,
    ...(isRetryable === undefined ? {} : { isRetryable }),
  });

function streamOf(parts: LanguageModelV3StreamPart[]) {
  return { stream: convertArrayToReadableStream(parts) };
}

function callOptions(signal = new AbortController().signal): AdapterCallOptions {
  return { signal, target: 't', clock: systemClock, deadline: Number.POSITIVE_INFINITY };
}

async function collect(iterable: AsyncIterable<AdapterStreamPart>): Promise<AdapterStreamPart[]> {
  const out: AdapterStreamPart[] = [];
  for await (const part of iterable) out.push(part);
  return out;
}

const textStream: LanguageModelV3StreamPart[] = [
  { type: 'stream-start', warnings: [{ type: 'unsupported', feature: 'topK', details: 'no top-k here' }] },
  { type: 'response-metadata', id: 'r-9', modelId: 'mock-model' },
  { type: 'reasoning-start', id: 'r' },
  { type: 'reasoning-delta', id: 'r', delta: 'think' },
  { type: 'reasoning-end', id: 'r' },
  { type: 'text-start', id: '1' },
  { type: 'text-delta', id: '1', delta: 'Hel' },
  { type: 'text-delta', id: '1', delta: 'lo' },
  { type: 'text-end', id: '1' },
  { type: 'tool-input-start', id: 'c1', toolName: 'f' },
  { type: 'tool-input-delta', id: 'c1', delta: '{"a":' },
  { type: 'tool-input-delta', id: 'c1', delta: '1}' },
  { type: 'tool-input-end', id: 'c1' },
  { type: 'tool-call', toolCallId: 'c1', toolName: 'f', input: '{"a":1}' },
  { type: 'tool-call', toolCallId: 'p1', toolName: 'web', input: '{}', providerExecuted: true },
  { type: 'finish', usage, finishReason: { unified: 'tool-calls', raw: 'tool_use' } },
];

describe('AISDKAdapter.complete', () => {
  it('maps the request to V3 call options and the result back', async () => {
    const model = new MockLanguageModelV3({
      provider: 'acme.chat',
      doGenerate: {
        ...generated('hi'),
        content: [
          { type: 'reasoning', text: 'hmm' },
          { type: 'text', text: 'hi' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'f', input: '{"x":1}' },
          { type: 'source', sourceType: 'url', id: 's', url: 'https://example.com' },
        ],
        warnings: [{ type: 'unsupported', feature: 'seed' }],
        providerMetadata: { acme: { fingerprint: 'fp' } },
      },
    });
    const adapter = new AISDKAdapter(model);
    expect(adapter.provider).toBe('acme');
    // Settings that reach the model's call options as they are.
    const settings = {
      temperature: 0.5,
      maxOutputTokens: 9,
      stopSequences: ['x'],
      responseFormat: { type: 'json' as const, schema: { type: 'object' } },
      tools: [{ type: 'function' as const, name: 'f', inputSchema: { type: 'object' } }],
      toolChoice: { type: 'required' as const },
      headers: { 'x-a': '1' },
    };
    const response = await adapter.complete(
      {
        model: 'mock-model-id',
        messages: [
          { role: 'system', content: 'sys' },
          { role: 'user', content: 'hello' },
          {
            role: 'assistant',
            content: [{ type: 'tool-call', toolCallId: 'c0', toolName: 'f', input: '{"y":2}' }],
          },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'c0', toolName: 'f', output: { type: 'text', value: 'ok' } },
            ],
          },
        ],
        ...settings,
        providerOptions: { reasoningEffort: 'low' },
      },
      callOptions(),
    );
    const sent = model.doGenerateCalls[0]! as LanguageModelV3CallOptions;
    expect(sent.prompt).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: [{ type: 'text', text: 'hello' }] },
      {
        role: 'assistant',
        content: [{ type: 'tool-call', toolCallId: 'c0', toolName: 'f', input: { y: 2 } }],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'c0', toolName: 'f', output: { type: 'text', value: 'ok' } },
        ],
      },
    ]);
    expect(sent).toMatchObject({
      ...settings,
      providerOptions: { acme: { reasoningEffort: 'low' } },
    });
    expect(sent.abortSignal).toBeInstanceOf(AbortSignal);
    expect(response.content).toEqual([
      { type: 'reasoning', text: 'hmm' },
      { type: 'text', text: 'hi' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'f', input: '{"x":1}' },
    ]);
    expect(response).toMatchObject({
      finishReason: 'stop',
      rawFinishReason: 'end_turn',
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, cachedInputTokens: 4, reasoningTokens: 2 },
      responseId: 'resp-1',
      modelId: 'mock-model-2',
      providerMetadata: { acme: { fingerprint: 'fp' } },
    });
    expect(response.warnings).toEqual([
      { type: 'unsupported-setting', setting: 'seed', message: 'seed is not supported' },
      { type: 'other', message: 'source parts of the model were dropped' },
    ]);
  });

  it('reports unknown usage when the model gives no counts', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: {
        ...generated('x'),
        usage: {
          inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: undefined, text: undefined, reasoning: undefined },
        },
      },
    });
    const response = await new AISDKAdapter(model).complete(
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      callOptions(),
    );
    expect(response.usage).toMatchObject({ inputTokens: 0, outputTokens: 0, unknown: true });
  });

  it.each([
    [429, 'rate_limited', { 'retry-after': '3' }, 3000, true],
    [503, 'server', {}, undefined, true],
    [401, 'auth', {}, undefined, false],
    [404, 'not_found', {}, undefined, false],
    [400, 'invalid_request', {}, undefined, false],
  ] as const)('maps APICallError %i to %s', async (status, kind, headers, retryAfterMs, retryable) => {
    const model = new MockLanguageModelV3({
      doGenerate: async () => {
        throw apiError(status, headers);
      },
    });
    const error = await new AISDKAdapter(model)
      .complete({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, callOptions())
      .catch((e: unknown) => e);
    expect(isSwitchyardError(error)).toBe(true);
    expect(error).toMatchObject({ kind, status, retryAfterMs, retryable, target: 't' });
    expect(String((error as Error).message)).not.toContain('sk-abcdefghijklmnopqrstuvwxyz1234');
  });

  it('maps an APICallError without a status by isRetryable, and other AI SDK errors by type', async () => {
    const run = async (thrown: unknown): Promise<{ kind?: string }> => {
      const model = new MockLanguageModelV3({
        doGenerate: async () => {
          throw thrown;
        },
      });
      return new AISDKAdapter(model)
        .complete({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, callOptions())
        .then(
          () => ({}),
          (e: unknown) => e as { kind: string },
        );
    };
    expect((await run(apiError(undefined, {}, true))).kind).toBe('connection');
    expect((await run(apiError(undefined, {}, false))).kind).toBe('invalid_request');
    const { InvalidPromptError, LoadAPIKeyError, NoSuchModelError, JSONParseError } = await import(
      '@ai-sdk/provider'
    );
    expect((await run(new InvalidPromptError({ prompt: 'x', message: 'bad' }))).kind).toBe('invalid_request');
    expect((await run(new LoadAPIKeyError({ message: 'no key' }))).kind).toBe('auth');
    expect((await run(new NoSuchModelError({ modelId: 'x', modelType: 'languageModel' }))).kind).toBe(
      'not_found',
    );
    expect((await run(new JSONParseError({ text: '{', cause: new Error('eof') }))).kind).toBe('server');
    expect((await run(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).kind).toBe('connection');
  });

  it('rejects with the abort reason at once when the model ignores the signal', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: () => new Promise<LanguageModelV3GenerateResult>(() => {}),
    });
    const controller = new AbortController();
    const pending = new AISDKAdapter(model).complete(
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      callOptions(controller.signal),
    );
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
  });
});

describe('AISDKAdapter.stream', () => {
  it('maps V3 stream parts to adapter stream parts', async () => {
    const model = new MockLanguageModelV3({ doStream: streamOf(textStream) });
    const parts = await collect(
      new AISDKAdapter(model).stream(
        { model: 'm', messages: [{ role: 'user', content: 'x' }] },
        callOptions(),
      ),
    );
    expect(parts).toEqual([
      {
        type: 'warnings',
        warnings: [{ type: 'unsupported-setting', setting: 'topK', message: 'no top-k here' }],
      },
      { type: 'response-metadata', responseId: 'r-9', modelId: 'mock-model' },
      { type: 'reasoning-delta', delta: 'think' },
      { type: 'text-delta', delta: 'Hel' },
      { type: 'text-delta', delta: 'lo' },
      { type: 'tool-input-start', toolCallId: 'c1', toolName: 'f' },
      { type: 'tool-input-delta', toolCallId: 'c1', delta: '{"a":' },
      { type: 'tool-input-delta', toolCallId: 'c1', delta: '1}' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'f', input: '{"a":1}' },
      {
        type: 'finish',
        finishReason: 'tool-calls',
        rawFinishReason: 'tool_use',
        usage: {
          inputTokens: 10,
          outputTokens: 5,
          totalTokens: 15,
          cachedInputTokens: 4,
          reasoningTokens: 2,
        },
      },
    ]);
  });

  it('throws an error part as a mapped error', async () => {
    const model = new MockLanguageModelV3({
      doStream: streamOf([
        { type: 'stream-start', warnings: [] },
        { type: 'error', error: apiError(529) },
      ]),
    });
    const error = await collect(
      new AISDKAdapter(model).stream(
        { model: 'm', messages: [{ role: 'user', content: 'x' }] },
        callOptions(),
      ),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'server', status: 529 });
  });

  it('cancels the V3 stream when aborted mid-stream', async () => {
    let cancelled = false;
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      start(c) {
        c.enqueue({ type: 'text-delta', id: '1', delta: 'a' });
      },
      cancel() {
        cancelled = true;
      },
    });
    const model = new MockLanguageModelV3({ doStream: { stream } });
    const controller = new AbortController();
    const iterator = new AISDKAdapter(model)
      .stream({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, callOptions(controller.signal))
      [Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ type: 'text-delta', delta: 'a' });
    const next = iterator.next();
    controller.abort();
    await expect(next).rejects.toMatchObject({ kind: 'aborted' });
    expect(cancelled).toBe(true);
  });
});

describe('AISDKAdapter.stream: abort before the model answers', () => {
  it('rejects at once and cancels the stream the model opens later', async () => {
    let cancelled = false;
    let open!: (r: { stream: ReadableStream<LanguageModelV3StreamPart> }) => void;
    const model = new MockLanguageModelV3({ doStream: () => new Promise((resolve) => (open = resolve)) });
    const controller = new AbortController();
    const iterator = new AISDKAdapter(model)
      .stream({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, callOptions(controller.signal))
      [Symbol.asyncIterator]();
    const first = iterator.next();
    await new Promise((r) => setTimeout(r, 0));
    controller.abort();
    await expect(first).rejects.toMatchObject({ kind: 'aborted' });
    open({
      stream: new ReadableStream({
        cancel() {
          cancelled = true;
        },
      }),
    });
    await new Promise((r) => setTimeout(r, 0));
    expect(cancelled).toBe(true);
  });
});

describe('AISDKAdapter as a Router target', () => {
  it('falls back from a 429 (with Retry-After) to the next target and records both attempts', async () => {
    const limited = new MockLanguageModelV3({
      doGenerate: async () => {
        throw apiError(429, { 'retry-after-ms': '60000' });
      },
    });
    const fine = new MockLanguageModelV3({ doGenerate: generated('fine') });
    const router = new Router({
      targets: [
        { id: 'limited', adapter: new AISDKAdapter(limited), model: 'mock-model-id', priority: 0 },
        { id: 'fine', adapter: new AISDKAdapter(fine), model: 'mock-model-id', priority: 1 },
      ],
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const response = await router.complete({ messages: [{ role: 'user', content: 'x' }] });
    expect(response.text).toBe('fine');
    expect(response.attempts.map((a) => [a.target, a.outcome, a.errorKind])).toEqual([
      ['limited', 'failure', 'rate_limited'],
      ['fine', 'success', undefined],
    ]);
    expect(response.usage).toMatchObject({ cachedInputTokens: 4 });
  });

  it('streams: a failure before the first content part falls back', async () => {
    const broken = new MockLanguageModelV3({
      doStream: streamOf([
        { type: 'stream-start', warnings: [] },
        { type: 'error', error: apiError(500) },
      ]),
    });
    const fine = new MockLanguageModelV3({ doStream: streamOf(textStream) });
    const router = new Router({
      targets: [
        { id: 'broken', adapter: new AISDKAdapter(broken), model: 'x', priority: 0 },
        { id: 'fine', adapter: new AISDKAdapter(fine), model: 'x', priority: 1 },
      ],
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const stream = router.stream({ messages: [{ role: 'user', content: 'x' }] });
    const text: string[] = [];
    for await (const event of stream) if (event.type === 'text-delta') text.push(event.delta);
    const response = await stream.response;
    expect(text.join('')).toBe('Hello');
    expect(response.target).toBe('fine');
    expect(response.toolCalls).toEqual([{ toolCallId: 'c1', toolName: 'f', input: '{"a":1}' }]);
    expect(response.warnings).toEqual([
      { type: 'unsupported-setting', setting: 'topK', message: 'no top-k here' },
    ]);
  });

  it('streams: a failure after content ends the stream as stream_interrupted, without fallback', async () => {
    const broken = new MockLanguageModelV3({
      doStream: streamOf([
        { type: 'text-delta', id: '1', delta: 'half' },
        { type: 'error', error: apiError(503) },
      ]),
    });
    const spare = new MockAdapter([{ stream: ['never'] }]);
    const router = new Router({
      targets: [
        { id: 'broken', adapter: new AISDKAdapter(broken), model: 'x', priority: 0 },
        { id: 'spare', adapter: spare, model: 'x', priority: 1 },
      ],
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const stream = router.stream({ messages: [{ role: 'user', content: 'x' }] });
    const text: string[] = [];
    const error = await (async () => {
      for await (const event of stream) if (event.type === 'text-delta') text.push(event.delta);
    })().catch((e: unknown) => e);
    expect(text).toEqual(['half']);
    expect(error).toMatchObject({ kind: 'stream_interrupted', partialText: 'half', target: 'broken' });
    expect(spare.callCount).toBe(0);
  });
});

describe('AISDKAdapter: bad input', () => {
  it('rejects what is not a LanguageModelV3 and malformed options, naming them', () => {
    expect(() => new AISDKAdapter({} as never)).toThrow(/specificationVersion 'v3'/);
    expect(
      () => new AISDKAdapter({ ...new MockLanguageModelV3(), specificationVersion: 'v2' } as never),
    ).toThrow(/got "v2"/);
    expect(() => new AISDKAdapter(null as never)).toThrow(/model must be/);
    expect(() => new AISDKAdapter(new MockLanguageModelV3(), { provider: '' })).toThrow(/options\.provider/);
    try {
      new AISDKAdapter({} as never);
    } catch (e) {
      expect(e).toMatchObject({ kind: 'config' });
    }
  });
});
