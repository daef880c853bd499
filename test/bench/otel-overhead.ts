/**
 * What `otelMiddleware` adds to a routed call: routers of 8 MockAdapter targets in one process,
 * timed in alternating rounds; prints the median µs per call of each case and the difference
 * from the bare router, for completions and for streams (read to the end).
 *
 * Cases: `bare` (no middleware); `empty` (a middleware whose four hooks pass straight through);
 * `otel no-op` (the global tracer and meter with no SDK registered, as in an app without
 * OpenTelemetry set up); `otel no-op +prop` (the same with `propagateTraceContext`);
 * `otel recording` (an SDK 2.x tracer that records every span into a dropping exporter, and a
 * meter with a reader). No global context manager is registered, so `context.with` is the
 * API's no-op in every case.
 *
 * Run: node --import tsx test/bench/otel-overhead.ts (ROUNDS, CALLS and OTEL_BASELINE in the environment)
 */
import type { Meter, Tracer } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { Middleware, Router } from '../../index.js';
import { otelMiddleware } from '../../modules/otel/index.js';
import { median, eightTargetRouter as router } from './eight-targets.js';

const ROUNDS = Number(process.env.ROUNDS ?? 9);
const CALLS = Number(process.env.CALLS ?? 10_000);
const STREAM_CALLS = Math.round(CALLS / 2);
const messages = [{ role: 'user' as const, content: 'hello there' }];

class DropExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
class Reader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}
// Cast through unknown: after `npm run bench`, test/bench/node_modules holds another copy of the
// OpenTelemetry API (the e2e contenders' dependency), whose types differ from the root's.
const tracer = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(new DropExporter())],
}).getTracer('bench') as unknown as Tracer;
const meter = new MeterProvider({ readers: [new Reader()] }).getMeter('bench') as unknown as Meter;

const empty: Middleware = {
  name: 'empty',
  wrapCall: (_ctx, next) => next(),
  wrapStream: (_ctx, next) => next(),
  wrapAttempt: (_ctx, next) => next(),
  wrapAttemptStream: (_ctx, next) => next(),
};

async function completeRound(r: Router): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) await r.complete({ messages, model: 'chat' });
  return Number(process.hrtime.bigint() - t0) / CALLS;
}

async function streamRound(r: Router): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < STREAM_CALLS; i++) {
    for await (const _event of r.stream({ messages, model: 'chat' })) {
      // read to the end
    }
  }
  return Number(process.hrtime.bigint() - t0) / STREAM_CALLS;
}

const cases: Record<string, Router> = {
  bare: router([]),
  empty: router([empty]),
  'otel no-op': router([otelMiddleware()]),
  'otel no-op +prop': router([otelMiddleware({ propagateTraceContext: true })]),
  'otel recording': router([otelMiddleware({ tracer, meter })]),
};
// OTEL_BASELINE=<path to another otel.ts>: the same cases with that version too, in the same rounds.
if (process.env.OTEL_BASELINE) {
  const before = (await import(process.env.OTEL_BASELINE)) as { otelMiddleware: typeof otelMiddleware };
  cases['before no-op'] = router([before.otelMiddleware()]);
  cases['before no-op +prop'] = router([before.otelMiddleware({ propagateTraceContext: true })]);
  cases['before recording'] = router([before.otelMiddleware({ tracer, meter })]);
}

for (const [kind, run] of [
  ['complete', completeRound],
  ['stream', streamRound],
] as const) {
  const times: Record<string, number[]> = {};
  for (const r of Object.values(cases)) await run(r); // warm up
  for (let i = 0; i < ROUNDS; i++) {
    for (const [name, r] of Object.entries(cases)) {
      const ts = times[name] ?? [];
      ts.push(await run(r));
      times[name] = ts;
    }
  }
  const bare = median(times.bare ?? []);
  console.log(`${kind} (median of ${ROUNDS} alternating rounds)`);
  for (const [name, ts] of Object.entries(times)) {
    const m = median(ts);
    console.log(
      `  ${name.padEnd(18)} ${(m / 1000).toFixed(2).padStart(6)} µs/call  (+${((m - bare) / 1000).toFixed(2)} µs)`,
    );
  }
}
