import { isSwitchyardError } from '../../index.js';

/** OpenAI's error JSON: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: string | null;
  };
}

/** An HTTP answer to a failed request: status, OpenAI-style body, and `retry-after` in seconds. */
export interface ErrorAnswer {
  readonly status: number;
  readonly body: OpenAIErrorBody;
  /** Seconds for the `retry-after` header (429, 503). */
  readonly retryAfterSeconds?: number;
}

/** Builds an {@link ErrorAnswer}. */
export function errorAnswer(
  status: number,
  message: string,
  type: string,
  code: string | null = null,
  param: string | null = null,
  retryAfterSeconds?: number,
): ErrorAnswer {
  return {
    status,
    body: { error: { message, type, param, code } },
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  };
}

/** The message of answers to unexpected errors when the caller gives none. */
export const GENERIC_ERROR_MESSAGE = 'The server failed to serve the request.';

/** Whole seconds to wait, at least 1. */
function seconds(ms: number | undefined, fallback: number): number {
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return fallback;
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * The HTTP answer to an error of a routed call, by its kind (what the gateway and the stream
 * helpers send):
 *
 * | kind | status | `type` / `code` |
 * |---|---|---|
 * | `invalid_request` | 400 | `invalid_request_error` (`context_length_exceeded` on overflow) |
 * | `not_found` | 404 | `invalid_request_error` / `model_not_found` |
 * | `rate_limited` | 429 + `retry-after` | `rate_limit_error` / `rate_limit_exceeded` |
 * | `budget_exceeded` | 429 + `retry-after` | `insufficient_quota` / `budget_exceeded` |
 * | `auth` (the upstream refused the server's key) | 502 | `upstream_error` / `upstream_auth_failed` |
 * | `server`, `connection`, `stream_interrupted` | 502 | `upstream_error` |
 * | `no_target` | 503 + `retry-after` | `service_unavailable` / `no_target` |
 * | `timeout` | 504 | `timeout_error` / `upstream_timeout` |
 * | `aborted` | 499 (nobody reads it: the client left) | `aborted` |
 * | `config`, anything else | 500, `genericMessage` | `server_error` / `internal_error` |
 *
 * Messages are the router's (which carry no secrets); unexpected errors get the generic message,
 * never their own message or a stack. `now` is the router clock's time, for `no_target`'s
 * `nextAvailableAt`.
 */
export function errorAnswerFor(
  error: unknown,
  now: number,
  genericMessage: string = GENERIC_ERROR_MESSAGE,
): ErrorAnswer {
  if (!isSwitchyardError(error)) {
    return errorAnswer(500, genericMessage, 'server_error', 'internal_error');
  }
  const message = error.message;
  const kind = error.kind;
  switch (kind) {
    case 'invalid_request':
      return errorAnswer(
        400,
        message,
        'invalid_request_error',
        error.contextOverflow ? 'context_length_exceeded' : null,
      );
    case 'not_found':
      return errorAnswer(404, message, 'invalid_request_error', 'model_not_found');
    case 'rate_limited':
      return errorAnswer(
        429,
        message,
        'rate_limit_error',
        'rate_limit_exceeded',
        null,
        seconds(error.retryAfterMs, 1),
      );
    case 'budget_exceeded':
      return errorAnswer(
        429,
        message,
        'insufficient_quota',
        'budget_exceeded',
        null,
        seconds(error.retryAfterMs, 60),
      );
    case 'auth':
      return errorAnswer(502, message, 'upstream_error', 'upstream_auth_failed');
    case 'server':
    case 'connection':
    case 'stream_interrupted':
      return errorAnswer(502, message, 'upstream_error', kind);
    case 'no_target': {
      const wait = error.nextAvailableAt === undefined ? undefined : error.nextAvailableAt - now;
      return errorAnswer(503, message, 'service_unavailable', 'no_target', null, seconds(wait, 1));
    }
    case 'timeout':
      return errorAnswer(504, message, 'timeout_error', 'upstream_timeout');
    case 'aborted':
      return errorAnswer(499, message, 'aborted', 'aborted');
    default:
      return errorAnswer(500, genericMessage, 'server_error', 'internal_error');
  }
}
