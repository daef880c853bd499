import type { Context, Span } from '@opentelemetry/api';
import type { OtelApi } from './api.js';

/**
 * `headers` plus the trace context of `span` (`traceparent`, `tracestate`), through the global
 * propagator, or written as W3C Trace Context here when the global propagator sets none.
 */
export function injectTraceContext(
  api: OtelApi,
  otelContext: Context,
  span: Span,
  headers: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const carrier: Record<string, string> = { ...headers };
  api.propagation.inject(otelContext, carrier);
  const spanContext = span.spanContext();
  if (carrier.traceparent === undefined && api.isSpanContextValid(spanContext)) {
    // No global propagator (the API's default is a no-op): write W3C Trace Context ourselves.
    const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
    carrier.traceparent = `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
    const state = spanContext.traceState?.serialize();
    if (state) carrier.tracestate = state;
  }
  return carrier;
}
