import type { ErrorKind } from '../errors/error-kind.js';
import { redactSecrets } from '../errors/redact.js';
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { CompletionRequest } from '../types/request.js';
import { CheckContext } from './context.js';
import { isPlainValidRequest } from './fast-path.js';
import { checkRouterOptions } from './options.js';
import { checkRequest } from './request.js';

/** Runs `check` on `value` and throws a `kind` {@link SwitchyardError} listing the issues. */
function run(
  check: (c: CheckContext, value: unknown) => void,
  value: unknown,
  kind: Extract<ErrorKind, 'config' | 'invalid_request'>,
  what: string,
): void {
  const c = new CheckContext();
  check(c, value);
  if (c.issues.length > 0) {
    throw new SwitchyardError(kind, redactSecrets(`invalid ${what}: ${c.summary()}`), { retryable: false });
  }
}

/**
 * Checks router options; throws a `config` {@link SwitchyardError} naming every bad field
 * (e.g. `targets[1].weight: expected a positive number`) and duplicate target ids.
 */
export function validateRouterOptions(options: unknown): void {
  run(checkRouterOptions, options, 'config', 'router options');
}

/**
 * Checks a request; throws an `invalid_request` {@link SwitchyardError} naming every bad field
 * (e.g. `messages[0].role: expected …`). Tool-choice of an unknown tool is rejected as well.
 */
export function validateRequest(request: unknown): asserts request is CompletionRequest {
  if (isPlainValidRequest(request)) return;
  run(checkRequest, request, 'invalid_request', 'request');
}
