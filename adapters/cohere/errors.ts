/**
 * Turns whatever the `cohere-ai` SDK (or the stream under it) throws into a {@link SwitchyardError}.
 */

import type { AdapterErrorContext } from '../../modules/adapter-kit/error-context.js';
import {
  type AbortSignalLike,
  errorFromAbort,
  errorFromException,
  errorFromHttpStatus,
  isSwitchyardError,
  redactSecrets,
  SwitchyardError,
  scrubSecrets,
} from '../../src/index.js';
import { transportFailureOf } from './sdk-fetch.js';

/** What the error mapping needs to know about the attempt. */
export type ErrorContext = AdapterErrorContext;

/** Cohere's status for an invalid or expired API key. */
const INVALID_TOKEN = 498;
const MAX_DETAIL = 1000;

interface SdkHttpError {
  readonly statusCode: number;
  readonly body?: unknown;
  readonly rawResponse?: { readonly headers?: unknown };
}

/**
 * Maps an exception of one attempt. Every text that came from the provider (message, code, the
 * SDK error kept as `cause`) is redacted in one place, by `scrubSecrets` on the way out.
 */
export function toSwitchyardError(error: unknown, context: ErrorContext): SwitchyardError {
  return scrubSecrets(mapError(error, context), [context.apiKey]);
}

function mapError(error: unknown, { target, signal, apiKey }: ErrorContext): SwitchyardError {
  if (isSwitchyardError(error)) return error.target === undefined ? error.with({ target }) : error;
  // Whatever the SDK made of it, an aborted signal means the caller (or the router's deadline) did it.
  if (signal.aborted) return errorFromAbort(signal, target);
  // A fetch failure reaches us as the SDK's error for a stand-in response (see sdk-fetch.ts).
  const failure = transportFailureOf(error);
  if (failure) return mapTransportFailure(failure.cause, target, signal);
  if (isSdkHttpError(error)) {
    const { statusCode, body } = error;
    // Redacted before it is cut short, so that a key across the cut cannot escape the patterns.
    const detail = redactSecrets(bodyMessage(body), [apiKey]).slice(0, MAX_DETAIL);
    const code = bodyCode(body);
    if (statusCode === INVALID_TOKEN) {
      // 498 is Cohere's "invalid token": an auth failure, not a bad request.
      return new SwitchyardError(
        'auth',
        `auth from target '${target}' (HTTP 498): ${detail || 'invalid API key'}`,
        {
          status: statusCode,
          target,
          code,
        },
      );
    }
    // No `cause`: the SDK error's message embeds the response body, which may echo secrets.
    return errorFromHttpStatus(statusCode, {
      message: detail,
      headers: headersOf(error),
      target,
      code,
    });
  }
  if (isRequestValidationError(error)) {
    // The SDK validates the body before sending it: a mistyped field (most likely in providerOptions).
    return new SwitchyardError(
      'invalid_request',
      `invalid_request for target '${target}': the cohere-ai SDK rejected the request body: ${error.message}`,
      { target, cause: error },
    );
  }
  if (isSdkTimeout(error)) return timeoutError(target, error);
  if (error instanceof SyntaxError) {
    return new SwitchyardError(
      'server',
      `server from target '${target}': malformed data from Cohere: ${error.message}`,
      {
        target,
        cause: error,
      },
    );
  }
  return errorFromException(error, { target, signal });
}

/**
 * A rejection of the fetch function. With the caller's signal not aborted, an abort can only come
 * from the SDK's timeout signal (Node's fetch rejects with its reason, the string `'timeout'`).
 */
function mapTransportFailure(cause: unknown, target: string, signal: AbortSignalLike): SwitchyardError {
  if (
    cause === 'timeout' ||
    (cause instanceof Error && (cause.name === 'AbortError' || cause.name === 'TimeoutError'))
  ) {
    return timeoutError(target, cause);
  }
  return errorFromException(cause, { target, signal });
}

function timeoutError(target: string, cause: unknown): SwitchyardError {
  return new SwitchyardError('timeout', `timeout from target '${target}': Cohere did not answer in time`, {
    target,
    cause,
  });
}

function isSdkHttpError(error: unknown): error is SdkHttpError {
  return error instanceof Error && typeof (error as { statusCode?: unknown }).statusCode === 'number';
}

/** The SDK's `JsonError`: a request body that does not match the SDK's schema. */
function isRequestValidationError(error: unknown): error is Error {
  return (
    error instanceof Error &&
    error.constructor.name === 'JsonError' &&
    Array.isArray((error as { errors?: unknown }).errors)
  );
}

/**
 * Without the fetch wrapper (cohere-ai 7.x ignores a custom fetch), the SDK reports its timeout as
 * `CohereTimeoutError`, or as a `CohereError` whose cause is the timeout signal's reason `'timeout'`.
 */
function isSdkTimeout(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'CohereTimeoutError') return true;
  const cause = (error as { cause?: unknown }).cause;
  return cause === 'timeout' || (cause instanceof Error && cause.name === 'TimeoutError');
}

/** Response headers of an SDK error (for Retry-After), when the SDK kept them. */
function headersOf(error: SdkHttpError): { get(name: string): string | null } | undefined {
  const headers = error.rawResponse?.headers;
  return typeof (headers as { get?: unknown } | undefined)?.get === 'function'
    ? (headers as { get(name: string): string | null })
    : undefined;
}

/** Cohere error bodies are `{ "message": "..." }`; anything else is shown as it is. */
function bodyMessage(body: unknown): string {
  if (typeof body === 'string') return body;
  if (typeof body === 'object' && body !== null) {
    const message = (body as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    return JSON.stringify(body);
  }
  return '';
}

function bodyCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const code = (body as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
