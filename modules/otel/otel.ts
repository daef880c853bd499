import {
  type Attributes,
  type Context,
  context,
  createNoopMeter,
  type Histogram,
  INVALID_SPAN_CONTEXT,
  metrics,
  type Span,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import {
  type AdapterRequest,
  type AdapterResponse,
  type AdapterStreamPart,
  type AttemptContext,
  type CallContext,
  type CompletionResponse,
  costOf,
  isSwitchyardError,
  type Middleware,
  type NextAttempt,
  type NextAttemptStream,
  type NextCall,
  type NextStream,
  type StreamEvent,
  SwitchyardError,
  type Usage,
} from '../../src/index.js';
import {
  attemptAttributes,
  callAttributes,
  errorType,
  markFailed,
  responseAttributes,
  spanName,
} from './attributes.js';
import { outputMessages } from './content.js';
import { CHAT_OPERATION, OTEL_NAMES as N } from './names.js';
import { observe } from './observe.js';
import { checkOptions, type OtelOptions } from './options.js';
import { injectTraceContext } from './trace-context.js';

const SCOPE = 'switchyard-llm';
/** Per call: the call span and what the last attempt learned (provider, target). */
const STATE = Symbol('switchyard.otel');

interface CallState {
  readonly span: Span;
  provider?: string;
  /**
   * Nothing of this call records: its span is not recording and the meter is a no-op. Its
   * attempts make no spans, contexts nor attributes (only the trace context is still sent).
   */
  readonly quiet?: boolean;
}

/** The class of the API's no-op histograms: a meter that makes them records nothing. */
const NOOP_HISTOGRAM: unknown = createNoopMeter().createHistogram('noop').constructor;

/** Bucket boundaries the GenAI conventions advise, seconds and tokens. */
const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/**
 * OpenTelemetry tracing and metrics of every call, following the GenAI semantic conventions:
 * one CLIENT span per call (`chat {model}`, retries and fallback included) and one child span
 * per attempt, made active around the adapter so its HTTP client's spans nest under it.
 * Records `gen_ai.client.operation.duration`, `gen_ai.client.token.usage` and, for streams,
 * `gen_ai.client.operation.time_to_first_chunk`, per attempt. Attribute and metric names are in
 * {@link OTEL_NAMES}.
 *
 * Uses only `@opentelemetry/api` (an optional peer dependency): spans and metrics go wherever
 * the app's SDK sends them, and nowhere without one. Recording never fails a call: a tracer or
 * meter that throws is reported to `onError`.
 *
 * @throws {SwitchyardError} `config` at construction when an option is invalid (the message
 * names it).
 *
 * @example
 * ```ts
 * import { Router } from 'switchyard-llm';
 * import { otelMiddleware } from 'switchyard-llm/otel';
 *
 * const router = new Router({ targets, middleware: [otelMiddleware({ propagateTraceContext: true })] });
 * ```
 */
export function otelMiddleware(options: OtelOptions = {}): Middleware {
  checkOptions(options);
  const tracer = options.tracer ?? trace.getTracer(SCOPE);
  const meter = options.meter ?? metrics.getMeter(SCOPE);
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

  /** Whether any metric can record (else metric attributes are never built). */
  const metersRecord = [duration, tokens, firstChunk].some(
    (h) => h !== undefined && h.constructor !== NOOP_HISTOGRAM,
  );

  // ---- calls

  /** Starts the call span; `undefined` when nothing of the call records (see {@link CallState.quiet}). */
  const startCall = (ctx: CallContext): { span: Span; otelContext: Context } | undefined => {
    const model = ctx.request.model;
    let span: Span | undefined;
    safe(() => {
      span = tracer.startSpan(spanName(model), {
        kind: SpanKind.CLIENT,
        attributes: callAttributes(ctx, options.strategy, recordContent),
      });
    });
    // A tracer that failed is not known to be a no-op: its attempts still try theirs.
    if (span !== undefined && !metersRecord && !isRecording(span)) {
      ctx.state.set(STATE, { span, quiet: true } satisfies CallState);
      return undefined;
    }
    span ??= trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    ctx.state.set(STATE, { span } satisfies CallState);
    return { span, otelContext: trace.setSpan(context.active(), span) };
  };

  const endCallSuccess = (ctx: CallContext, span: Span, response: CompletionResponse): void => {
    safe(() => {
      if (!span.isRecording()) return;
      const state = ctx.state.get(STATE) as CallState | undefined;
      const attributes: Attributes = {
        ...responseAttributes(response.model, response.responseId, response.finishReason, response.usage),
        [N.target]: response.target,
        [N.attempts]: response.attempts.length,
      };
      if (state?.provider !== undefined) attributes[N.providerName] = state.provider;
      if (response.costUsd !== undefined) attributes[N.costUsd] = response.costUsd;
      if (recordContent)
        attributes[N.outputMessages] = outputMessages(response.content, response.finishReason);
      span.setAttributes(attributes);
    });
    safe(() => span.end());
  };

  const endCallFailure = (ctx: CallContext, span: Span, error: unknown): void => {
    safe(() => {
      if (!span.isRecording()) return;
      const state = ctx.state.get(STATE) as CallState | undefined;
      if (state?.provider !== undefined) span.setAttribute(N.providerName, state.provider);
      if (isSwitchyardError(error) && error.attempts !== undefined) {
        span.setAttribute(N.attempts, error.attempts.length);
      }
      markFailed(span, error);
    });
    safe(() => span.end());
  };

  // ---- attempts

  const startAttempt = (
    ctx: AttemptContext,
  ): { span: Span; otelContext: Context; request: AdapterRequest } => {
    const state = ctx.state.get(STATE) as CallState | undefined;
    // The call span is the parent even when another middleware changed the active context.
    const parent = state ? trace.setSpan(context.active(), state.span) : context.active();
    let span: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    safe(() => {
      if (state) state.provider = ctx.target.provider;
      span = tracer.startSpan(
        spanName(ctx.adapterRequest.model),
        { kind: SpanKind.CLIENT, attributes: attemptAttributes(ctx, options.strategy) },
        parent,
      );
    });
    const otelContext = trace.setSpan(parent, span);
    let request = ctx.adapterRequest;
    if (propagate) {
      safe(() => {
        request = { ...request, headers: injectTraceContext(otelContext, span, request.headers) };
      });
    }
    return { span, otelContext, request };
  };

  const attemptMetricAttributes = (
    ctx: AttemptContext,
    responseModel?: string,
    error?: unknown,
  ): Attributes => {
    const attributes: Attributes = {
      [N.operationName]: CHAT_OPERATION,
      [N.providerName]: ctx.target.provider,
      [N.requestModel]: ctx.adapterRequest.model,
      [N.target]: ctx.target.id,
    };
    if (responseModel !== undefined) attributes[N.responseModel] = responseModel;
    if (error !== undefined) attributes[N.errorType] = errorType(error);
    return attributes;
  };

  const endAttemptSuccess = (
    ctx: AttemptContext,
    span: Span,
    startedAt: number,
    end: { modelId?: string; responseId?: string; finishReason: string; usage: Usage },
  ): void => {
    const model = end.modelId ?? ctx.adapterRequest.model;
    safe(() => {
      if (!span.isRecording()) return;
      const attributes = responseAttributes(model, end.responseId, end.finishReason, end.usage);
      const price = ctx.target.price;
      if (price !== undefined && end.usage.unknown !== true) attributes[N.costUsd] = costOf(end.usage, price);
      span.setAttributes(attributes);
    });
    safe(() => span.end());
    if (!metersRecord) return;
    safe(() => {
      const attributes = attemptMetricAttributes(ctx, model);
      duration?.record(seconds(startedAt), attributes);
      if (end.usage.unknown !== true) {
        tokens?.record(end.usage.inputTokens, { ...attributes, [N.tokenType]: 'input' });
        tokens?.record(end.usage.outputTokens, { ...attributes, [N.tokenType]: 'output' });
      }
    });
  };

  const endAttemptFailure = (ctx: AttemptContext, span: Span, startedAt: number, error: unknown): void => {
    safe(() => {
      if (span.isRecording()) markFailed(span, error);
    });
    safe(() => span.end());
    if (!metersRecord) return;
    safe(() => duration?.record(seconds(startedAt), attemptMetricAttributes(ctx, undefined, error)));
  };

  /**
   * The adapter request of an attempt of a quiet call: as it is, or with the trace context of
   * the call's (non-recording) span when `propagateTraceContext` is on, as its attempt span
   * would have carried.
   */
  const quietRequest = (ctx: AttemptContext, state: CallState): AdapterRequest => {
    const request = ctx.adapterRequest;
    if (!propagate) return request;
    try {
      const headers = injectTraceContext(
        trace.setSpan(context.active(), state.span),
        state.span,
        request.headers,
      );
      return { ...request, headers };
    } catch (error) {
      report(onError, error);
      return request;
    }
  };

  return {
    name: 'otel',

    wrapCall(ctx: CallContext, next: NextCall): Promise<CompletionResponse> {
      const started = startCall(ctx);
      // Nothing records: the very promise of `next`, no span made current, nothing to end.
      if (started === undefined) return next();
      return traceCall(ctx, started.span, started.otelContext, next);
    },

    wrapStream(ctx: CallContext, next: NextStream): AsyncIterable<StreamEvent> {
      const started = startCall(ctx);
      if (started === undefined) return next();
      const { span, otelContext } = started;
      return observe<StreamEvent>(otelContext, next, {
        item: (event) => {
          if (event.type === 'finish') endCallSuccess(ctx, span, event.response);
        },
        failed: (error) => endCallFailure(ctx, span, error),
        // Ended without `finish`: the reader stopped early.
        ended: (sawFinish) => {
          if (!sawFinish)
            endCallFailure(ctx, span, new SwitchyardError('aborted', 'the stream was not read to its end'));
        },
        isFinish: (event) => event.type === 'finish',
      });
    },

    wrapAttempt(ctx: AttemptContext, next: NextAttempt): Promise<AdapterResponse> {
      const state = ctx.state.get(STATE) as CallState | undefined;
      if (state?.quiet === true) {
        state.provider = ctx.target.provider;
        return next(quietRequest(ctx, state));
      }
      return traceAttempt(ctx, next);
    },

    wrapAttemptStream(ctx: AttemptContext, next: NextAttemptStream): AsyncIterable<AdapterStreamPart> {
      const state = ctx.state.get(STATE) as CallState | undefined;
      if (state?.quiet === true) {
        state.provider = ctx.target.provider;
        return next(quietRequest(ctx, state));
      }
      return traceAttemptStream(ctx, next);
    },
  };

  async function traceCall(
    ctx: CallContext,
    span: Span,
    otelContext: Context,
    next: NextCall,
  ): Promise<CompletionResponse> {
    let response: CompletionResponse;
    try {
      response = await context.with(otelContext, next);
    } catch (error) {
      endCallFailure(ctx, span, error);
      throw error;
    }
    endCallSuccess(ctx, span, response);
    return response;
  }

  async function traceAttempt(ctx: AttemptContext, next: NextAttempt): Promise<AdapterResponse> {
    const startedAt = performance.now();
    const { span, otelContext, request } = startAttempt(ctx);
    let response: AdapterResponse;
    try {
      response = await context.with(otelContext, () => next(request));
    } catch (error) {
      endAttemptFailure(ctx, span, startedAt, error);
      throw error;
    }
    endAttemptSuccess(ctx, span, startedAt, response);
    return response;
  }

  function traceAttemptStream(
    ctx: AttemptContext,
    next: NextAttemptStream,
  ): AsyncIterable<AdapterStreamPart> {
    const startedAt = performance.now();
    const { span, otelContext, request } = startAttempt(ctx);
    let first = true;
    let responseId: string | undefined;
    let modelId: string | undefined;
    return observe<AdapterStreamPart>(otelContext, () => next(request), {
      item: (part) => {
        if (first) {
          first = false;
          if (metersRecord) safe(() => firstChunk?.record(seconds(startedAt), attemptMetricAttributes(ctx)));
        }
        if (part.type === 'response-metadata') {
          responseId = part.responseId ?? responseId;
          modelId = part.modelId ?? modelId;
        } else if (part.type === 'finish') {
          endAttemptSuccess(ctx, span, startedAt, {
            modelId,
            responseId,
            finishReason: part.finishReason,
            usage: part.usage,
          });
        }
      },
      failed: (error) => endAttemptFailure(ctx, span, startedAt, error),
      ended: (sawFinish) => {
        if (!sawFinish) {
          endAttemptFailure(
            ctx,
            span,
            startedAt,
            new SwitchyardError('aborted', 'the stream was not read to its end'),
          );
        }
      },
      isFinish: (part) => part.type === 'finish',
    });
  }
}

// ---- helpers

function seconds(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}

/** Whether `span` records; a span that cannot say is taken as recording. */
function isRecording(span: Span): boolean {
  try {
    return span.isRecording();
  } catch {
    return true;
  }
}

function report(onError: ((error: unknown) => void) | undefined, error: unknown): void {
  try {
    onError?.(error);
  } catch {
    // An onError that throws must not break calls either.
  }
}
