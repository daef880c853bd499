/**
 * Errors of an AI SDK model → {@link SwitchyardError}, so that the router can tell what to retry.
 * AI SDK errors are recognised by their `Symbol.for` markers and names (as the AI SDK's own
 * `isInstance` does), without loading `@ai-sdk/provider` at run time.
 */
import { isSwitchyardError, SwitchyardError } from '../../index.js';
import {
  errorFromAbort,
  errorFromException,
  errorFromHttpStatus,
  redactSecrets,
} from '../adapter-kit/index.js';

/** What {@link errorFromAISDK} needs to know about the attempt. */
export interface AISDKErrorContext {
  /** Target id, put on the error. */
  readonly target: string;
  /** The attempt's signal: once aborted, any failure is the abort. */
  readonly signal?: AbortSignal;
  /** Wall-clock now in ms, for HTTP-date Retry-After. @default Date.now() */
  readonly now?: number;
}

/** The fields of the AI SDK's `APICallError` that the mapping reads. */
interface APICallErrorLike {
  readonly message: string;
  readonly statusCode?: number;
  readonly responseHeaders?: Record<string, string>;
  readonly isRetryable: boolean;
  readonly cause?: unknown;
}

function hasMarker(error: unknown, name: string): boolean {
  if (error === null || typeof error !== 'object') return false;
  const marked = (error as Record<symbol, unknown>)[Symbol.for(`vercel.ai.error.${name}`)] === true;
  return marked || (error as { name?: unknown }).name === name;
}

/** Whether `error` is the AI SDK's `APICallError` (from any copy of `@ai-sdk/provider`). */
export function isAPICallError(error: unknown): error is APICallErrorLike {
  return (
    hasMarker(error, 'AI_APICallError') &&
    typeof (error as { isRetryable?: unknown }).isRetryable === 'boolean'
  );
}

const INVALID_REQUEST = [
  'AI_InvalidPromptError',
  'AI_InvalidArgumentError',
  'AI_UnsupportedFunctionalityError',
  'AI_TooManyEmbeddingValuesForCallError',
];
const MALFORMED_RESPONSE = [
  'AI_JSONParseError',
  'AI_TypeValidationError',
  'AI_InvalidResponseDataError',
  'AI_EmptyResponseBodyError',
];

function messageOf(error: unknown): string {
  return redactSecrets(error instanceof Error ? error.message : String(error));
}

/**
 * Maps an error thrown (or sent as a stream `error` part) by a `LanguageModelV3`:
 * - `APICallError` with an error status → the usual HTTP mapping (429 → `rate_limited` with
 *   `retryAfterMs` from its response headers, 5xx → `server`, 401/403 → `auth`, 404 →
 *   `not_found`, other 4xx → `invalid_request`); with a success status (the body broke while
 *   being read) → `connection`/`timeout` from its cause; without a status (the request never
 *   got an answer) → the same when `isRetryable`, else `invalid_request`;
 * - the AI SDK's `RetryError` → its last error, mapped;
 * - `LoadAPIKeyError`/`LoadSettingError` → `auth`; `NoSuchModelError` → `not_found`;
 *   invalid prompts and arguments → `invalid_request`; malformed responses → `server`;
 * - an abort (or anything once the attempt's signal has aborted) → the abort reason;
 * - anything else → what {@link errorFromException} makes of it.
 *
 * Messages are passed through {@link redactSecrets}.
 */
export function errorFromAISDK(error: unknown, context: AISDKErrorContext): SwitchyardError {
  const { target, signal } = context;
  if (isSwitchyardError(error)) return error.target === undefined ? error.with({ target }) : error;
  if (signal?.aborted) return errorFromAbort(signal, target);
  if (hasMarker(error, 'AI_RetryError')) {
    const last = (error as { lastError?: unknown }).lastError;
    if (last !== undefined) return errorFromAISDK(last, context);
  }
  if (isAPICallError(error)) {
    const message = messageOf(error);
    if (error.statusCode !== undefined && error.statusCode < 400) {
      // The response started fine and broke while being read (e.g. a connection cut mid-stream).
      return errorFromException(error.cause ?? error, { target, signal });
    }
    if (error.statusCode !== undefined) {
      return errorFromHttpStatus(error.statusCode, {
        message,
        headers: error.responseHeaders,
        target,
        cause: error,
        now: context.now,
      });
    }
    if (error.isRetryable) return errorFromException(error.cause ?? error, { target, signal });
    return new SwitchyardError('invalid_request', `invalid_request for target '${target}': ${message}`, {
      target,
      cause: error,
    });
  }
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'AbortError')
    return new SwitchyardError('aborted', 'the call was aborted', { target, cause: error });
  if (name === 'TimeoutError') {
    return new SwitchyardError('timeout', `timeout of target '${target}': ${messageOf(error)}`, {
      target,
      cause: error,
    });
  }
  const kind = INVALID_REQUEST.some((n) => hasMarker(error, n))
    ? 'invalid_request'
    : MALFORMED_RESPONSE.some((n) => hasMarker(error, n))
      ? 'server'
      : hasMarker(error, 'AI_LoadAPIKeyError') || hasMarker(error, 'AI_LoadSettingError')
        ? 'auth'
        : hasMarker(error, 'AI_NoSuchModelError')
          ? 'not_found'
          : undefined;
  if (kind === undefined) return errorFromException(error, { target, signal });
  const what = kind === 'server' ? 'malformed response' : kind;
  return new SwitchyardError(kind, `${kind} from target '${target}': ${what}: ${messageOf(error)}`, {
    target,
    cause: error,
  });
}
