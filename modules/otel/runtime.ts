import type { Span, Tracer } from '@opentelemetry/api';
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
  /**
   * Whether `tracer` is, right now, the API's no-op tracer: it was taken from the API's global
   * proxy provider, and no SDK has given that provider a delegate yet. Its spans would not
   * record, so a call need not build their name and attributes nor start one. Always `false`
   * for a tracer given in the options (it is asked, through its spans, as before).
   */
  readonly tracerIsNoop: () => boolean;
  /** A span that records nothing and carries no trace context (the no-op tracer's root span). */
  readonly noopSpan: Span;
  readonly recordContent: boolean;
  readonly propagate: boolean;
  readonly onError: ((error: unknown) => void) | undefined;
  readonly metrics: Instruments;
  /** Runs `fn`; what it throws goes to `onError`, never to the call. */
  readonly safe: (fn: () => void) => void;
}

/** Resolves checked `options` into an {@link OtelRuntime}: tracer, meter's histograms, flags. */
export function createRuntime(api: OtelApi, options: OtelOptions): OtelRuntime {
  let tracer: Tracer;
  let tracerIsNoop = (): boolean => false;
  const provider = options.tracer === undefined ? api.trace.getTracerProvider() : undefined;
  if (options.tracer !== undefined) tracer = options.tracer;
  else if (provider instanceof api.ProxyTracerProvider) {
    // A ProxyTracer of `provider` forwards to the provider's delegate, and to the API's no-op
    // tracer while it has none (`getDelegate()` then returns the API's no-op provider).
    const noopProvider = new api.ProxyTracerProvider().getDelegate();
    tracer = provider.getTracer(SCOPE);
    tracerIsNoop = () => provider.getDelegate() === noopProvider;
  } else tracer = api.trace.getTracer(SCOPE);
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
    tracerIsNoop,
    noopSpan: api.trace.wrapSpanContext(api.INVALID_SPAN_CONTEXT),
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
