import type { CallScope } from './reliability/call-scope.js';
import type { AbortSignalLike } from './types/abort.js';
import type { AdapterCallOptions } from './types/adapter.js';
import type { Clock } from './types/clock.js';
import type { RateLimitInfo } from './types/rate-limit.js';
import type { AdapterRequest, CompletionRequest } from './types/request.js';
import type { TargetView } from './types/target.js';

/**
 * What one attempt hands its adapter: the request with the model and provider options resolved
 * for the target, and the call options.
 */
export function adapterRequestFor(target: TargetView, request: CompletionRequest): AdapterRequest {
  return {
    model: target.model,
    messages: request.messages,
    maxOutputTokens: request.maxOutputTokens ?? target.config.maxOutputTokens,
    temperature: request.temperature,
    topP: request.topP,
    topK: request.topK,
    presencePenalty: request.presencePenalty,
    frequencyPenalty: request.frequencyPenalty,
    stopSequences: request.stopSequences,
    seed: request.seed,
    responseFormat: request.responseFormat,
    tools: request.tools,
    toolChoice: request.toolChoice,
    providerOptions: providerOptionsFor(target, request),
    headers: request.headers,
  };
}

/**
 * Provider options for one target: the target's own, then the request's by provider name, then
 * the request's by target id (later ones win).
 */
export function providerOptionsFor(
  target: TargetView,
  request: CompletionRequest,
): Readonly<Record<string, unknown>> | undefined {
  const fromTarget = target.config.providerOptions;
  const fromRequest = request.providerOptions;
  if (fromRequest === undefined) return fromTarget;
  const byProvider = fromRequest[target.provider];
  const byId = fromRequest[target.id];
  if (byProvider === undefined && byId === undefined) return fromTarget;
  return { ...fromTarget, ...byProvider, ...byId };
}

/** The options of one attempt; the abort signal is created only if the adapter reads it. */
export class AttemptOptions implements AdapterCallOptions {
  readonly #scope: CallScope;
  readonly target: string;
  readonly clock: Clock;
  readonly deadline: number;
  readonly reportRateLimit: ((info: RateLimitInfo) => void) | undefined;

  constructor(
    scope: CallScope,
    target: string,
    clock: Clock,
    reportRateLimit?: (info: RateLimitInfo) => void,
  ) {
    this.#scope = scope;
    this.target = target;
    this.clock = clock;
    this.deadline = scope.deadline;
    this.reportRateLimit = reportRateLimit;
  }

  get signal(): AbortSignal {
    return this.#scope.signal;
  }

  /** The call's scope itself: no `AbortSignal` is made for adapters that listen through this. */
  get cancellation(): AbortSignalLike {
    return this.#scope;
  }
}
