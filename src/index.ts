/**
 * Switchyard core: contracts, errors, helpers for adapters and strategies, and the Router.
 * This module imports no adapter, no strategy implementation and no vendor SDK.
 */

export { DEFAULT_TPM_OUTPUT_ESTIMATE } from './call/token-quota.js';
// Middleware without a router
export { wrapAdapter } from './call/wrap-adapter.js';
// Helpers
export { createSeededRandom, sleep, systemClock } from './clock.js';
// Errors
export {
  countsAgainstHealth,
  ERROR_KINDS,
  type ErrorKind,
  fallsBack,
  isRetryableKind,
} from './errors/error-kind.js';
export {
  errorFromAbort,
  errorFromException,
  errorFromHttpStatus,
  type HttpErrorOptions,
  kindFromHttpStatus,
} from './errors/http.js';
export { redactSecrets, sanitizeError, scrubSecrets } from './errors/redact.js';
export { type HeaderSource, parseDuration, parseRetryAfter, readHeader } from './errors/retry-after.js';
export {
  isSwitchyardError,
  SWITCHYARD_ERROR,
  SwitchyardError,
  type SwitchyardErrorOptions,
} from './errors/switchyard-error.js';
export type * from './events.js';
export { costOf } from './pricing.js';
export { StrategyRegistry, sharedStrategyRegistry } from './registry.js';
export { AbortLatch, isAbortSignalLike } from './reliability/abort-latch.js';
export type { RetryOptions } from './reliability/backoff.js';
export type { BreakerOptions, Ejection, ResolvedBreakerOptions } from './reliability/circuit-breaker.js';
// Router
export { Router, type TargetHealth } from './router.js';
export type { RouterOptions } from './router-options.js';
export type { RouterStream } from './router-stream.js';
// Scoring (shared by adaptive strategies and the routing-quality lab)
export {
  DEFAULT_UTILITY_WEIGHTS,
  isWeightedStrategyFactory,
  type ResolvedUtilityWeights,
  resolveUtilityWeights,
  sameUtilityWeights,
  type UtilityWeights,
  utilityOf,
  type WeightedStrategyFactory,
  weightedStrategyFactory,
} from './scoring/utility.js';
export type { LearningShare, PeerRouterLearning } from './state/learning.js';
export { MemoryQuotaState } from './state/memory-quota.js';
export { MemoryStateStore } from './state/memory-store.js';
export {
  type BudgetSnapshot,
  parseRouterSnapshot,
  ROUTER_SNAPSHOT_FORMAT,
  ROUTER_SNAPSHOT_VERSION,
  type RouterSnapshot,
} from './state/router-snapshot.js';
export type {
  Admission,
  BreakerState,
  BudgetHoldTicket,
  BudgetReservation,
  BudgetStateHandle,
  BudgetTotals,
  FailureRecord,
  MaybePromise,
  QuotaAdmission,
  QuotaStateHandle,
  QuotaUsage,
  StateStore,
  StoreHealthEvent,
  TargetPolicy,
  TargetStateHandle,
  TargetStateSnapshot,
} from './state/store.js';
export type * from './types/abort.js';
export type * from './types/adapter.js';
export type * from './types/affinity.js';
export type * from './types/budget.js';
export type * from './types/clock.js';
export type * from './types/hedge.js';
// Contracts
export type * from './types/message.js';
export type * from './types/middleware.js';
export type * from './types/predictor.js';
export type * from './types/rate-limit.js';
export type * from './types/request.js';
export type * from './types/response.js';
export type * from './types/route-rule.js';
export type * from './types/strategy.js';
export type * from './types/stream.js';
export type * from './types/target.js';
export type * from './types/tool.js';
export { contentParts, messageText, textOf, toolCallsOf, toolInputText } from './util/content.js';
export { estimateInputTokens } from './util/request-needs.js';
export { EMPTY_USAGE, estimateUsage, makeUsage, UNKNOWN_USAGE } from './util/usage.js';
