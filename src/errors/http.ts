import type { AbortSignalLike } from '../types/abort.js';
import type { ErrorKind } from './error-kind.js';
import { type HeaderSource, parseRetryAfter } from './retry-after.js';
import { SwitchyardError } from './switchyard-error.js';

/** Options of {@link errorFromHttpStatus}. */
export interface HttpErrorOptions {
  /** The provider's error message (redact secrets first; see {@link redactSecrets}). */
  readonly message?: string;
  /** Response headers, for Retry-After. */
  readonly headers?: HeaderSource;
  /** Target id. */
  readonly target?: string;
  /** The underlying error. */
  readonly cause?: unknown;
  /** Provider error code or type (e.g. `overloaded_error`, `insufficient_quota`). */
  readonly code?: string;
  /** Wall-clock now in ms, for HTTP-date Retry-After. @default Date.now() */
  readonly now?: number;
}

const CONTEXT_OVERFLOW =
  /context[ _-]?(length|window)|maximum context|too many (input )?tokens|prompt is too long|input is too long|reduce the length/i;
const BILLING = /insufficient_quota|billing|credit balance|payment|quota exceeded/i;

/** The error kind of an HTTP status (and provider error code, which can override it). */
export function kindFromHttpStatus(status: number, code?: string): ErrorKind {
  if (code === 'overloaded_error' || code === 'api_error') return 'server';
  if (code !== undefined && BILLING.test(code)) return 'auth';
  if (status === 429) return 'rate_limited';
  if (status === 408 || status === 504) return status === 408 ? 'timeout' : 'server';
  if (status === 409 || status >= 500) return 'server';
  if (status === 401 || status === 402 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  return 'invalid_request';
}

/**
 * Turns an upstream HTTP failure into a {@link SwitchyardError}: 429 → `rate_limited` (with
 * `retryAfterMs` from the headers), 408 → `timeout`, 409/5xx/overloaded → `server`,
 * 401/402/403/billing → `auth`, 404 → `not_found`, other 4xx → `invalid_request` (with
 * `contextOverflow` set when the message says the prompt was too long).
 */
export function errorFromHttpStatus(status: number, options: HttpErrorOptions = {}): SwitchyardError {
  const kind = kindFromHttpStatus(status, options.code);
  const detail = options.message?.trim() || `HTTP ${status}`;
  const retryAfterMs = parseRetryAfter(options.headers, options.now);
  const where = options.target === undefined ? '' : ` from target '${options.target}'`;
  return new SwitchyardError(kind, `${kind}${where} (HTTP ${status}): ${detail}`, {
    status,
    retryAfterMs,
    target: options.target,
    cause: options.cause,
    code: options.code,
    contextOverflow: kind === 'invalid_request' && CONTEXT_OVERFLOW.test(detail),
  });
}

const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ESOCKETTIMEDOUT',
]);

function codeOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The error an aborted attempt should reject with: the signal's reason when the router put a
 * {@link SwitchyardError} there (deadline → `timeout`, caller → `aborted`), else `aborted`.
 */
export function errorFromAbort(signal: AbortSignalLike, target?: string): SwitchyardError {
  const reason: unknown = signal.reason;
  if (reason instanceof SwitchyardError) return target === undefined ? reason : reason.with({ target });
  return new SwitchyardError('aborted', 'the call was aborted', { target, cause: reason });
}

/**
 * Turns an exception thrown by a transport into a {@link SwitchyardError}: aborts (when `signal`
 * is aborted) → the abort reason; connection resets, refusals and DNS failures → `connection`;
 * socket and header timeouts → `timeout`; anything else → `connection` as well, since it came
 * from the transport. A {@link SwitchyardError} is returned as it is.
 */
export function errorFromException(
  error: unknown,
  options: { target?: string; signal?: AbortSignalLike } = {},
): SwitchyardError {
  if (error instanceof SwitchyardError) return error;
  if (options.signal?.aborted) return errorFromAbort(options.signal, options.target);
  const code = codeOf(error);
  const kind: ErrorKind = code !== undefined && TIMEOUT_CODES.has(code) ? 'timeout' : 'connection';
  const known = code !== undefined && (CONNECTION_CODES.has(code) || TIMEOUT_CODES.has(code));
  const text = error instanceof Error ? error.message : String(error);
  return new SwitchyardError(
    kind,
    `${kind}${options.target ? ` to target '${options.target}'` : ''}: ${known ? code : text}`,
    {
      target: options.target,
      cause: error,
      code,
    },
  );
}
