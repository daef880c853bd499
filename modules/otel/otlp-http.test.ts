/**
 * otelMiddleware through a real Router, exported by the SDK's OTLP/HTTP exporter (JSON) through a
 * BatchSpanProcessor to a local node:http receiver that decodes the OTLP payload: what a collector
 * would get, not what the SDK holds in memory.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Router, type SwitchyardError } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { OTEL_NAMES as N, otelMiddleware } from './index.js';

/** An OTLP `AnyValue` as the JSON encoding writes it (int64 as a string or a number). */
interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
}
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: KeyValue[];
  status?: { code?: number; message?: string };
}
interface OtlpTraces {
  resourceSpans: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans: Array<{ scope?: { name?: string }; spans: OtlpSpan[] }>;
  }>;
}

/** A decoded span: attributes as plain values. */
interface Decoded {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  scope: string | undefined;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
}

// OTLP enums (opentelemetry-proto trace.proto): SPAN_KIND_CLIENT = 3, STATUS_CODE_ERROR = 2.
const SPAN_KIND_CLIENT = 3;
const STATUS_CODE_UNSET = 0;
const STATUS_CODE_ERROR = 2;

function decodeValue(value: AnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(decodeValue);
  throw new Error(`unexpected OTLP value ${JSON.stringify(value)}`);
}

function decodeAttributes(attributes: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((attributes ?? []).map((kv) => [kv.key, decodeValue(kv.value)]));
}

/** A parent span id of an OTLP JSON root span is absent or empty. */
function decode(payload: OtlpTraces): Decoded[] {
  return payload.resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((s) => ({
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId ? s.parentSpanId : undefined,
        name: s.name,
        kind: s.kind,
        scope: ss.scope?.name,
        attributes: decodeAttributes(s.attributes),
        status: { code: s.status?.code ?? STATUS_CODE_UNSET, message: s.status?.message },
      })),
    ),
  );
}

/** Collects OTLP/HTTP JSON trace exports (`POST /v1/traces`). */
class Receiver {
  readonly requests: Array<{ path: string; contentType: string | undefined }> = [];
  readonly spans: Decoded[] = [];
  readonly resources: Array<Record<string, unknown>> = [];
  readonly #server: Server = createServer((req, res) => void this.#handle(req, res));

  async start(): Promise<string> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1/traces`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    this.requests.push({ path: req.url ?? '', contentType: req.headers['content-type'] });
    const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpTraces;
    for (const rs of payload.resourceSpans) this.resources.push(decodeAttributes(rs.resource?.attributes));
    this.spans.push(...decode(payload));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  }
}

const messages = [{ role: 'user' as const, content: 'hi' }];
const usage = { inputTokens: 12, outputTokens: 7, cachedInputTokens: 4, reasoningTokens: 2 };

const contextManager = new AsyncLocalStorageContextManager();
const receiver = new Receiver();
let provider: BasicTracerProvider;

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  const url = await receiver.start();
  provider = new BasicTracerProvider({
    spanProcessors: [
      // A long delay: spans leave only when the test flushes, in one batch.
      new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 60_000 }),
    ],
  });
});
afterAll(async () => {
  // Shutting down flushes and stops the batch timer and the exporter's agent.
  await provider.shutdown();
  await receiver.close();
  context.disable();
});
beforeEach(() => {
  receiver.spans.length = 0;
  receiver.requests.length = 0;
  receiver.resources.length = 0;
});

function router(): Router {
  let backupCalls = 0;
  return new Router({
    targets: [
      {
        id: 'primary',
        // Always overloaded: every call falls back to backup.
        adapter: new MockAdapter(() => ({ error: { status: 503 } }), { provider: 'openai' }),
        model: 'gpt-x',
        aliases: ['smart'],
      },
      {
        id: 'backup',
        // Answers the first call, refuses the second (400: not retryable).
        adapter: new MockAdapter(
          () =>
            ++backupCalls === 1 ? { text: 'hello', usage } : { error: { status: 400, message: 'rejected' } },
          { provider: 'anthropic' },
        ),
        model: 'claude-x',
        aliases: ['smart'],
        price: { inputPerMTok: 1, outputPerMTok: 2 },
      },
    ],
    strategy: 'priority',
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    middleware: [otelMiddleware({ tracer: provider.getTracer('switchyard-test'), strategy: 'priority' })],
  });
}

describe('otelMiddleware exported over OTLP/HTTP (JSON) to a local receiver', () => {
  it('sends call and attempt spans with GenAI attributes, parent links and error status', async () => {
    const r = router();
    // Call 1: attempt 1 on primary fails (503, retryable), attempt 2 falls back to backup, which answers.
    const ok = await r.complete({ messages, model: 'smart', maxOutputTokens: 32, temperature: 0.3 });
    // Call 2: primary fails (503), backup refuses (400, not retryable): the call fails.
    const failure = (await r
      .complete({ messages, model: 'smart' })
      .catch((e: unknown) => e)) as SwitchyardError;
    expect(failure.kind).toBe('invalid_request');
    await r.close();
    await provider.forceFlush();

    expect(receiver.requests.length).toBeGreaterThanOrEqual(1);
    for (const request of receiver.requests) {
      expect(request.path).toBe('/v1/traces');
      expect(request.contentType).toMatch(/^application\/json/);
    }
    expect(receiver.resources[0]).toMatchObject({ 'telemetry.sdk.language': 'nodejs' });

    const { spans } = receiver;
    // 2 call spans + 2 + 2 attempt spans; every one a CLIENT span named `chat {model}`.
    expect(spans).toHaveLength(6);
    for (const s of spans) {
      expect(s.kind).toBe(SPAN_KIND_CLIENT);
      expect(s.scope).toBe('switchyard-test');
      expect(s.attributes[N.operationName]).toBe('chat');
    }
    const calls = spans.filter((s) => s.parentSpanId === undefined);
    expect(calls.map((s) => s.attributes[N.requestId]).sort()).toEqual(
      [ok.requestId, failure.requestId].sort(),
    );
    const okCall = calls.find((s) => s.attributes[N.requestId] === ok.requestId)!;
    const failedCall = calls.find((s) => s.attributes[N.requestId] === failure.requestId)!;
    const attemptsOf = (call: Decoded): Decoded[] =>
      spans
        .filter((s) => s.parentSpanId === call.spanId)
        .sort((a, b) => Number(a.attributes[N.attempt]) - Number(b.attributes[N.attempt]));

    // The successful call: its span and its two attempts, in one trace, attempts children of the call.
    expect(okCall.name).toBe('chat smart');
    expect(okCall.status.code).toBe(STATUS_CODE_UNSET);
    expect(okCall.attributes[N.errorType]).toBeUndefined();
    expect(okCall.attributes).toMatchObject({
      [N.providerName]: 'anthropic',
      [N.requestModel]: 'smart',
      [N.requestMaxTokens]: 32,
      [N.requestTemperature]: 0.3,
      [N.responseModel]: 'claude-x',
      [N.responseFinishReasons]: ['stop'],
      [N.usageInputTokens]: 12,
      [N.usageOutputTokens]: 7,
      [N.usageCacheReadInputTokens]: 4,
      [N.usageReasoningOutputTokens]: 2,
      [N.target]: 'backup',
      [N.attempts]: 2,
      [N.strategy]: 'priority',
      [N.stream]: false,
    });
    const okAttempts = attemptsOf(okCall);
    expect(okAttempts.map((a) => a.traceId)).toEqual([okCall.traceId, okCall.traceId]);
    expect(
      okAttempts.map((a) => [
        a.name,
        a.attributes[N.attempt],
        a.attributes[N.target],
        a.attributes[N.providerName],
        a.attributes[N.requestModel],
        a.attributes[N.errorType],
        a.status.code,
      ]),
    ).toEqual([
      ['chat gpt-x', 1, 'primary', 'openai', 'gpt-x', 'server', STATUS_CODE_ERROR],
      ['chat claude-x', 2, 'backup', 'anthropic', 'claude-x', undefined, STATUS_CODE_UNSET],
    ]);
    expect(okAttempts[1]!.attributes).toMatchObject({
      [N.usageInputTokens]: 12,
      [N.usageOutputTokens]: 7,
      [N.responseModel]: 'claude-x',
    });
    // Attempt cost from the target's prices: 12 input at $1/MTok + 7 output at $2/MTok.
    expect(okAttempts[1]!.attributes[N.costUsd]).toBeCloseTo((12 * 1 + 7 * 2) / 1e6, 12);

    // The failed call: ERROR status with error.type on the call span and on each failed attempt.
    expect(failedCall.status.code).toBe(STATUS_CODE_ERROR);
    expect(failedCall.attributes[N.errorType]).toBe('invalid_request');
    expect(failedCall.attributes[N.attempts]).toBe(2);
    expect(failedCall.traceId).not.toBe(okCall.traceId);
    const failedAttempts = attemptsOf(failedCall);
    expect(
      failedAttempts.map((a) => [
        a.traceId === failedCall.traceId,
        a.attributes[N.target],
        a.attributes[N.providerName],
        a.attributes[N.errorType],
        a.status.code,
      ]),
    ).toEqual([
      [true, 'primary', 'openai', 'server', STATUS_CODE_ERROR],
      [true, 'backup', 'anthropic', 'invalid_request', STATUS_CODE_ERROR],
    ]);
    expect(failedAttempts[1]!.status.message).toMatch(/rejected/);
  });
});
