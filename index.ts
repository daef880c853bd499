/**
 * The `switchyard-llm` entry, for applications: the Router, its errors, events and contracts,
 * the strategy registry, state stores, and small helpers. The built-in strategies are registered
 * by name in the global registry (`Router.strategies`): this is the one place where core and
 * strategies meet.
 *
 * Adapter authors find the error mapping helpers, the SSE parser, the fast transport and the
 * conformance suite in `switchyard-llm/adapter-kit`. (`src/index.ts` is the core's internal face,
 * which adapters, strategies and modules import.)
 */
import { Router } from './src/index.js';
import { registerBuiltinStrategies } from './strategies/index.js';

registerBuiltinStrategies(Router.strategies);

// Events
export type * from './src/events.js';
// Everything of the core face (src/index.ts) but the adapter helpers: the Router, its errors and
// kinds, registry, state store, scoring, and the clock, random, content, usage and cost helpers.
// A value the core face gains goes here or into the kit (test/unit/entries.test.ts checks).
export {
  AbortLatch,
  type Admission,
  type BreakerOptions,
  type BreakerState,
  type BudgetHoldTicket,
  type BudgetReservation,
  type BudgetSnapshot,
  type BudgetStateHandle,
  type BudgetTotals,
  contentParts,
  costOf,
  countsAgainstHealth,
  createSeededRandom,
  DEFAULT_TPM_OUTPUT_ESTIMATE,
  DEFAULT_UTILITY_WEIGHTS,
  type Ejection,
  EMPTY_USAGE,
  ERROR_KINDS,
  type ErrorKind,
  estimateInputTokens,
  estimateUsage,
  type FailureRecord,
  fallsBack,
  isAbortSignalLike,
  isRetryableKind,
  isSwitchyardError,
  isWeightedStrategyFactory,
  type LearningShare,
  type MaybePromise,
  MemoryQuotaState,
  MemoryStateStore,
  makeUsage,
  messageText,
  type PeerRouterLearning,
  parseRouterSnapshot,
  type QuotaAdmission,
  type QuotaStateHandle,
  type QuotaUsage,
  type ResolvedBreakerOptions,
  type ResolvedUtilityWeights,
  type RetryOptions,
  ROUTER_SNAPSHOT_FORMAT,
  ROUTER_SNAPSHOT_VERSION,
  Router,
  type RouterOptions,
  type RouterSnapshot,
  type RouterStream,
  resolveUtilityWeights,
  type StateStore,
  type StoreHealthEvent,
  StrategyRegistry,
  SWITCHYARD_ERROR,
  SwitchyardError,
  type SwitchyardErrorOptions,
  sameUtilityWeights,
  sharedStrategyRegistry,
  sleep,
  systemClock,
  type TargetHealth,
  type TargetPolicy,
  type TargetStateHandle,
  type TargetStateSnapshot,
  textOf,
  toolCallsOf,
  toolInputText,
  UNKNOWN_USAGE,
  type UtilityWeights,
  utilityOf,
  type WeightedStrategyFactory,
  weightedStrategyFactory,
  wrapAdapter,
} from './src/index.js';
// Contracts
export type * from './src/types/abort.js';
export type * from './src/types/adapter.js';
export type * from './src/types/affinity.js';
export type * from './src/types/budget.js';
export type * from './src/types/clock.js';
export type * from './src/types/hedge.js';
export type * from './src/types/message.js';
export type * from './src/types/middleware.js';
export type * from './src/types/predictor.js';
export type * from './src/types/rate-limit.js';
export type * from './src/types/request.js';
export type * from './src/types/response.js';
export type * from './src/types/route-rule.js';
export type * from './src/types/strategy.js';
export type * from './src/types/stream.js';
export type * from './src/types/target.js';
export type * from './src/types/tool.js';
