/**
 * What an attempt that did not succeed is taken to have cost (budgets and the call's `costUsd`):
 * a stream that broke after content, and a hedge that lost.
 */
import type { SwitchyardError } from '../errors/switchyard-error.js';
import { costOf } from '../pricing.js';
import type { TargetRuntime } from '../target-runtime.js';
import { estimateInputTokens } from '../util/request-needs.js';
import type { Call } from './call.js';

/**
 * What a failed attempt is taken to have cost: nothing, unless content was streamed before it
 * broke — then its estimated input and the streamed text (characters ÷ 4) at the target's prices.
 */
export function failedAttemptCost(target: TargetRuntime, call: Call, error: SwitchyardError): number {
  const partial = error.partialText;
  if (partial === undefined || partial === '' || target.price === undefined) return 0;
  const inputTokens = estimateInputTokens(call.request);
  const outputTokens = Math.ceil(partial.length / 4);
  return costOf({ inputTokens, outputTokens, totalTokens: inputTokens + outputTokens }, target.price);
}

/**
 * What a hedged attempt that lost is taken to have cost: its estimated input at the target's
 * input price (it was cancelled before any content reached the caller; output it may have
 * generated upstream is not known, so this is a lower bound). 0 without a price.
 */
export function lostHedgeCost(target: TargetRuntime, call: Call): number {
  if (target.price === undefined) return 0;
  const inputTokens = estimateInputTokens(call.request);
  return costOf({ inputTokens, outputTokens: 0, totalTokens: inputTokens }, target.price);
}
