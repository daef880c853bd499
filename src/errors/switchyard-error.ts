import type { BudgetExceededDetails } from '../types/budget.js';
import type { AttemptRecord } from '../types/response.js';
import { type ErrorKind, isRetryableKind } from './error-kind.js';

/** Brand on every {@link SwitchyardError}; shared across copies of the library via `Symbol.for`. */
export const SWITCHYARD_ERROR: unique symbol = Symbol.for('switchyard.error') as never;

/** Options of a {@link SwitchyardError}. */
export interface SwitchyardErrorOptions {
  /** Whether trying again may succeed. @default derived from the kind */
  readonly retryable?: boolean;
  /** HTTP status of the upstream response, when there was one. */
  readonly status?: number;
  /** How long the provider asked to wait before retrying, in ms. */
  readonly retryAfterMs?: number;
  /** Id of the target the failure happened on. */
  readonly target?: string;
  /** The underlying error. */
  readonly cause?: unknown;
  /** `no_target`: clock time at which the earliest ejected target becomes available again. */
  readonly nextAvailableAt?: number;
  /** `stream_interrupted`: the text streamed before the failure. */
  readonly partialText?: string;
  /** `invalid_request`: the prompt exceeded the model's context window. */
  readonly contextOverflow?: boolean;
  /** Router failures: every attempt the call made. */
  readonly attempts?: readonly AttemptRecord[];
  /** Provider error code or type, when given (e.g. `overloaded_error`). */
  readonly code?: string;
  /** Router failures: the id of the call, as in its events. */
  readonly requestId?: string;
  /** `budget_exceeded`: the budget that refused the call. */
  readonly budget?: BudgetExceededDetails;
}

/**
 * The one error type of Switchyard. Every failure of a call rejects with it; `kind` says what
 * went wrong and `retryable` whether trying again may help.
 *
 * Recognise it with {@link isSwitchyardError}, which also works across duplicate copies of the
 * library (it checks a `Symbol.for` brand, not only `instanceof`).
 *
 * @example
 * ```ts
 * try { await router.complete(req); }
 * catch (e) { if (isSwitchyardError(e) && e.kind === 'rate_limited') console.log(e.retryAfterMs); }
 * ```
 */
export class SwitchyardError extends Error {
  /** @internal brand */
  readonly [SWITCHYARD_ERROR] = true;
  override readonly name = 'SwitchyardError';
  /** What went wrong. */
  readonly kind: ErrorKind;
  /** Whether trying again may succeed. */
  readonly retryable: boolean;
  /** HTTP status of the upstream response, when there was one. */
  readonly status: number | undefined;
  /** How long the provider asked to wait before retrying, in ms. */
  readonly retryAfterMs: number | undefined;
  /** Id of the target the failure happened on. */
  readonly target: string | undefined;
  /** `no_target`: clock time at which the earliest ejected target becomes available again. */
  readonly nextAvailableAt: number | undefined;
  /** `stream_interrupted`: the text streamed before the failure. */
  readonly partialText: string | undefined;
  /** `invalid_request`: the prompt exceeded the model's context window. */
  readonly contextOverflow: boolean;
  /** Router failures: every attempt the call made. */
  readonly attempts: readonly AttemptRecord[] | undefined;
  /** Provider error code or type, when given. */
  readonly code: string | undefined;
  /** Router failures: the id of the call, as in its events. */
  readonly requestId: string | undefined;
  /** `budget_exceeded`: the budget that refused the call, its limit and spend. */
  readonly budget: BudgetExceededDetails | undefined;

  constructor(kind: ErrorKind, message: string, options: SwitchyardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.retryable = options.retryable ?? isRetryableKind(kind);
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.target = options.target;
    this.nextAvailableAt = options.nextAvailableAt;
    this.partialText = options.partialText;
    this.contextOverflow = options.contextOverflow ?? false;
    this.attempts = options.attempts;
    this.code = options.code;
    this.requestId = options.requestId;
    this.budget = options.budget;
  }

  /** A copy with some fields replaced (the router uses it to stamp `target` and `attempts`). */
  with(options: SwitchyardErrorOptions & { readonly message?: string }): SwitchyardError {
    return new SwitchyardError(this.kind, options.message ?? this.message, {
      retryable: this.retryable,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      target: this.target,
      cause: this.cause,
      nextAvailableAt: this.nextAvailableAt,
      partialText: this.partialText,
      contextOverflow: this.contextOverflow,
      attempts: this.attempts,
      code: this.code,
      requestId: this.requestId,
      budget: this.budget,
      ...options,
    });
  }

  /** A plain summary without the cause chain, safe to log. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      retryable: this.retryable,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      target: this.target,
      code: this.code,
      requestId: this.requestId,
      budget: this.budget,
    };
  }
}

/**
 * Whether `value` is a {@link SwitchyardError}, from this or any other copy of the library.
 */
export function isSwitchyardError(value: unknown): value is SwitchyardError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[SWITCHYARD_ERROR] === true
  );
}
