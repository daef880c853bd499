/**
 * `switchyard-llm/otel`: OpenTelemetry spans and GenAI client metrics of every call and
 * attempt, following the GenAI semantic conventions, through `@opentelemetry/api`.
 *
 * @example
 * ```ts
 * import { otelMiddleware } from 'switchyard-llm/otel';
 * const router = new Router({ targets, middleware: [otelMiddleware()] }); // the global tracer and meter
 * ```
 */
export { CHAT_OPERATION, OTEL_NAMES } from './names.js';
export type { OtelOptions } from './options.js';
export { otelMiddleware } from './otel.js';
