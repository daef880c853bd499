import type { Tracer } from '@opentelemetry/api';
import type { OtelApi } from './api.js';
import { createInstruments, type Instruments } from './metrics.js';
import type { OtelOptions } from './options.js';

const SCOPE = 'switchyard-llm';

/** What one {@link otelMiddleware} resolved from its options, shared by its call and attempt hooks. */
export interface OtelRuntime {
  /** The options as given; `strategy` is read from them at each call. */
  readonly options: OtelOptions;
  /** The loaded `@opentelemetry/api`. */
  readonly api: OtelApi;
  readonly tracer: Tracer;
  readonly recordContent: boolean;
  readonly propagate: boolean;
  readonly onError: ((error: unknown) => void) | undefined;
  readonly metrics: Instruments;
  /** Runs `fn`; what it throws goes to `onError`, never to the call. */
  readonly safe: (fn: () => void) => void;
}

/** Resolves checked `options` into an {@link OtelRuntime}: tracer, meter's histograms, flags. */
export function createRuntime(api: OtelApi, options: OtelOptions): OtelRuntime {
  const tracer = options.tracer ?? api.trace.getTracer(SCOPE);
  const meter = options.meter ?? api.metrics.getMeter(SCOPE);
  const recordContent = options.recordContent ?? false;
  const propagate = options.propagateTraceContext ?? false;
  const onError = options.onError;

  const safe = (fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      report(onError, error);
    }
  };

  return {
    options,
    api,
    tracer,
    recordContent,
    propagate,
    onError,
    metrics: createInstruments(api, meter, safe),
    safe,
  };
}

/** Tells `onError` of `error`; an `onError` that throws is ignored. */
export function report(onError: ((error: unknown) => void) | undefined, error: unknown): void {
  try {
    onError?.(error);
  } catch {
    // An onError that throws must not break calls either.
  }
}
