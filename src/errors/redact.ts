import { isSwitchyardError, type SwitchyardError } from './switchyard-error.js';

const KEY_PATTERNS = [
  /\bsk-[A-Za-z0-9_-]{8,}/g, // OpenAI-style and Anthropic (sk-ant-…) keys
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b(api[-_]?key|x-api-key|authorization)(["']?\s*[:=]\s*["']?)[^\s"',}]{6,}/gi,
];

/**
 * Removes secrets from text before it goes into an error message, an event or a log:
 * every given secret value, and anything that looks like an API key or bearer token.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  out = out.replace(KEY_PATTERNS[0]!, '[redacted]');
  out = out.replace(KEY_PATTERNS[1]!, (_m, scheme: string) => `${scheme} [redacted]`);
  out = out.replace(KEY_PATTERNS[2]!, (_m, name: string, sep: string) => `${name}${sep}[redacted]`);
  return out;
}

const KEPT_FIELDS = ['status', 'code', 'type', 'kind', 'requestID', 'request_id'] as const;

/**
 * A copy of an error that is safe to keep as a `cause`: name, message and stack redacted with
 * {@link redactSecrets}, a few diagnostic fields (`status`, `code`, `type`, request id) kept,
 * its own `cause` chain sanitised the same way (3 levels deep). Vendor SDK errors can embed the
 * provider's response body, and a body may echo a key back.
 */
export function sanitizeError(
  error: unknown,
  secrets: ReadonlyArray<string | undefined> = [],
  depth = 3,
): unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? redactSecrets(error, secrets) : error;
  const copy = new Error(redactSecrets(error.message, secrets));
  copy.name = error.name;
  copy.stack = error.stack === undefined ? undefined : redactSecrets(error.stack, secrets);
  const source = error as unknown as Record<string, unknown>;
  const target = copy as unknown as Record<string, unknown>;
  for (const field of KEPT_FIELDS) {
    const value = source[field];
    if (typeof value === 'string' || typeof value === 'number')
      target[field] = typeof value === 'string' ? redactSecrets(value, secrets) : value;
  }
  if (error.cause !== undefined && depth > 1) copy.cause = sanitizeError(error.cause, secrets, depth - 1);
  return copy;
}

/**
 * The error an adapter should throw: `error` with `secrets` redacted from its message and its
 * `cause` replaced by a {@link sanitizeError} copy. Returns `error` itself when nothing changes.
 */
export function scrubSecrets<E extends SwitchyardError>(
  error: E,
  secrets: ReadonlyArray<string | undefined>,
): E | SwitchyardError {
  const message = redactSecrets(error.message, secrets);
  const cause =
    error.cause instanceof Error && !isSwitchyardError(error.cause)
      ? sanitizeError(error.cause, secrets)
      : error.cause;
  return message === error.message && cause === error.cause ? error : error.with({ message, cause });
}
