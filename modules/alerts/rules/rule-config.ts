import type { AlertLink, Severity } from '../types.js';

/** Fields every rule has. Durations are in ms (numbers, so that rules can come from JSON). */
export interface RuleBase {
  /** Unique name of the rule (the group key of its notifications). */
  readonly name: string;
  readonly severity: Severity;
  /** How long the condition must hold before the alert fires (pending until then). @default 0 */
  readonly forMs?: number;
  /**
   * How long the condition must stay clear before a firing alert resolves (hysteresis in time,
   * with the clear threshold as hysteresis in value). @default 60_000
   */
  readonly keepFiringForMs?: number;
  /** Sink names for this rule's notifications, instead of the routes by severity. */
  readonly sinks?: readonly string[];
  /** Labels added to every alert of the rule (e.g. `{ team: 'llm' }`). */
  readonly labels?: Readonly<Record<string, string>>;
  /** One line shown instead of the generated summary. */
  readonly summary?: string;
  /** Runbook or dashboard links shown with the alert. */
  readonly links?: readonly AlertLink[];
}

/** Where a counted rule looks: each target, each alias (the sum of its targets), or the whole router. */
export type CountScope = 'target' | 'alias' | 'all';

/** A ratio of counted attempts over a sliding window, with a minimum number of attempts. */
interface RatioRule extends RuleBase {
  /** @default 'target' */
  readonly scope?: CountScope;
  /** Sliding window in ms (a whole number of evaluation ticks is used). */
  readonly windowMs: number;
  /** Fires above this ratio, in (0, 1]. */
  readonly threshold: number;
  /** Clears at or below this ratio. @default threshold × options.hysteresis */
  readonly clearThreshold?: number;
  /** No alert with fewer attempts than this in the window. @default 10 */
  readonly minCalls?: number;
}

/** Failed attempts ÷ attempts of a target, alias or the router. */
export interface ErrorRateRule extends RatioRule {
  readonly type: 'error_rate';
}

/** Attempts that got a 429 (`rate_limited`) ÷ attempts: rate-limit saturation. */
export interface RateLimitShareRule extends RatioRule {
  readonly type: 'rate_limit_share';
}

/** Fallbacks away from a target ÷ its attempts (for `all`: fallbacks ÷ calls). */
export interface FallbackRateRule extends RatioRule {
  readonly type: 'fallback_rate';
}

/** No successful attempt in the window while at least `minCalls` attempts were made. */
export interface NoSuccessRule extends RuleBase {
  readonly type: 'no_success';
  /** @default 'all' */
  readonly scope?: CountScope;
  readonly windowMs: number;
  /** @default 1 */
  readonly minCalls?: number;
}

/** p95 latency of successful calls over a window (from the usage ledger) above an objective. */
export interface LatencyP95Rule extends RuleBase {
  readonly type: 'latency_p95';
  /** @default 'target' */
  readonly scope?: 'target' | 'alias';
  readonly windowMs: number;
  readonly objectiveMs: number;
  /** Clears at or below this p95. @default objectiveMs × options.hysteresis */
  readonly clearObjectiveMs?: number;
  /** @default 10 */
  readonly minCalls?: number;
}

/** One pair of a multi-window burn-rate rule. */
export interface BurnRateWindow {
  readonly longMs: number;
  readonly shortMs: number;
  /** Both windows must burn at or above this rate (e.g. 14.4). */
  readonly threshold: number;
}

/** SLO error-budget burn rate over a long and a short window (from the usage ledger's `sla`). */
export interface BurnRateRule extends RuleBase {
  readonly type: 'burn_rate';
  /** @default 'target' */
  readonly scope?: 'target' | 'alias';
  /** The availability objective in (0, 1), e.g. 0.999. */
  readonly availability: number;
  /** @default [{ longMs: 3_600_000, shortMs: 300_000, threshold: 14.4 }] */
  readonly windows?: readonly BurnRateWindow[];
}

/** A target ejected by the circuit breaker (until it is restored). */
export interface TargetEjectedRule extends RuleBase {
  readonly type: 'target_ejected';
  /** Only these targets. @default every target */
  readonly targets?: readonly string[];
}

/** Every target of an alias ejected: calls for the alias cannot be served. */
export interface AliasUnavailableRule extends RuleBase {
  readonly type: 'alias_unavailable';
  /** Only these aliases. @default every alias */
  readonly aliases?: readonly string[];
}

/** A budget reached a share of its limit (fed by `AlertManager.onBudgetThreshold`). */
export interface BudgetRule extends RuleBase {
  readonly type: 'budget';
  /** Fires when spent ÷ limit reaches this, e.g. 0.5, 0.8 or 1. */
  readonly threshold: number;
  /** Only these budgets. @default every budget */
  readonly budgets?: readonly string[];
}

/** Cost over the last hour (from the usage ledger) above a limit, in total or per dimension. */
export interface CostPerHourRule extends RuleBase {
  readonly type: 'cost_per_hour';
  readonly limitUsd: number;
  /** Clears at or below this. @default limitUsd × options.hysteresis */
  readonly clearLimitUsd?: number;
  /** One alert per value of this dimension. @default the total */
  readonly by?: 'target' | 'alias' | 'model' | 'provider' | 'tag';
}

/** Any alert rule (a discriminated union on `type`). */
export type AlertRule =
  | ErrorRateRule
  | RateLimitShareRule
  | FallbackRateRule
  | NoSuccessRule
  | LatencyP95Rule
  | BurnRateRule
  | TargetEjectedRule
  | AliasUnavailableRule
  | BudgetRule
  | CostPerHourRule;

/** Rule types that read the usage ledger. */
export const LEDGER_RULES: ReadonlySet<AlertRule['type']> = new Set([
  'latency_p95',
  'burn_rate',
  'cost_per_hour',
]);
