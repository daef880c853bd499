/**
 * What `otelMiddleware` adds to a routed call: routers of 8 MockAdapter targets in one process,
 * timed in rounds that rotate the order of the cases; for each case the median µs per call and
 * the median over the rounds of its difference from the bare router in the same round, for
 * completions and for streams (read to the end).
 *
 * Cases: `bare` (no middleware); `empty` (a middleware whose four hooks pass straight through);
 * `otel no-op` (the global tracer and meter with no SDK registered, as in an app without
 * OpenTelemetry set up); `otel no-op +prop` (the same with `propagateTraceContext`);
 * `otel recording` (an SDK 2.x tracer that records every span into a dropping exporter, and a
 * meter with a reader). No global context manager is registered, so `context.with` is the
 * API's no-op in every case.
 *
 * Part of `npm run bench`. Alone: node --import tsx test/bench/otel-overhead.ts (ROUNDS, CALLS,
 * BENCH_CLOCK=cpu and OTEL_BASELINE = the index.ts of another copy of the module, in the environment)
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
import { eightTargetRouter as router } from './eight-targets.js';
import { nowNs, type ObserverRow, timeCases } from './metrics-overhead.js';

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

const empty: Middleware = {
  name: 'empty',
  wrapCall: (_ctx, next) => next(),
  wrapStream: (_ctx, next) => next(),
  wrapAttempt: (_ctx, next) => next(),
  wrapAttemptStream: (_ctx, next) => next(),
};

async function completeRound(r: Router, calls: number): Promise<number> {
  const t0 = nowNs();
  for (let i = 0; i < calls; i++) await r.complete({ messages, model: 'chat' });
  return (nowNs() - t0) / calls;
}

async function streamRound(r: Router, calls: number): Promise<number> {
  const t0 = nowNs();
  for (let i = 0; i < calls; i++) {
    for await (const _event of r.stream({ messages, model: 'chat' })) {
      // read to the end
    }
  }
  return (nowNs() - t0) / calls;
}

/** The routers of this bench (and, with `baseline`, the no-op and recording cases of that copy too). */
export function otelCases(
  baseline?: { otelMiddleware: typeof otelMiddleware },
  recording = true,
): Record<string, Router> {
  // Cast through unknown: after `npm run bench`, test/bench/node_modules holds another copy of the
  // OpenTelemetry API (the e2e contenders' dependency), whose types differ from the root's.
  const tracer = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(new DropExporter())],
  }).getTracer('bench') as unknown as Tracer;
  const meter = new MeterProvider({ readers: [new Reader()] }).getMeter('bench') as unknown as Meter;
  const cases: Record<string, Router> = {
    bare: router([]),
    empty: router([empty]),
    'otel no-op': router([otelMiddleware()]),
    'otel no-op +prop': router([otelMiddleware({ propagateTraceContext: true })]),
  };
  if (recording) cases['otel recording'] = router([otelMiddleware({ tracer, meter })]);
  if (baseline) {
    cases['before no-op'] = router([baseline.otelMiddleware()]);
    cases['before no-op +prop'] = router([baseline.otelMiddleware({ propagateTraceContext: true })]);
    if (recording) cases['before recording'] = router([baseline.otelMiddleware({ tracer, meter })]);
  }
  return cases;
}

/** Completions and streams through every case (what `npm run bench` prints in its observers section). */
export async function otelOverheadRows(
  rounds = 15,
  calls = 10_000,
): Promise<{ complete: ObserverRow[]; stream: ObserverRow[] }> {
  const cases = otelCases();
  return {
    complete: await timeCases(cases, rounds, calls, completeRound),
    stream: await timeCases(cases, rounds, Math.round(calls / 2), streamRound),
  };
}

if (process.argv[1]?.endsWith('otel-overhead.ts')) {
  const rounds = Number(process.env.ROUNDS ?? 9);
  const calls = Number(process.env.CALLS ?? 10_000);
  const baseline = process.env.OTEL_BASELINE
    ? ((await import(process.env.OTEL_BASELINE)) as { otelMiddleware: typeof otelMiddleware })
    : undefined;
  const cases = otelCases(baseline, process.env.OTEL_RECORDING !== '0');
  for (const [kind, run, n] of [
    ['complete', completeRound, calls],
    ['stream', streamRound, Math.round(calls / 2)],
  ] as const) {
    if (process.env.OTEL_ONLY !== undefined && process.env.OTEL_ONLY !== kind) continue;
    const rows = await timeCases(cases, rounds, n, run);
    console.log(`${kind} (median of ${rounds} rotating rounds; + = median of paired differences from bare)`);
    for (const row of rows) {
      console.log(
        `  ${row.case.padEnd(18)} ${(row.ns / 1000).toFixed(2).padStart(6)} µs/call  (+${(row.addedNs / 1000).toFixed(2)} µs)`,
      );
    }
  }
}
