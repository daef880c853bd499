import type { Context, Span } from '@opentelemetry/api';
import {
  type AdapterRequest,
  type AdapterResponse,
  type AdapterStreamPart,
  type AttemptContext,
  costOf,
  type NextAttempt,
  type NextAttemptStream,
  SwitchyardError,
  type Usage,
} from '../../src/index.js';
import { attemptAttributes, markFailed, responseAttributes, spanName } from './attributes.js';
import { type CallState, STATE } from './call.js';
import { recordAttemptFailure, recordAttemptSuccess, recordFirstChunk } from './metrics.js';
import { OTEL_NAMES as N } from './names.js';
import { observe } from './observe.js';
import { type OtelRuntime, report } from './runtime.js';
import { injectTraceContext } from './trace-context.js';

/**
 * The `wrapAttempt` hook: an attempt span, child of the call span, current around the adapter.
 * In a quiet call, only the adapter request (with the trace context when asked).
 */
export function wrapAttempt(
  rt: OtelRuntime,
  ctx: AttemptContext,
  next: NextAttempt,
): Promise<AdapterResponse> {
  const state = ctx.state.get(STATE) as CallState | undefined;
  if (state?.quiet === true) {
    state.provider = ctx.target.provider;
    return next(quietRequest(rt, ctx, state));
  }
  return traceAttempt(rt, ctx, next);
}

/**
 * The `wrapAttemptStream` hook: as {@link wrapAttempt}, the span current at each step of the
 * stream and ended at its `finish` part, failure or early stop; records the time to the first
 * part.
 */
export function wrapAttemptStream(
  rt: OtelRuntime,
  ctx: AttemptContext,
  next: NextAttemptStream,
): AsyncIterable<AdapterStreamPart> {
  const state = ctx.state.get(STATE) as CallState | undefined;
  if (state?.quiet === true) {
    state.provider = ctx.target.provider;
    return next(quietRequest(rt, ctx, state));
  }
  return traceAttemptStream(rt, ctx, next);
}

/**
 * The adapter request of an attempt of a quiet call: as it is, or with the trace context of
 * the call's (non-recording) span when `propagateTraceContext` is on, as its attempt span
 * would have carried.
 */
function quietRequest(rt: OtelRuntime, ctx: AttemptContext, state: CallState): AdapterRequest {
  const request = ctx.adapterRequest;
  if (!rt.propagate) return request;
  try {
    const headers = injectTraceContext(
      rt.api,
      rt.api.trace.setSpan(rt.api.context.active(), state.span),
      state.span,
      request.headers,
    );
    return { ...request, headers };
  } catch (error) {
    report(rt.onError, error);
    return request;
  }
}

async function traceAttempt(
  rt: OtelRuntime,
  ctx: AttemptContext,
  next: NextAttempt,
): Promise<AdapterResponse> {
  const startedAt = performance.now();
  const { span, otelContext, request } = startAttempt(rt, ctx);
  let response: AdapterResponse;
  try {
    response = await rt.api.context.with(otelContext, () => next(request));
  } catch (error) {
    endAttemptFailure(rt, ctx, span, startedAt, error);
    throw error;
  }
  endAttemptSuccess(rt, ctx, span, startedAt, response);
  return response;
}

function traceAttemptStream(
  rt: OtelRuntime,
  ctx: AttemptContext,
  next: NextAttemptStream,
): AsyncIterable<AdapterStreamPart> {
  const startedAt = performance.now();
  const { span, otelContext, request } = startAttempt(rt, ctx);
  let first = true;
  let responseId: string | undefined;
  let modelId: string | undefined;
  return observe<AdapterStreamPart>(rt.api, otelContext, () => next(request), {
    item: (part) => {
      if (first) {
        first = false;
        if (rt.metrics.records) rt.safe(() => recordFirstChunk(rt.metrics, ctx, startedAt));
      }
      if (part.type === 'response-metadata') {
        responseId = part.responseId ?? responseId;
        modelId = part.modelId ?? modelId;
      } else if (part.type === 'finish') {
        endAttemptSuccess(rt, ctx, span, startedAt, {
          modelId,
          responseId,
          finishReason: part.finishReason,
          usage: part.usage,
        });
      }
    },
    failed: (error) => endAttemptFailure(rt, ctx, span, startedAt, error),
    ended: (sawFinish) => {
      if (!sawFinish) {
        endAttemptFailure(
          rt,
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

function startAttempt(
  rt: OtelRuntime,
  ctx: AttemptContext,
): { span: Span; otelContext: Context; request: AdapterRequest } {
  const state = ctx.state.get(STATE) as CallState | undefined;
  // The call span is the parent even when another middleware changed the active context.
  const { context, trace } = rt.api;
  const parent = state ? trace.setSpan(context.active(), state.span) : context.active();
  let span: Span = trace.wrapSpanContext(rt.api.INVALID_SPAN_CONTEXT);
  rt.safe(() => {
    if (state) {
      state.provider = ctx.target.provider;
      state.attempts = (state.attempts ?? 0) + 1;
    }
    span = rt.tracer.startSpan(
      spanName(ctx.adapterRequest.model),
      { kind: rt.api.SpanKind.CLIENT, attributes: attemptAttributes(ctx, rt.options.strategy) },
      parent,
    );
  });
  const otelContext = trace.setSpan(parent, span);
  let request = ctx.adapterRequest;
  if (rt.propagate) {
    rt.safe(() => {
      request = { ...request, headers: injectTraceContext(rt.api, otelContext, span, request.headers) };
    });
  }
  return { span, otelContext, request };
}

function endAttemptSuccess(
  rt: OtelRuntime,
  ctx: AttemptContext,
  span: Span,
  startedAt: number,
  end: { modelId?: string; responseId?: string; finishReason: string; usage: Usage },
): void {
  const model = end.modelId ?? ctx.adapterRequest.model;
  rt.safe(() => {
    if (!span.isRecording()) return;
    const attributes = responseAttributes(model, end.responseId, end.finishReason, end.usage);
    const price = ctx.target.price;
    if (price !== undefined && end.usage.unknown !== true) attributes[N.costUsd] = costOf(end.usage, price);
    span.setAttributes(attributes);
  });
  rt.safe(() => span.end());
  if (!rt.metrics.records) return;
  rt.safe(() => recordAttemptSuccess(rt.metrics, ctx, startedAt, model, end.usage));
}

function endAttemptFailure(
  rt: OtelRuntime,
  ctx: AttemptContext,
  span: Span,
  startedAt: number,
  error: unknown,
): void {
  rt.safe(() => {
    if (span.isRecording()) markFailed(rt.api, span, error);
  });
  rt.safe(() => span.end());
  if (!rt.metrics.records) return;
  rt.safe(() => recordAttemptFailure(rt.metrics, ctx, startedAt, error));
}
