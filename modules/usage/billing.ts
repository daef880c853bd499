import { costOf, type Price, type RequestFailureEvent, type RequestSuccessEvent } from '../../src/index.js';
import type { Outcome } from './cells.js';

/** Filled by {@link successOutcome} / {@link failureOutcome} and recorded at once: no object per call. */
const scratch: Outcome = {
  ok: true,
  errorKind: undefined,
  latencyMs: 0,
  unbilled: false,
  input: 0,
  output: 0,
  cached: 0,
  reasoning: 0,
  total: 0,
  cost: undefined,
  estimated: false,
};

/**
 * The outcome of a successful call, billed from its usage, or when the provider reported none
 * from the router's estimate (`e.estimatedUsage`); priced with `e.costUsd` or `price`. A call
 * without attempts is not billed. Returns a shared object, valid until the next call.
 */
export function successOutcome(e: RequestSuccessEvent, price: Price | undefined): Outcome {
  const unbilled = e.attempts.length === 0;
  let usage = e.usage;
  let estimated = false;
  if (usage.unknown && !unbilled) {
    usage = e.estimatedUsage ?? usage;
    estimated = true;
  }
  const cost = unbilled
    ? undefined
    : estimated
      ? price === undefined
        ? undefined
        : costOf(usage, price)
      : (e.costUsd ?? (price === undefined ? undefined : costOf(usage, price)));
  const o = scratch;
  o.ok = true;
  o.errorKind = undefined;
  o.latencyMs = e.latencyMs;
  o.unbilled = unbilled;
  o.input = unbilled ? 0 : usage.inputTokens;
  o.output = unbilled ? 0 : usage.outputTokens;
  o.cached = unbilled ? 0 : (usage.cachedInputTokens ?? 0);
  o.reasoning = unbilled ? 0 : (usage.reasoningTokens ?? 0);
  o.total = unbilled ? 0 : usage.totalTokens;
  o.cost = cost;
  o.estimated = estimated;
  return o;
}

/** The outcome of a failed call (nothing billed). Returns a shared object, valid until the next call. */
export function failureOutcome(e: RequestFailureEvent): Outcome {
  const o = scratch;
  o.ok = false;
  o.errorKind = e.error.kind;
  o.latencyMs = e.latencyMs;
  o.unbilled = false;
  o.input = 0;
  o.output = 0;
  o.cached = 0;
  o.reasoning = 0;
  o.total = 0;
  o.cost = undefined;
  o.estimated = false;
  return o;
}
