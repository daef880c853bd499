import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
import type { AttemptContext, Usage } from '../../src/index.js';
import type { OtelApi } from './api.js';
import { errorType } from './attributes.js';
import { CHAT_OPERATION, OTEL_NAMES as N } from './names.js';

/**
 * Whether `histogram` is one of the API's no-op histograms (a meter that makes them records
 * nothing): of the copy of the API loaded here, or of another copy (the app's ESM one, say),
 * whose class is another object of the same name.
 */
function isNoop(api: OtelApi, histogram: Histogram): boolean {
  const noop = api.createNoopMeter().createHistogram('noop').constructor;
  return histogram.constructor === noop || histogram.constructor.name === noop.name;
}

/** Bucket boundaries the GenAI conventions advise, seconds and tokens. */
const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/** The GenAI client histograms; one the meter failed to make is `undefined`. */
export interface Instruments {
  readonly duration: Histogram | undefined;
  readonly tokens: Histogram | undefined;
  readonly firstChunk: Histogram | undefined;
  /** Whether any metric can record (else metric attributes are never built). */
  readonly records: boolean;
}

/**
 * Makes the GenAI client histograms on `meter`, through `safe` (a meter that throws leaves
 * them `undefined`).
 */
export function createInstruments(api: OtelApi, meter: Meter, safe: (fn: () => void) => void): Instruments {
  let duration: Histogram | undefined;
  let tokens: Histogram | undefined;
  let firstChunk: Histogram | undefined;
  safe(() => {
    duration = meter.createHistogram(N.operationDuration, {
      description: 'GenAI operation duration',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    tokens = meter.createHistogram(N.tokenUsage, {
      description: 'Number of input and output tokens used',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    });
    firstChunk = meter.createHistogram(N.timeToFirstChunk, {
      description: 'Time to receive the first chunk of a streamed response',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
  });
  const records = [duration, tokens, firstChunk].some((h) => h !== undefined && !isNoop(api, h));
  return { duration, tokens, firstChunk, records };
}

/** The attributes of an attempt's metric points. */
function attemptMetricAttributes(ctx: AttemptContext, responseModel?: string, error?: unknown): Attributes {
  const attributes: Attributes = {
    [N.operationName]: CHAT_OPERATION,
    [N.providerName]: ctx.target.provider,
    [N.requestModel]: ctx.adapterRequest.model,
    [N.target]: ctx.target.id,
  };
  if (responseModel !== undefined) attributes[N.responseModel] = responseModel;
  if (error !== undefined) attributes[N.errorType] = errorType(error);
  return attributes;
}

/** Records an answered attempt: its duration and (when known) its input and output tokens. */
export function recordAttemptSuccess(
  instruments: Instruments,
  ctx: AttemptContext,
  startedAt: number,
  model: string,
  usage: Usage,
): void {
  const attributes = attemptMetricAttributes(ctx, model);
  instruments.duration?.record(seconds(startedAt), attributes);
  if (usage.unknown !== true) {
    instruments.tokens?.record(usage.inputTokens, { ...attributes, [N.tokenType]: 'input' });
    instruments.tokens?.record(usage.outputTokens, { ...attributes, [N.tokenType]: 'output' });
  }
}

/** Records a failed attempt's duration, with its `error.type`. */
export function recordAttemptFailure(
  instruments: Instruments,
  ctx: AttemptContext,
  startedAt: number,
  error: unknown,
): void {
  instruments.duration?.record(seconds(startedAt), attemptMetricAttributes(ctx, undefined, error));
}

/** Records the time from a streamed attempt's start to its first part. */
export function recordFirstChunk(instruments: Instruments, ctx: AttemptContext, startedAt: number): void {
  instruments.firstChunk?.record(seconds(startedAt), attemptMetricAttributes(ctx));
}

/** Seconds since `startedAt` (a `performance.now()`). */
function seconds(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}
