import { errorFromException } from '../errors/http.js';
import { redactSecrets, sanitizeError } from '../errors/redact.js';
import { isSwitchyardError, SwitchyardError } from '../errors/switchyard-error.js';
import type { CallScope } from '../reliability/call-scope.js';
import type { TargetRuntime } from '../target-runtime.js';

/**
 * The typed error for what an adapter threw. A `SwitchyardError` stays as it is; the abort
 * reason wins when the call was aborted; a JavaScript error of a kind that only code raises
 * (`TypeError`, `RangeError`, `ReferenceError`; not `SyntaxError`, which a malformed body causes) with no network cause is a bug
 * in the adapter or its mapping — `config`, neither retried nor counted against the target;
 * anything else came from the transport (`connection`, or `timeout` by its code).
 */
export function adapterError(thrown: unknown, target: TargetRuntime, scope: CallScope): SwitchyardError {
  if (isSwitchyardError(thrown)) return thrown;
  const reason = scope.reason;
  if (reason !== undefined) return reason.target === target.id ? reason : reason.with({ target: target.id });
  return typedAdapterException(thrown, target.provider, target.id);
}

/** {@link adapterError} without a call: a local exception is `config`, anything else the transport's. */
export function typedAdapterException(thrown: unknown, provider: string, target: string): SwitchyardError {
  if (isSwitchyardError(thrown)) return thrown;
  if (isLocalException(thrown)) {
    return new SwitchyardError(
      'config',
      `adapter '${provider}' (target '${target}') threw ${(thrown as Error).name}: ${redactSecrets((thrown as Error).message)} (a bug in the adapter, not a provider failure)`,
      { retryable: false, target, cause: sanitizeError(thrown) },
    );
  }
  return errorFromException(thrown, { target });
}

/** Errors that JavaScript code raises by itself; `fetch failed` and errors with a cause came from the network. */
function isLocalException(thrown: unknown): boolean {
  if (!(thrown instanceof TypeError || thrown instanceof RangeError || thrown instanceof ReferenceError)) {
    return false;
  }
  return (
    thrown.cause === undefined &&
    thrown.message !== 'fetch failed' &&
    (thrown as { code?: unknown }).code === undefined
  );
}
