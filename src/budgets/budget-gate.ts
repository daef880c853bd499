import { SwitchyardError } from '../errors/switchyard-error.js';
import type { RouterEmitter } from '../events.js';
import type { BudgetSnapshot } from '../state/router-snapshot.js';
import type {
  BudgetHoldTicket,
  BudgetReservation,
  BudgetStateHandle,
  BudgetTotals,
  MaybePromise,
} from '../state/store.js';
import type { TargetRuntime } from '../target-runtime.js';
import type { BudgetConfig, BudgetPeriod, BudgetScope, BudgetStatus } from '../types/budget.js';
import type { CompletionRequest } from '../types/request.js';
import { ignore, isPromiseLike } from '../util/promise.js';
import { estimateInputTokens } from '../util/request-needs.js';
import { BudgetCalendar } from './period.js';

const DEFAULT_THRESHOLDS: readonly number[] = [0.5, 0.8, 1];
const DEFAULT_RESERVE_OUTPUT_TOKENS = 4096;
/**
 * By default a reservation lapses this long after its call's deadline (the store frees it if the
 * process that held it crashed): room for the settlement of an attempt that ends at the deadline.
 */
const DEFAULT_HOLD_MARGIN_MS = 30_000;
/** Holds of calls without a deadline lapse after this (plus the margin). */
const MAX_HOLD_MS = 3_600_000;

/** One configured budget, resolved: its calendar, its state in the store, the thresholds it fired. */
export class Budget {
  readonly id: string;
  readonly scope: BudgetScope;
  readonly limitUsd: number;
  readonly period: BudgetPeriod;
  readonly calendar: BudgetCalendar;
  readonly reserveOutputTokens: number;
  /** How long after the call's deadline an unsettled reservation lapses. */
  readonly holdMarginMs: number;
  readonly thresholds: readonly number[];
  readonly state: BudgetStateHandle;
  /** The period whose thresholds `fired` counts, and how many of them (in ascending order) fired. */
  firedPeriod = '';
  fired = 0;

  constructor(config: BudgetConfig, state: BudgetStateHandle) {
    this.scope = config.scope ?? {};
    this.id = budgetIdOf(config);
    this.limitUsd = config.limitUsd;
    this.period = config.period;
    this.calendar = new BudgetCalendar(config.period, config.timeZone ?? 'UTC');
    this.reserveOutputTokens = config.reserveOutputTokens ?? DEFAULT_RESERVE_OUTPUT_TOKENS;
    this.holdMarginMs = config.holdMarginMs ?? DEFAULT_HOLD_MARGIN_MS;
    this.thresholds = [...(config.thresholds ?? DEFAULT_THRESHOLDS)].sort((a, b) => a - b);
    this.state = state;
  }

  /** Whether the budget covers a call with this request. */
  covers(request: CompletionRequest): boolean {
    const s = this.scope;
    if (s.alias !== undefined && request.model !== s.alias) return false;
    if (s.tag !== undefined && !(request.tags?.includes(s.tag) ?? false)) return false;
    if (s.user !== undefined && request.metadata?.user !== s.user) return false;
    if (s.key !== undefined && request.metadata?.key !== s.key) return false;
    return true;
  }
}

/** A budget's id: its own, or a readable one from its scope and period (`tag=team-a,user=u1/day`). */
export function budgetIdOf(config: BudgetConfig): string {
  if (config.id !== undefined) return config.id;
  const scope = config.scope ?? {};
  const parts = (['alias', 'tag', 'user', 'key'] as const)
    .filter((k) => scope[k] !== undefined)
    .map((k) => `${k}=${scope[k]}`);
  return `${parts.length === 0 ? 'router' : parts.join(',')}/${config.period}`;
}

/** One budget's reservation within a {@link BudgetHold}. */
interface HoldEntry {
  readonly budget: Budget;
  readonly periodKey: string;
  /** The store's hold; undefined from a store that answered without one (nothing to release). */
  readonly ticket: BudgetHoldTicket | undefined;
}

/** The reservations one attempt holds, to settle when it ends. */
export interface BudgetHold {
  readonly entries: readonly HoldEntry[];
}

/**
 * Enforces a router's budgets: before an attempt, reserves its maximum cost on the chosen target
 * in every budget that covers the call (all or none); after it, settles the actual cost and fires
 * `budget:threshold` events.
 */
export class BudgetGate {
  /** Every budget, in the order added. */
  #budgets: Budget[] = [];
  /** Budgets scoped to one key, by key (virtual keys may have thousands), and the others. */
  readonly #byKey = new Map<string, Budget[]>();
  #unkeyed: Budget[] = [];
  readonly #events: RouterEmitter;

  constructor(budgets: readonly Budget[], events: RouterEmitter) {
    this.#events = events;
    for (const budget of budgets) this.set(budget);
  }

  /** Adds a budget, or replaces the one with its id (its spend stays in the store). */
  set(budget: Budget): void {
    this.remove(budget.id);
    this.#budgets.push(budget);
    const key = budget.scope.key;
    if (key === undefined) this.#unkeyed.push(budget);
    else this.#byKey.set(key, [...(this.#byKey.get(key) ?? []), budget]);
  }

  /** Removes the budget with this id; whether there was one. */
  remove(id: string): boolean {
    const budget = this.#budgets.find((b) => b.id === id);
    if (budget === undefined) return false;
    this.#budgets = this.#budgets.filter((b) => b !== budget);
    const key = budget.scope.key;
    if (key === undefined) {
      this.#unkeyed = this.#unkeyed.filter((b) => b !== budget);
    } else {
      const rest = this.#byKey.get(key)!.filter((b) => b !== budget);
      if (rest.length === 0) this.#byKey.delete(key);
      else this.#byKey.set(key, rest);
    }
    return true;
  }

  /** Each budget's spend in the period containing `now`. */
  status(now: number): BudgetStatus[] {
    return this.#budgets.map((b) => {
      const totals = b.state.read(b.calendar.keyAt(now));
      return {
        id: b.id,
        scope: b.scope,
        period: b.period,
        periodKey: totals.periodKey,
        limitUsd: b.limitUsd,
        spentUsd: totals.spentUsd,
        reservedUsd: totals.reservedUsd,
      };
    });
  }

  /** Each budget's totals in the period containing `now`, by budget id, for a router snapshot. */
  snapshot(now: number): Record<string, BudgetSnapshot> {
    const out: Record<string, BudgetSnapshot> = {};
    for (const b of this.#budgets) {
      const { periodKey, spentUsd, reservedUsd } = b.state.read(b.calendar.keyAt(now));
      out[b.id] = { periodKey, spentUsd, reservedUsd };
    }
    return out;
  }

  /**
   * Brings back the spend of a snapshot, by budget id: a saved period that is still the current
   * one is restored as spent + reserved (the attempts in flight then may have spent up to their
   * reservation, and never settle here), so a restart never lets the budget be overspent by what
   * was already spent. Thresholds the restored spend has reached count as fired (a restart does
   * not fire them again). Budgets the snapshot does not know, and ended periods, are left alone.
   */
  restore(saved: { readonly [id: string]: BudgetSnapshot }, now: number): PromiseLike<void>[] {
    const pending: PromiseLike<void>[] = [];
    for (const budget of this.#budgets) {
      const entry = saved[budget.id];
      if (entry === undefined || typeof budget.state.restore !== 'function') continue;
      if (entry.periodKey !== budget.calendar.keyAt(now)) continue;
      const totals = budget.state.restore(entry.periodKey, entry.spentUsd + entry.reservedUsd);
      if (isPromiseLike(totals)) pending.push(totals.then((t) => this.#markFired(budget, t)));
      else this.#markFired(budget, totals);
    }
    return pending;
  }

  /** Counts as fired, without emitting, the thresholds that `totals` has reached. */
  #markFired(budget: Budget, totals: BudgetTotals): void {
    this.#sync(budget, totals.periodKey);
    const fraction = totals.spentUsd / budget.limitUsd;
    while (budget.fired < budget.thresholds.length && fraction >= budget.thresholds[budget.fired]!) {
      budget.fired++;
    }
  }

  /** The budgets covering a call (worked out once per call). */
  covering(request: CompletionRequest): readonly Budget[] {
    const covering = this.#unkeyed.filter((b) => b.covers(request));
    const key = request.metadata?.key;
    const keyed = typeof key === 'string' ? this.#byKey.get(key) : undefined;
    if (keyed !== undefined) for (const b of keyed) if (b.covers(request)) covering.push(b);
    return covering;
  }

  /**
   * Reserves the attempt's maximum cost on `target` in each budget of `budgets`, in order; when
   * one refuses, the ones taken are released and the answer is the `budget_exceeded` error. Each
   * reservation lapses its budget's `holdMarginMs` after `deadline` if it is never settled.
   */
  async reserve(
    budgets: readonly Budget[],
    request: CompletionRequest,
    target: TargetRuntime,
    now: number,
    deadline = Number.POSITIVE_INFINITY,
  ): Promise<BudgetHold | SwitchyardError> {
    const entries: HoldEntry[] = [];
    const inputTokens = estimateInputTokens(request);
    const untilDeadline = Math.min(Math.max(0, deadline - now), MAX_HOLD_MS);
    for (const budget of budgets) {
      const amountUsd = maxCostOf(request, target, budget, inputTokens);
      const periodKey = budget.calendar.keyAt(now);
      let answer: BudgetReservation;
      try {
        const holdMs = untilDeadline + budget.holdMarginMs;
        answer = await budget.state.reserve(periodKey, amountUsd, budget.limitUsd, now, holdMs);
      } catch {
        continue; // a store that cannot answer does not stop the call (fail-open)
      }
      if (!answer.reserved) {
        this.release({ entries });
        return exceeded(budget, answer.totals, amountUsd, target, now);
      }
      entries.push({ budget, periodKey, ticket: answer.hold });
    }
    return { entries };
  }

  /**
   * Settles a hold with the attempt's actual cost. Never throws: a store failure leaves the
   * reservation to lapse at its expiry.
   */
  settle(hold: BudgetHold, actualUsd: number): void {
    for (const { budget, periodKey, ticket } of hold.entries) {
      let totals: MaybePromise<BudgetTotals>;
      try {
        totals =
          ticket === undefined
            ? budget.state.read(periodKey)
            : budget.state.settle(periodKey, ticket, actualUsd);
      } catch {
        continue;
      }
      if (isPromiseLike(totals)) totals.then((t) => this.#fireCrossed(budget, t), ignore);
      else this.#fireCrossed(budget, totals);
    }
  }

  /** Releases a hold whose attempt did not run (no spend). Never throws. */
  release(hold: BudgetHold): void {
    for (const { budget, periodKey, ticket } of hold.entries) {
      if (ticket === undefined) continue;
      try {
        const done = budget.state.release(periodKey, ticket);
        if (isPromiseLike(done)) done.then(undefined, ignore);
      } catch {
        // left to lapse at its expiry
      }
    }
  }

  /** Fires the thresholds the settled spend has reached and that have not fired this period. */
  #fireCrossed(budget: Budget, totals: BudgetTotals): void {
    this.#sync(budget, totals.periodKey);
    const fraction = totals.spentUsd / budget.limitUsd;
    while (budget.fired < budget.thresholds.length && fraction >= budget.thresholds[budget.fired]!) {
      this.#emit(budget, totals, budget.thresholds[budget.fired++]!, 'spend');
    }
  }

  /**
   * A call failed with `budget_exceeded`: no candidate fitted, so the budget can no longer cover
   * a call and the thresholds up to 100% fire now.
   */
  refused(error: SwitchyardError): void {
    const details = error.budget;
    const budget = details === undefined ? undefined : this.#budgets.find((b) => b.id === details.id);
    if (budget !== undefined) this.#fireExhausted(budget, details!);
  }

  #fireExhausted(budget: Budget, totals: BudgetTotals): void {
    this.#sync(budget, totals.periodKey);
    while (budget.fired < budget.thresholds.length && budget.thresholds[budget.fired]! <= 1) {
      this.#emit(budget, totals, budget.thresholds[budget.fired++]!, 'refusal');
    }
  }

  #sync(budget: Budget, periodKey: string): void {
    if (budget.firedPeriod !== periodKey) {
      budget.firedPeriod = periodKey;
      budget.fired = 0;
    }
  }

  #emit(budget: Budget, totals: BudgetTotals, threshold: number, reason: 'spend' | 'refusal'): void {
    if (!this.#events.has('budget:threshold')) return;
    this.#events.emit('budget:threshold', {
      budget: budget.id,
      scope: budget.scope,
      period: budget.period,
      periodKey: totals.periodKey,
      limitUsd: budget.limitUsd,
      spentUsd: totals.spentUsd,
      threshold,
      reason,
    });
  }
}

/**
 * The most an attempt on `target` can cost: the estimated input (characters ÷ 4) at the input
 * price plus the output cap (the request's, else the target's, else the budget's assumption) at
 * the output price.
 */
export function maxCostOf(
  request: CompletionRequest,
  target: TargetRuntime,
  budget: Budget,
  inputTokens: number,
): number {
  const price = target.price;
  if (price === undefined) return 0; // the router refuses budgets over unpriced targets
  const outputTokens = request.maxOutputTokens ?? target.config.maxOutputTokens ?? budget.reserveOutputTokens;
  return (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1_000_000;
}

function exceeded(
  budget: Budget,
  totals: BudgetTotals,
  requiredUsd: number,
  target: TargetRuntime,
  now: number,
): SwitchyardError {
  const left = Math.max(0, budget.limitUsd - totals.spentUsd - totals.reservedUsd);
  return new SwitchyardError(
    'budget_exceeded',
    `budget "${budget.id}" cannot cover this call on target "${target.id}": it needs up to $${usd(requiredUsd)}, $${usd(left)} of $${usd(budget.limitUsd)} is left for ${totals.periodKey}`,
    {
      retryable: false,
      target: target.id,
      retryAfterMs: budget.calendar.msUntilNext(now),
      budget: {
        id: budget.id,
        scope: budget.scope,
        period: budget.period,
        periodKey: totals.periodKey,
        limitUsd: budget.limitUsd,
        spentUsd: totals.spentUsd,
        reservedUsd: totals.reservedUsd,
        requiredUsd,
      },
    },
  );
}

/** `$12.50`, `$0.032`, `$0.0008`: cents for a dollar or more, two significant digits below. */
function usd(n: number): string {
  return n >= 1 ? n.toFixed(2) : String(Number(n.toPrecision(2)));
}
