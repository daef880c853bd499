/**
 * Switchyard core: contracts, errors, helpers for adapters and strategies, and the Router.
 * This module imports no adapter, no strategy implementation and no vendor SDK.
 */

// Contracts
export type * from './types/message.js';
export type * from './types/tool.js';
export type * from './types/request.js';
export type * from './types/response.js';
export type * from './types/stream.js';
export type * from './types/adapter.js';
export type * from './types/target.js';
export type * from './types/strategy.js';
export type * from './types/clock.js';

// Errors
export { type ErrorKind, ERROR_KINDS, isRetryableKind, fallsBack, countsAgainstHealth } from './errors/error-kind.js';
export { SwitchyardError, isSwitchyardError, SWITCHYARD_ERROR, type SwitchyardErrorOptions } from './errors/switchyard-error.js';
export {
  errorFromHttpStatus,
  errorFromException,
  errorFromAbort,
  kindFromHttpStatus,
  type HttpErrorOptions,
} from './errors/http.js';
export { parseRetryAfter, parseDuration, readHeader, type HeaderSource } from './errors/retry-after.js';
export { redactSecrets } from './errors/redact.js';

// Helpers
export { systemClock, createSeededRandom, sleep } from './clock.js';
export { contentParts, messageText, textOf, toolCallsOf, toolInputText } from './util/content.js';
export { makeUsage, EMPTY_USAGE } from './util/usage.js';
export { StrategyRegistry } from './registry.js';
