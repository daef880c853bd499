/**
 * Which calls a budget covers. Every field that is set must match (AND); an empty scope covers
 * every call of the router. `user` and `key` are read from `request.metadata.user` / `.key`.
 */
export interface BudgetScope {
  /** Calls carrying this tag. */
  readonly tag?: string;
  /** Calls whose `metadata.user` equals this. */
  readonly user?: string;
  /** Calls whose `metadata.key` equals this (a virtual key's id, never the secret). */
  readonly key?: string;
  /** Calls whose `model` (the alias asked for) equals this. */
  readonly alias?: string;
}

/** How long a budget's spend accumulates: a calendar day or month in the budget's time zone, or for ever. */
export type BudgetPeriod = 'day' | 'month' | 'total';

/**
 * A spend cap, enforced before each attempt with an atomic reservation of the attempt's maximum
 * cost and settled with its actual cost afterwards.
 *
 * @example
 * ```ts
 * new Router({ targets, budgets: [{ scope: { tag: 'team-a' }, limitUsd: 50, period: 'day', timeZone: 'Europe/Paris' }] });
 * ```
 */
export interface BudgetConfig {
  /** Name in events and errors, and the key of its state in the store. @default derived from scope and period */
  readonly id?: string;
  /** Which calls it covers. @default {} (every call) */
  readonly scope?: BudgetScope;
  /** The cap in USD for one period. */
  readonly limitUsd: number;
  /** When the spend starts again from zero. */
  readonly period: BudgetPeriod;
  /** IANA time zone in which days and months begin. @default 'UTC' */
  readonly timeZone?: string;
  /**
   * Output tokens assumed for a call that sets no `maxOutputTokens` (the reservation must cover
   * the most a call can cost). @default 4096
   */
  readonly reserveOutputTokens?: number;
  /** Fractions of the limit at which `budget:threshold` fires, once each per period. @default [0.5, 0.8, 1] */
  readonly thresholds?: readonly number[];
  /**
   * How long after its call's deadline a reservation lapses if it is never settled (its process
   * crashed): the store then frees it. Room for the settlement of an attempt that ends at the
   * deadline. @default 30000
   */
  readonly holdMarginMs?: number;
}

/** What a `budget_exceeded` error carries: which budget refused, and how far it was spent. */
export interface BudgetExceededDetails {
  /** The budget's id. */
  readonly id: string;
  readonly scope: BudgetScope;
  readonly period: BudgetPeriod;
  /** The period the spend belongs to (`2026-12-02`, `2026-12` or `total`). */
  readonly periodKey: string;
  readonly limitUsd: number;
  /** Settled spend in the period. */
  readonly spentUsd: number;
  /** Held by calls in flight. */
  readonly reservedUsd: number;
  /** What the refused attempt needed to reserve (its maximum cost on the chosen target). */
  readonly requiredUsd: number;
}

/** A budget's spend in its current period, from {@link Router.budgets}. */
export interface BudgetStatus {
  readonly id: string;
  readonly scope: BudgetScope;
  readonly period: BudgetPeriod;
  /** The current period (`2026-12-02`, `2026-12` or `total`). */
  readonly periodKey: string;
  readonly limitUsd: number;
  /** Settled spend in the period. */
  readonly spentUsd: number;
  /** Held by attempts in flight. */
  readonly reservedUsd: number;
}
