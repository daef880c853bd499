import { SwitchyardError } from '../errors/switchyard-error.js';
import type { MaybePromise, QuotaAdmission } from '../state/store.js';
import type { TargetRuntime } from '../target-runtime.js';
import type { CompletionRequest } from '../types/request.js';
import type { Usage } from '../types/response.js';
import { ignore, isPromiseLike } from '../util/promise.js';
import { estimateInputTokens } from '../util/request-needs.js';

/** Output tokens a `tokensPerMinute` target counts for a call that sets no `maxOutputTokens`, until its real usage is known. */
export const DEFAULT_TPM_OUTPUT_ESTIMATE = 256;

/** The window of `tokensPerMinute`. */
export const TOKEN_WINDOW_MS = 60_000;

/** Tokens an attempt counted in its target's window: corrected when it ends. */
export interface TokenTake {
  readonly takenAt: number;
  readonly amount: number;
}

/** The store key of a target's token window. */
export function tokenQuotaId(targetId: string): string {
  return `tpm:${targetId}`;
}

/** What an attempt on `target` counts before it starts: the prompt's estimate plus its output cap. */
export function tokenEstimate(request: CompletionRequest, target: TargetRuntime): number {
  const output = request.maxOutputTokens ?? target.config.maxOutputTokens ?? DEFAULT_TPM_OUTPUT_ESTIMATE;
  return estimateInputTokens(request) + output;
}

/** Counts `amount` tokens on `target`; resolves to the take, or `undefined` when its window is full. */
export function takeTokens(
  target: TargetRuntime,
  amount: number,
  now: number,
): MaybePromise<TokenTake | undefined> {
  const admission = target.tokenQuota!.take(now, amount, target.tokensPerMinute);
  const decide = (a: QuotaAdmission): TokenTake | undefined =>
    a.admitted ? { takenAt: now, amount } : undefined;
  return isPromiseLike(admission) ? Promise.resolve(admission).then(decide) : decide(admission);
}

/**
 * Corrects a take once the attempt has ended: to its real usage (`undefined`: it failed, and
 * gives its estimate back). A shared store's failure here is dropped: the window self-heals.
 */
export function settleTokens(
  target: TargetRuntime,
  take: TokenTake,
  now: number,
  usage: Usage | undefined,
): void {
  const actual = usage === undefined ? 0 : usage.inputTokens + usage.outputTokens;
  const delta = actual - take.amount;
  if (delta === 0) return;
  const done = target.tokenQuota!.adjust(now, take.takenAt, delta);
  if (isPromiseLike(done)) Promise.resolve(done).then(undefined, ignore);
}

/** The `config` error of a `tokensPerMinute` target on a store that cannot count tokens. */
export function noQuotaError(index: number): SwitchyardError {
  return new SwitchyardError(
    'config',
    `targets[${index}].tokensPerMinute: the state store has no \`quota\` operation to count tokens in`,
  );
}
