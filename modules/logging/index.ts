/**
 * `switchyard-llm/logging`: structured, redacted log records of every call and attempt.
 *
 * @example
 * ```ts
 * import { logging } from 'switchyard-llm/logging';
 * const router = new Router({ targets, middleware: [logging()] }); // JSON lines on stderr
 * ```
 */
export {
  type LogEvent,
  type LoggedError,
  type LoggingOptions,
  type LogLevel,
  type LogRecord,
  logging,
  stderrLogger,
} from './logging.js';
