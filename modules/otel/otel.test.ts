/** otelMiddleware through a real Router, with the OpenTelemetry SDK 2.x in memory. */
import { context, type Meter, type Tracer, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type DataPoint, type Histogram, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Router, type SwitchyardError } from '../../index.js';
import { MockAdapter, type MockHandler } from '../../src/testing/index.js';
import { OTEL_NAMES as N, otelMiddleware } from './index.js';

const messages = [{ role: 'user' as const, content: 'hi' }];
const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

class TestReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const contextManager = new AsyncLocalStorageContextManager();
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer: Tracer = provider.getTracer('test');
let reader: TestReader;
let meter: Meter;

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  context.disable();
});
beforeEach(() => {
  exporter.reset();
  reader = new TestReader();
  meter = new MeterProvider({ readers: [reader] }).getMeter('test');
});

const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
const callSpan = (): ReadableSpan => {
  const found = spans().filter((s) => s.parentSpanContext === undefined);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const attemptSpans = (): ReadableSpan[] =>
  spans()
    .filter((s) => s.parentSpanContext !== undefined)
    .sort((a, b) => Number(a.attributes[N.attempt]) - Number(b.attributes[N.attempt]));

async function metricPoints(name: string): Promise<DataPoint<Histogram>[]> {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics
    .flatMap((s) => s.metrics)
    .find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []) as DataPoint<Histogram>[];
}

function router(handlers: MockHandler[], options: Parameters<typeof otelMiddleware>[0] = {}) {
  return new Router({
    targets: handlers.map((handler, i) => ({
      id: `t${i + 1}`,
      adapter: new MockAdapter(handler, { provider: i === 0 ? 'openai' : 'anthropic' }),
      model: `model-${i + 1}`,
      aliases: ['smart'],
      price: { inputPerMTok: 1_000_000, outputPerMTok: 2_000_000 },
    })),
    strategy: 'priority',
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    middleware: [otelMiddleware({ tracer, meter, strategy: 'priority', ...options })],
  });
}

const usage = {
  inputTokens: 10,
  outputTokens: 5,
  cachedInputTokens: 3,
  cacheWriteInputTokens: 1,
  reasoningTokens: 2,
};

describe('otelMiddleware spans', () => {
  it('records every attribute of a successful call, on the call span and the attempt span', async () => {
    const r = router([() => ({ text: 'hello', usage })]);
    const res = await r.complete({
      messages,
      model: 'smart',
      maxOutputTokens: 64,
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      frequencyPenalty: 0.1,
      presencePenalty: 0.2,
      stopSequences: ['END'],
      seed: 7,
    });
    const call = callSpan();
    const [attempt] = attemptSpans();
    expect(call.name).toBe('chat smart');
    expect(call.kind).toBe(SPAN_KIND_CLIENT);
    expect(call.attributes).toEqual({
      [N.operationName]: 'chat',
      [N.requestId]: res.requestId,
      [N.stream]: false,
      [N.strategy]: 'priority',
      [N.requestModel]: 'smart',
      [N.requestMaxTokens]: 64,
      [N.requestTemperature]: 0.5,
      [N.requestTopP]: 0.9,
      [N.requestTopK]: 40,
      [N.requestFrequencyPenalty]: 0.1,
      [N.requestPresencePenalty]: 0.2,
      [N.requestStopSequences]: ['END'],
      [N.requestSeed]: 7,
      [N.providerName]: 'openai',
      [N.responseModel]: 'model-1',
      [N.responseId]: res.responseId,
      [N.responseFinishReasons]: ['stop'],
      [N.usageInputTokens]: 10,
      [N.usageOutputTokens]: 5,
      [N.usageCacheReadInputTokens]: 3,
      [N.usageCacheCreationInputTokens]: 1,
      [N.usageReasoningOutputTokens]: 2,
      [N.target]: 't1',
      [N.attempts]: 1,
      [N.costUsd]: res.costUsd,
    });
    expect(res.costUsd).toBeGreaterThan(0);
    expect(call.attributes[N.inputMessages]).toBeUndefined();
    expect(attempt!.name).toBe('chat model-1');
    expect(attempt!.kind).toBe(SPAN_KIND_CLIENT);
    expect(attempt!.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    expect(attempt!.attributes).toMatchObject({
      [N.providerName]: 'openai',
      [N.requestModel]: 'model-1',
      [N.requestMaxTokens]: 64,
      [N.target]: 't1',
      [N.attempt]: 1,
      [N.responseModel]: 'model-1',
      [N.usageInputTokens]: 10,
      [N.costUsd]: res.costUsd,
    });
    expect(call.status.code).not.toBe(STATUS_ERROR);
  });

  it('records a failure: error.type is the error kind, status ERROR on call and attempt spans', async () => {
    const r = router([() => ({ error: { status: 400, message: 'bad key sk-abcdefghijklmnopqrstuvwx' } })]);
    const error = (await r.complete({ messages }).catch((e: unknown) => e)) as SwitchyardError;
    expect(error.kind).toBe('invalid_request');
    const call = callSpan();
    expect(call.status.code).toBe(STATUS_ERROR);
    expect(call.status.message).not.toContain('sk-abcdefghijklmnopqrstuvwx');
    expect(call.attributes[N.errorType]).toBe('invalid_request');
    expect(call.attributes[N.providerName]).toBe('openai');
    expect(call.attributes[N.attempts]).toBe(1);
    expect(attemptSpans().map((s) => [s.attributes[N.errorType], s.status.code])).toEqual([
      ['invalid_request', STATUS_ERROR],
    ]);
  });

  it('makes two attempt spans under one call span on a retry, and on a fallback', async () => {
    let calls = 0;
    const retry = router([() => (++calls === 1 ? { error: { status: 503 } } : { text: 'ok' })]);
    await retry.complete({ messages });
    expect(
      attemptSpans().map((s) => [s.attributes[N.target], s.attributes[N.attempt], s.attributes[N.errorType]]),
    ).toEqual([
      ['t1', 1, 'server'],
      ['t1', 2, undefined],
    ]);
    expect(callSpan().attributes[N.attempts]).toBe(2);

    exporter.reset();
    const fallback = router([() => ({ error: { status: 503 } }), () => ({ text: 'ok' })]);
    const res = await fallback.complete({ messages });
    const call = callSpan();
    const attempts = attemptSpans();
    expect(
      attempts.map((s) => [s.attributes[N.target], s.attributes[N.providerName], s.status.code]),
    ).toEqual([
      ['t1', 'openai', STATUS_ERROR],
      ['t2', 'anthropic', 0],
    ]);
    expect(new Set(attempts.map((s) => s.parentSpanContext?.spanId))).toEqual(
      new Set([call.spanContext().spanId]),
    );
    expect(new Set(spans().map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(call.attributes).toMatchObject({
      [N.target]: 't2',
      [N.providerName]: 'anthropic',
      [N.attempts]: 2,
    });
    expect(res.target).toBe('t2');
  });

  it('traces a stream: usage from the final chunk, time to first chunk recorded', async () => {
    const r = router([() => ({ stream: ['he', 'llo'], usage: { inputTokens: 4, outputTokens: 2 } })]);
    const stream = r.stream({ messages, model: 'smart' });
    let text = '';
    for await (const event of stream) if (event.type === 'text-delta') text += event.delta;
    expect(text).toBe('hello');
    const call = callSpan();
    const [attempt] = attemptSpans();
    expect(call.attributes).toMatchObject({
      [N.stream]: true,
      [N.usageInputTokens]: 4,
      [N.usageOutputTokens]: 2,
      [N.responseFinishReasons]: ['stop'],
      [N.providerName]: 'openai',
    });
    expect(attempt!.attributes).toMatchObject({ [N.usageInputTokens]: 4, [N.responseModel]: 'model-1' });
    expect(attempt!.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    const ttfc = await metricPoints(N.timeToFirstChunk);
    expect(ttfc).toHaveLength(1);
    expect(ttfc[0]!.value.count).toBe(1);
  });

  it('ends the spans of an aborted call and of a stream the reader stopped, with error.type aborted', async () => {
    const r = router([() => ({ text: 'late', delayMs: 5_000 })]);
    const controller = new AbortController();
    const pending = r.complete({ messages, signal: controller.signal }).catch((e: SwitchyardError) => e.kind);
    setTimeout(() => controller.abort(), 10);
    expect(await pending).toBe('aborted');
    expect(callSpan().attributes[N.errorType]).toBe('aborted');
    expect(attemptSpans().map((s) => s.attributes[N.errorType])).toEqual(['aborted']);

    exporter.reset();
    const s = router([() => ({ stream: ['a', 'b', 'c'], chunkDelayMs: 5 })]);
    for await (const event of s.stream({ messages })) if (event.type === 'text-delta') break;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(callSpan().attributes[N.errorType]).toBe('aborted');
    expect(callSpan().status.code).toBe(STATUS_ERROR);
    expect(attemptSpans()).toHaveLength(1);
  });

  it('runs the adapter with the attempt span active, and propagates it as traceparent on request', async () => {
    const seen: Array<{ active?: string; traceparent?: string }> = [];
    const handler: MockHandler = (request) => {
      seen.push({
        active: trace.getActiveSpan()?.spanContext().spanId,
        traceparent: request.headers?.traceparent,
      });
      return seen.length === 1 ? { error: { status: 503 } } : { stream: ['ok'] };
    };
    await router([handler]).complete({ messages, headers: { 'x-app': '1' } });
    const attempts = attemptSpans();
    expect(seen.map((s) => s.active)).toEqual(attempts.map((s) => s.spanContext().spanId));
    expect(seen.every((s) => s.traceparent === undefined)).toBe(true);

    exporter.reset();
    seen.length = 0;
    const r = router([handler], { propagateTraceContext: true });
    await r.complete({ messages });
    await r.stream({ messages }).response;
    const all = spans().filter((s) => s.parentSpanContext !== undefined);
    expect(seen.map((s) => s.traceparent)).toEqual(
      all.map((s) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`),
    );
  });

  it('with a no-op tracer and meter, passes calls through and still propagates the active trace context', async () => {
    const seen: Array<string | undefined> = [];
    const handler: MockHandler = (request) => {
      seen.push(request.headers?.traceparent);
      return seen.length % 2 === 1 ? { error: { status: 503 } } : { stream: ['ok'] };
    };
    const noop = trace.getTracerProvider().getTracer('none'); // no global SDK: a no-op tracer
    const r = new Router({
      targets: [
        { id: 'a', adapter: new MockAdapter(handler, { provider: 'p' }), model: 'm' },
        { id: 'b', adapter: new MockAdapter(handler, { provider: 'p' }), model: 'm' },
      ],
      strategy: 'priority',
      middleware: [otelMiddleware({ tracer: noop, propagateTraceContext: true })],
    });
    const parent = tracer.startSpan('app');
    await context.with(trace.setSpan(context.active(), parent), async () => {
      expect((await r.complete({ messages, headers: { 'x-app': '1' } })).text).toBe('ok');
      expect((await r.stream({ messages }).response).text).toBe('ok');
    });
    parent.end();
    const { traceId, spanId } = parent.spanContext();
    expect(seen).toEqual(Array(4).fill(`00-${traceId}-${spanId}-01`));
    expect(spans().map((s) => s.name)).toEqual(['app']);
    // Outside any span there is no trace context to send.
    seen.length = 0;
    await r.complete({ messages });
    expect(seen).toEqual([undefined, undefined]);
  });

  it('with the global API and no SDK, passes calls through (propagating the parent); an SDK registered later records', async () => {
    const seen: Array<string | undefined> = [];
    const handler: MockHandler = (request) => {
      seen.push(request.headers?.traceparent);
      return { text: 'ok' };
    };
    const make = (propagateTraceContext: boolean) =>
      new Router({
        targets: [{ id: 'a', adapter: new MockAdapter(handler, { provider: 'p' }), model: 'm' }],
        middleware: [otelMiddleware({ propagateTraceContext })], // the global tracer and meter
      });
    const plain = make(false);
    const propagating = make(true);
    const parent = tracer.startSpan('app');
    await context.with(trace.setSpan(context.active(), parent), async () => {
      expect((await plain.complete({ messages })).text).toBe('ok');
      expect((await propagating.complete({ messages })).text).toBe('ok');
      expect((await propagating.stream({ messages }).response).text).toBe('ok');
    });
    parent.end();
    const { traceId, spanId } = parent.spanContext();
    expect(seen).toEqual([undefined, ...Array(2).fill(`00-${traceId}-${spanId}-01`)]);
    expect(spans().map((s) => s.name)).toEqual(['app']);
    // The SDK comes after the middleware was made: the same middleware now traces every call.
    try {
      expect(trace.setGlobalTracerProvider(provider)).toBe(true);
      await plain.complete({ messages, model: 'm' });
      expect(spans().map((s) => s.name)).toEqual(['app', 'chat m', 'chat m']);
      const call = spans().find((s) => s.name === 'chat m' && s.parentSpanContext === undefined);
      expect(call?.attributes[N.requestModel]).toBe('m');
    } finally {
      trace.disable();
    }
  });

  it('records content only with recordContent, as GenAI message JSON', async () => {
    const r = router([() => ({ text: 'hello' })], { recordContent: true });
    await r.complete({ messages: [{ role: 'system', content: 'be brief' }, ...messages] });
    const call = callSpan();
    expect(JSON.parse(String(call.attributes[N.inputMessages]))).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'be brief' }] },
      { role: 'user', parts: [{ type: 'text', content: 'hi' }] },
    ]);
    expect(JSON.parse(String(call.attributes[N.outputMessages]))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'hello' }], finish_reason: 'stop' },
    ]);
  });
});

describe('otelMiddleware metrics', () => {
  it('records operation duration per attempt and token usage by token type', async () => {
    let calls = 0;
    const r = router([() => (++calls === 1 ? { error: { status: 503 } } : { text: 'ok', usage })]);
    await r.complete({ messages });
    const durations = await metricPoints(N.operationDuration);
    expect(durations.map((p) => [p.attributes[N.errorType], p.value.count])).toEqual([
      ['server', 1],
      [undefined, 1],
    ]);
    expect(durations[1]!.attributes).toMatchObject({
      [N.operationName]: 'chat',
      [N.providerName]: 'openai',
      [N.requestModel]: 'model-1',
      [N.responseModel]: 'model-1',
    });
    const tokens = await metricPoints(N.tokenUsage);
    expect(tokens.map((p) => [p.attributes[N.tokenType], p.value.sum])).toEqual([
      ['input', 10],
      ['output', 5],
    ]);
  });
});

describe('otelMiddleware never breaks a call', () => {
  it('a tracer and a meter that throw are reported to onError; the call succeeds', async () => {
    const errors: unknown[] = [];
    const boom = (): never => {
      throw new Error('boom');
    };
    const badTracer = { startSpan: boom, startActiveSpan: boom } as unknown as Tracer;
    const badMeter = { createHistogram: boom } as unknown as Meter;
    const r = new Router({
      targets: [{ id: 'a', adapter: new MockAdapter(() => ({ stream: ['ok'] })), model: 'm' }],
      middleware: [
        otelMiddleware({
          tracer: badTracer,
          meter: badMeter,
          propagateTraceContext: true,
          onError: (e) => errors.push(e),
        }),
      ],
    });
    expect((await r.complete({ messages })).text).toBe('ok');
    expect((await r.stream({ messages }).response).text).toBe('ok');
    expect(errors.length).toBeGreaterThanOrEqual(5);
  });

  it('refuses bad options with a config error naming the field', () => {
    const bad = (options: unknown) => () => otelMiddleware(options as never);
    expect(bad({ tracer: {} })).toThrow(/otelMiddleware: tracer: expected/);
    expect(bad({ meter: 1 })).toThrow(/otelMiddleware: meter: expected/);
    expect(bad({ recordContent: 'yes' })).toThrow(/recordContent: expected a boolean/);
    expect(bad({ propagateTraceContext: 1 })).toThrow(/propagateTraceContext: expected a boolean/);
    expect(bad({ onError: 'x' })).toThrow(/onError: expected a function/);
    expect(bad({ traceContent: true })).toThrow(/traceContent: unknown option/);
    expect(bad({ strategy: '' })).toThrow(expect.objectContaining({ kind: 'config' }));
  });
});
