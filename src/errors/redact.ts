import { isSwitchyardError, type SwitchyardError } from './switchyard-error.js';

const KEY_PATTERNS = [
  /\bsk-[A-Za-z0-9_-]{8,}/g, // OpenAI-style and Anthropic (sk-ant-…) keys
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b(api[-_]?key|x-api-key|authorization)(["']?\s*[:=]\s*["']?)[^\s"',}]{6,}/gi,
];

/**
 * The quote of the parsed text in V8's `JSON.parse` errors (`Unexpected token 's', "sk-live-ab"...
 * is not valid JSON`): up to 10 characters of whatever a provider sent, possibly a piece of a key
 * that no pattern recognises. The quote is not escaped, so it runs to the last `"` before the end.
 */
const JSON_QUOTE = /(?:\.\.\.)?"[^\n]*?"(?:\.\.\.)? is not valid JSON/g;

/**
 * Removes secrets from text before it goes into an error message, an event or a log:
 * every given secret value, anything that looks like an API key or bearer token, and the quote of
 * the input in a `JSON.parse` error message (a piece of what the provider sent).
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  out = out.replace(KEY_PATTERNS[0]!, '[redacted]');
  out = out.replace(KEY_PATTERNS[1]!, (_m, scheme: string) => `${scheme} [redacted]`);
  out = out.replace(KEY_PATTERNS[2]!, (_m, name: string, sep: string) => `${name}${sep}[redacted]`);
  if (out.includes(' is not valid JSON')) out = out.replace(JSON_QUOTE, '[redacted] is not valid JSON');
  return out;
}

/** Fields of a vendor error worth keeping on its sanitised copy (strings are redacted). */
const KEPT_FIELDS = ['status', 'code', 'type', 'param', 'kind', 'requestID', 'request_id'] as const;

/** How much of a non-error cause (e.g. a parsed response body) is kept, as redacted JSON text. */
const MAX_CAUSE_TEXT = 1000;

/**
 * A copy of a `cause` that is safe to keep: an `Error` becomes a plain `Error` with name, message
 * and stack redacted with {@link redactSecrets} and a few diagnostic fields kept (`status`, `code`,
 * `type`, `param`, request id; strings redacted); a {@link SwitchyardError} stays one, scrubbed with
 * {@link scrubSecrets}; text is redacted; any other object (a parsed response body, say) becomes
 * its redacted JSON text, cut at 1000 characters. Each `cause` chain is sanitised the same way,
 * `depth` levels deep (what lies below is dropped). Vendor SDK errors can embed the provider's
 * response body, and a body may echo a key back.
 */
export function sanitizeError(
  error: unknown,
  secrets: ReadonlyArray<string | undefined> = [],
  depth = 3,
): unknown {
  if (isSwitchyardError(error)) return scrubSecrets(error, secrets, depth);
  if (typeof error === 'string') return redactSecrets(error, secrets);
  if (typeof error !== 'object' || error === null) return error;
  if (!(error instanceof Error)) return redactSecrets(jsonText(error), secrets).slice(0, MAX_CAUSE_TEXT);
  const copy = new Error(redactSecrets(error.message, secrets));
  copy.name = redactSecrets(String(error.name), secrets);
  copy.stack = error.stack === undefined ? undefined : redactSecrets(error.stack, secrets);
  const source = error as unknown as Record<string, unknown>;
  const target = copy as unknown as Record<string, unknown>;
  for (const field of KEPT_FIELDS) {
    const value = source[field];
    if (typeof value === 'string') target[field] = redactSecrets(value, secrets);
    else if (typeof value === 'number') target[field] = value;
  }
  if (error.cause !== undefined && depth > 1) copy.cause = sanitizeError(error.cause, secrets, depth - 1);
  return copy;
}

function jsonText(value: object): string {
  try {
    return JSON.stringify(value) ?? Object.prototype.toString.call(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * The error an adapter should throw, with every text that may have come from a provider redacted
 * with {@link redactSecrets}: the message (and so the stack), the provider `code`, and the whole
 * `cause` chain (replaced by a {@link sanitizeError} copy, `depth` levels deep; a
 * {@link SwitchyardError} cause is scrubbed the same way). Returns `error` itself when nothing
 * changes. Adapters call it once, on the way out of their error mapping.
 */
export function scrubSecrets<E extends SwitchyardError>(
  error: E,
  secrets: ReadonlyArray<string | undefined>,
  depth = 3,
): E | SwitchyardError {
  const message = redactSecrets(error.message, secrets);
  const code = error.code === undefined ? undefined : redactSecrets(error.code, secrets);
  const cause =
    error.cause === undefined || depth <= 1 ? undefined : sanitizeError(error.cause, secrets, depth - 1);
  return message === error.message && code === error.code && cause === error.cause
    ? error
    : error.with({ message, code, cause });
}
