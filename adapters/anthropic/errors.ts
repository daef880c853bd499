import type { APIError } from '@anthropic-ai/sdk';
import type { AdapterErrorContext } from '../../modules/adapter-kit/error-context.js';
import { StreamErrorEvent } from '../../modules/adapter-kit/sse.js';
import {
  type ErrorKind,
  errorFromAbort,
  errorFromException,
  errorFromHttpStatus,
  isSwitchyardError,
  kindFromHttpStatus,
  SwitchyardError,
  scrubSecrets,
} from '../../src/index.js';

/** What the error mapping needs to know about the attempt. */
export interface ErrorContext extends AdapterErrorContext {
  readonly apiKey: string;
  /** The client timeout, for the message of a timeout. */
  readonly timeoutMs: number;
  /** The SDK, once loaded: its error classes are recognised only then. */
  readonly sdk?: AnthropicSdk;
}

/** Who maps, in the messages of local errors. */
export const ADAPTER = 'the Anthropic adapter';

/** The `@anthropic-ai/sdk` package, as `import('@anthropic-ai/sdk')` gives it. */
export type AnthropicSdk = typeof import('@anthropic-ai/sdk');

/** HTTP status equivalent of each Anthropic error `type`, for errors sent inside a stream. */
const STATUS_OF_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

const BILLING = /credit balance|billing/i;

interface ErrorBody {
  readonly error?: { readonly type?: unknown; readonly message?: unknown };
}

function fromStreamError(error: StreamErrorEvent, target: string): SwitchyardError {
  // An `error` event inside a 200 stream: no HTTP status, only the error type.
  const raw = error.body;
  const body = (typeof raw === 'object' && raw !== null ? raw : {}) as ErrorBody;
  const type = typeof body.error?.type === 'string' ? body.error.type : undefined;
  const detail =
    typeof body.error?.message === 'string'
      ? body.error.message
      : typeof raw === 'string'
        ? raw
        : 'no details';
  const kind: ErrorKind =
    type === undefined ? 'server' : kindFromHttpStatus(STATUS_OF_TYPE[type] ?? 500, type);
  return new SwitchyardError(
    kind,
    `${kind} from target '${target}' (stream error${type ? ` ${type}` : ''}): ${detail}`,
    { target, code: type, cause: raw },
  );
}

function fromApiError(error: APIError, target: string): SwitchyardError {
  const body = (typeof error.error === 'object' && error.error !== null ? error.error : {}) as ErrorBody;
  const type = typeof body.error?.type === 'string' ? body.error.type : undefined;
  const detail = typeof body.error?.message === 'string' ? body.error.message : error.message;
  const status = error.status;
  if (status === undefined) return fromStreamError(new StreamErrorEvent(error.error), target);
  const mapped = errorFromHttpStatus(status, {
    message: detail,
    headers: error.headers,
    target,
    cause: error,
    code: type,
  });
  if (mapped.kind === 'invalid_request' && BILLING.test(detail)) {
    // "Your credit balance is too low" comes as a 400 invalid_request_error: it is an account problem.
    return new SwitchyardError('auth', `auth from target '${target}' (HTTP ${status}): ${detail}`, {
      status,
      target,
      code: type,
      cause: error,
    });
  }
  return mapped;
}

function classify(error: unknown, context: ErrorContext): SwitchyardError {
  const { target, signal } = context;
  // Whatever the SDK threw after an abort (APIUserAbortError, a cut body, a quiet end), the
  // signal's reason says what happened: caller abort or the router's deadline.
  if (signal.aborted) return errorFromAbort(signal, target);
  if (isSwitchyardError(error)) return error.target === undefined ? error.with({ target }) : error;
  if (error instanceof StreamErrorEvent) return fromStreamError(error, target);
  if (error instanceof SyntaxError) {
    return new SwitchyardError('server', `server: target '${target}' sent malformed JSON: ${error.message}`, {
      target,
      cause: error,
    });
  }
  const { sdk } = context;
  if (!sdk) return errorFromException(error, { target, signal });
  if (error instanceof sdk.APIConnectionTimeoutError) {
    return new SwitchyardError(
      'timeout',
      `timeout: target '${target}' sent no response within ${context.timeoutMs} ms`,
      {
        target,
        cause: error,
      },
    );
  }
  if (error instanceof sdk.APIConnectionError) return errorFromException(error, { target, signal });
  if (error instanceof sdk.APIError) return fromApiError(error, target);
  return errorFromException(error, { target, signal });
}

/**
 * Turns anything the SDK throws into a {@link SwitchyardError} with `target` set: HTTP errors by
 * status and error `type`, `error` events of a stream by type, connection failures →
 * `connection`, client timeout → `timeout`, caller abort → the abort reason, malformed JSON →
 * `server`. Every text that came from the provider (message, `type` as `code`, the SDK error
 * kept as `cause`) is redacted in one place, by `scrubSecrets` on the way out.
 */
export function toSwitchyardError(error: unknown, context: ErrorContext): SwitchyardError {
  return scrubSecrets(classify(error, context), [context.apiKey]);
}
