import type {
  AdapterResponse,
  AdapterStreamPart,
  AttemptContext,
  CallContext,
  CompletionResponse,
  Middleware,
  NextAttempt,
  NextAttemptStream,
  NextCall,
  NextStream,
  StreamEvent,
} from '../../src/index.js';
import { loadOtelApi } from './api.js';
import * as attempt from './attempt.js';
import * as call from './call.js';
import { checkOptions, type OtelOptions } from './options.js';
import { createRuntime } from './runtime.js';

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
 * names it), or when `@opentelemetry/api` is not installed (the message says so).
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
  const api = loadOtelApi();
  checkOptions(options);
  const rt = createRuntime(api, options);
  return {
    name: 'otel',

    wrapCall(ctx: CallContext, next: NextCall): Promise<CompletionResponse> {
      return call.wrapCall(rt, ctx, next);
    },

    wrapStream(ctx: CallContext, next: NextStream): AsyncIterable<StreamEvent> {
      return call.wrapStream(rt, ctx, next);
    },

    wrapAttempt(ctx: AttemptContext, next: NextAttempt): Promise<AdapterResponse> {
      return attempt.wrapAttempt(rt, ctx, next);
    },

    wrapAttemptStream(ctx: AttemptContext, next: NextAttemptStream): AsyncIterable<AdapterStreamPart> {
      return attempt.wrapAttemptStream(rt, ctx, next);
    },
  };
}
