/**
 * OpenTelemetry traces of a routed call: the first target fails, the router falls back to the
 * second, and the spans show it: one call span, one child span per attempt, GenAI attributes.
 * Each adapter request carries a W3C `traceparent` of its attempt span. Spans are kept in
 * memory and printed; an app would register an exporter (OTLP) instead. No API keys, no network.
 *
 * Run: npx tsx examples/otel.ts
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { Router } from 'switchyard-llm';
import { OTEL_NAMES, otelMiddleware } from 'switchyard-llm/otel';
import { MockAdapter } from 'switchyard-llm/testing';

// The app's OpenTelemetry setup: a context manager (so spans nest across awaits) and a tracer.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

const traceparents: string[] = [];
const router = new Router({
  targets: [
    {
      id: 'primary',
      adapter: new MockAdapter(() => ({ error: { status: 503, message: 'overloaded' } }), {
        provider: 'openai',
      }),
      model: 'gpt-4o-mini',
      aliases: ['fast'],
    },
    {
      id: 'backup',
      adapter: new MockAdapter(
        (request) => {
          traceparents.push(request.headers?.traceparent ?? 'none');
          return { text: 'Hello!', usage: { inputTokens: 12, outputTokens: 3 } };
        },
        { provider: 'anthropic' },
      ),
      model: 'claude-haiku-4-5',
      aliases: ['fast'],
      price: { inputPerMTok: 1, outputPerMTok: 5 },
    },
  ],
  strategy: 'priority',
  middleware: [
    otelMiddleware({
      tracer: provider.getTracer('example'),
      strategy: 'priority',
      propagateTraceContext: true,
    }),
  ],
});

const res = await router.complete({
  model: 'fast',
  messages: [{ role: 'user', content: 'Say hello' }],
  maxOutputTokens: 32,
});
console.log(`answer: ${res.text} (from ${res.target}, ${res.attempts.length} attempts)\n`);

const shown = [
  OTEL_NAMES.providerName,
  OTEL_NAMES.target,
  OTEL_NAMES.attempt,
  OTEL_NAMES.attempts,
  OTEL_NAMES.requestMaxTokens,
  OTEL_NAMES.responseModel,
  OTEL_NAMES.usageInputTokens,
  OTEL_NAMES.usageOutputTokens,
  OTEL_NAMES.costUsd,
  OTEL_NAMES.errorType,
];
const spans = exporter.getFinishedSpans();
const print = (span: ReadableSpan, depth: number): void => {
  const attributes = shown
    .filter((name) => span.attributes[name] !== undefined)
    .map((name) => `${name}=${JSON.stringify(span.attributes[name])}`);
  const status = span.status.code === 2 ? ' status=ERROR' : '';
  console.log(`${'  '.repeat(depth)}${span.name}${status}  ${attributes.join(' ')}`);
  for (const child of spans.filter((s) => s.parentSpanContext?.spanId === span.spanContext().spanId)) {
    print(child, depth + 1);
  }
};
for (const root of spans.filter((s) => s.parentSpanContext === undefined)) print(root, 0);

const backupSpan = spans.find((s) => s.attributes[OTEL_NAMES.target] === 'backup' && s.parentSpanContext);
console.log(`\ntraceparent sent to backup: ${traceparents[0]}`);
console.log(
  `matches its attempt span: ${traceparents[0]?.includes(backupSpan?.spanContext().spanId ?? '?')}`,
);
