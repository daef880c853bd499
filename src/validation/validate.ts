import type { ErrorKind } from '../errors/error-kind.js';
import { redactSecrets, sanitizeError } from '../errors/redact.js';
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { CompletionRequest } from '../types/request.js';
import { budget } from './budgets.js';
import { CheckContext, formatPath } from './context.js';
import { isPlainValidRequest } from './fast-path.js';
import { checkMiddleware, checkRouterOptions } from './options.js';
import { checkRequest } from './request.js';

/** `String(thrown)` that cannot throw itself. */
function describeThrown(thrown: unknown): string {
  try {
    return thrown instanceof Error ? thrown.message : String(thrown);
  } catch {
    return 'an exception that could not be described';
  }
}

/**
 * Runs `check` on `value` and throws a `kind` {@link SwitchyardError} listing the issues. A read
 * that throws (a getter, a proxy) ends the check with an error naming the field that could not
 * be read, its message redacted and the exception, sanitised, as the cause. Throws nothing else.
 */
function run(
  check: (c: CheckContext, value: unknown) => void,
  value: unknown,
  kind: Extract<ErrorKind, 'config' | 'invalid_request'>,
  what: string,
  root: string,
): void {
  const c = new CheckContext();
  try {
    check(c, value);
  } catch (thrown) {
    const path = formatPath([root, ...c.path]);
    let cause: unknown;
    try {
      cause = sanitizeError(thrown);
    } catch {
      cause = undefined;
    }
    throw new SwitchyardError(
      kind,
      `invalid ${what}: ${path} could not be read: ${redactSecrets(describeThrown(thrown))}`,
      { cause, retryable: false },
    );
  }
  if (c.issues.length > 0) {
    throw new SwitchyardError(kind, redactSecrets(`invalid ${what}: ${c.summary()}`), { retryable: false });
  }
}

/**
 * Checks router options; throws a `config` {@link SwitchyardError} naming every bad field
 * (e.g. `targets[1].weight: expected a positive number`), unknown keys (with the closest known
 * one) and duplicate target ids. Throws nothing but a {@link SwitchyardError}.
 */
export function validateRouterOptions(options: unknown): void {
  run(checkRouterOptions, options, 'config', 'router options', 'options');
}

/**
 * Checks one middleware added after construction (e.g. by `router.use`) as the `middleware`
 * option checks each of its entries; throws a `config` {@link SwitchyardError}
 * (`invalid middleware: name: expected a non-empty string`).
 */
export function validateMiddleware(middleware: unknown): void {
  run(checkMiddleware, middleware, 'config', 'middleware', 'middleware');
}

/** Checks a budget added after construction (`router.setBudget`) as `budgets` checks each entry. */
export function validateBudget(config: unknown): void {
  run(budget, config, 'config', 'budget', 'budget');
}

/**
 * Checks a request; throws an `invalid_request` {@link SwitchyardError} naming every bad field
 * (e.g. `messages[0].role: expected …`). Tool-choice of an unknown tool is rejected as well.
 * Throws nothing but a {@link SwitchyardError}.
 */
export function validateRequest(request: unknown): asserts request is CompletionRequest {
  let plain = false;
  try {
    plain = isPlainValidRequest(request);
  } catch {
    // a getter threw: the full check reads again and names the field
  }
  if (plain) return;
  run(checkRequest, request, 'invalid_request', 'request', 'request');
}
