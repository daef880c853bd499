/** How a delivery attempt failed. */
export type DeliveryErrorKind = 'http' | 'timeout' | 'network' | 'rejected' | 'other';

/**
 * A failed delivery attempt, as sinks throw it: the HTTP status (when there was a response),
 * the receiver's Retry-After in ms, and whether another attempt may succeed. Its message never
 * holds the URL, token or password.
 */
export class SinkError extends Error {
  override readonly name = 'SinkError';
  constructor(
    readonly kind: DeliveryErrorKind,
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Retry-After (delay-seconds or an HTTP date) in ms from `now`; `undefined` when absent or unreadable. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A {@link SinkError} for an HTTP answer that is not 2xx: 5xx, 408 and 429 are retryable. */
export function httpError(status: number, retryAfter: string | null): SinkError {
  const retryable = status >= 500 || status === 429 || status === 408;
  return new SinkError('http', `HTTP ${status}`, retryable, status, parseRetryAfter(retryAfter));
}

/** What a delivery failure looks like in an event: no secrets, no stack. */
export interface DeliveryErrorInfo {
  readonly kind: DeliveryErrorKind;
  readonly status?: number;
  /** Short text with every secret of the sink replaced by `[redacted]`. */
  readonly message: string;
}

/** Replaces every secret (and its URL-encoded form) in `text` with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue;
    for (const form of new Set([s, encodeURIComponent(s), Buffer.from(s).toString('base64')])) {
      out = out.split(form).join('[redacted]');
    }
  }
  return out;
}

/** The event form of any error thrown by a sink. */
export function describeError(error: unknown, secrets: readonly string[]): DeliveryErrorInfo {
  if (error instanceof SinkError) {
    return {
      kind: error.kind,
      ...(error.status === undefined ? {} : { status: error.status }),
      message: redact(error.message, secrets),
    };
  }
  const e = error as { name?: unknown; message?: unknown; code?: unknown; cause?: { code?: unknown } };
  const code =
    typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  const text = code ?? (typeof e?.name === 'string' ? e.name : 'Error');
  return { kind: code === undefined ? 'other' : 'network', message: redact(text, secrets) };
}

/** Whether another attempt after `error` may succeed (network errors and timeouts are retried). */
export function isRetryable(error: unknown): boolean {
  if (error instanceof SinkError) return error.retryable;
  return true;
}
