import type { Attributes, Context, Span } from '@opentelemetry/api';
import {
  type CallContext,
  type CompletionResponse,
  isSwitchyardError,
  type NextCall,
  type NextStream,
  type StreamEvent,
  SwitchyardError,
} from '../../src/index.js';
import { callAttributes, markFailed, responseAttributes, spanName } from './attributes.js';
import { outputMessages } from './content.js';
import { OTEL_NAMES as N } from './names.js';
import { observe } from './observe.js';
import type { OtelRuntime } from './runtime.js';

/** Key of the {@link CallState} in the call's `state`. */
export const STATE = Symbol('switchyard.otel');

/** Per call: the call span and what the last attempt learned (provider, target). */
export interface CallState {
  readonly span: Span;
  provider?: string;
  /**
   * Attempts started so far (traced calls): a failed call's span counts them, as the error
   * that reaches the middleware does not carry the attempts yet (the router adds them after).
   */
  attempts?: number;
  /**
   * Nothing of this call records: its span is not recording and the meter is a no-op. Its
   * attempts make no spans, contexts nor attributes (only the trace context is still sent).
   */
  readonly quiet?: boolean;
}

/**
 * The `wrapCall` hook: the call span around `next`, made current. When nothing of the call
 * records, the very promise of `next`.
 */
export function wrapCall(rt: OtelRuntime, ctx: CallContext, next: NextCall): Promise<CompletionResponse> {
  const started = startCall(rt, ctx);
  // Nothing records: the very promise of `next`, no span made current, nothing to end.
  if (started === undefined) return next();
  return traceCall(rt, ctx, started.span, started.otelContext, next);
}

/**
 * The `wrapStream` hook: the call span around the stream, current at each step, ended at its
 * `finish` event, failure or early stop. When nothing of the call records, the very stream of
 * `next`.
 */
export function wrapStream(rt: OtelRuntime, ctx: CallContext, next: NextStream): AsyncIterable<StreamEvent> {
  const started = startCall(rt, ctx);
  if (started === undefined) return next();
  const { span, otelContext } = started;
  return observe<StreamEvent>(rt.api, otelContext, next, {
    item: (event) => {
      if (event.type === 'finish') endCallSuccess(rt, ctx, span, event.response);
    },
    failed: (error) => endCallFailure(rt, ctx, span, error),
    // Ended without `finish`: the reader stopped early.
    ended: (sawFinish) => {
      if (!sawFinish)
        endCallFailure(rt, ctx, span, new SwitchyardError('aborted', 'the stream was not read to its end'));
    },
    isFinish: (event) => event.type === 'finish',
  });
}

/** Starts the call span; `undefined` when nothing of the call records (see {@link CallState.quiet}). */
function startCall(rt: OtelRuntime, ctx: CallContext): { span: Span; otelContext: Context } | undefined {
  const model = ctx.request.model;
  if (!rt.metrics.records && rt.tracerIsNoop()) {
    // Nothing can record: no name nor attributes to build. The no-op tracer's span carries the
    // parent's trace context, which only propagation reads.
    let span = rt.noopSpan;
    if (rt.propagate) {
      rt.safe(() => {
        span = rt.tracer.startSpan(spanName(model), { kind: rt.api.SpanKind.CLIENT });
      });
    }
    ctx.state.set(STATE, { span, quiet: true } satisfies CallState);
    return undefined;
  }
  let span: Span | undefined;
  rt.safe(() => {
    span = rt.tracer.startSpan(spanName(model), {
      kind: rt.api.SpanKind.CLIENT,
      attributes: callAttributes(ctx, rt.options.strategy, rt.recordContent),
    });
  });
  // A tracer that failed is not known to be a no-op: its attempts still try theirs.
  if (span !== undefined && !rt.metrics.records && !isRecording(span)) {
    ctx.state.set(STATE, { span, quiet: true } satisfies CallState);
    return undefined;
  }
  span ??= rt.api.trace.wrapSpanContext(rt.api.INVALID_SPAN_CONTEXT);
  ctx.state.set(STATE, { span } satisfies CallState);
  return { span, otelContext: rt.api.trace.setSpan(rt.api.context.active(), span) };
}

async function traceCall(
  rt: OtelRuntime,
  ctx: CallContext,
  span: Span,
  otelContext: Context,
  next: NextCall,
): Promise<CompletionResponse> {
  let response: CompletionResponse;
  try {
    response = await rt.api.context.with(otelContext, next);
  } catch (error) {
    endCallFailure(rt, ctx, span, error);
    throw error;
  }
  endCallSuccess(rt, ctx, span, response);
  return response;
}

function endCallSuccess(rt: OtelRuntime, ctx: CallContext, span: Span, response: CompletionResponse): void {
  rt.safe(() => {
    if (!span.isRecording()) return;
    const state = ctx.state.get(STATE) as CallState | undefined;
    const attributes: Attributes = {
      ...responseAttributes(response.model, response.responseId, response.finishReason, response.usage),
      [N.target]: response.target,
      [N.attempts]: response.attempts.length,
    };
    if (state?.provider !== undefined) attributes[N.providerName] = state.provider;
    if (response.costUsd !== undefined) attributes[N.costUsd] = response.costUsd;
    if (rt.recordContent)
      attributes[N.outputMessages] = outputMessages(response.content, response.finishReason);
    span.setAttributes(attributes);
  });
  rt.safe(() => span.end());
}

function endCallFailure(rt: OtelRuntime, ctx: CallContext, span: Span, error: unknown): void {
  rt.safe(() => {
    if (!span.isRecording()) return;
    const state = ctx.state.get(STATE) as CallState | undefined;
    if (state?.provider !== undefined) span.setAttribute(N.providerName, state.provider);
    const attempts = state?.attempts ?? (isSwitchyardError(error) ? error.attempts?.length : undefined);
    if (attempts !== undefined) span.setAttribute(N.attempts, attempts);
    markFailed(rt.api, span, error);
  });
  rt.safe(() => span.end());
}

/** Whether `span` records; a span that cannot say is taken as recording. */
function isRecording(span: Span): boolean {
  try {
    return span.isRecording();
  } catch {
    return true;
  }
}
