import type { Ejection, ResolvedBreakerOptions } from '../reliability/circuit-breaker.js';

/**
 * Where the protective state of each target lives — circuit breaker, Retry-After block,
 * requests-per-minute window — behind semantic operations, so that a shared store (for
 * example one backed by Redis) can share it across processes.
 *
 * Reads (`readyAt`, `blockedUntil`, `read`) are synchronous: a shared store answers them from
 * a local mirror that may be slightly stale. Writes and claims may return a promise: a shared
 * store makes them atomic on the server, and a refused claim makes the router choose again.
 * The in-memory default answers everything synchronously, so the router stays as fast as it
 * is with no store at all.
 */

/** A value or a promise of it: the in-memory store answers synchronously, a shared one may not. */
export type MaybePromise<T> = T | PromiseLike<T>;

/** Circuit-breaker state of one target, as plain data. */
export interface BreakerState {
  /** `closed`: in rotation; `open`: ejected (half-open once `now >= openUntil`). */
  readonly state: 'closed' | 'open';
  /** Failures in a row that count against health. */
  readonly consecutiveFailures: number;
  /** Ejections in a row (the cooldown grows with it). */
  readonly ejections: number;
  /** Clock time at which the last ejection began. */
  readonly openedAt: number;
  /** Clock time until which the target is skipped. */
  readonly openUntil: number;
  /** Whether the single half-open probe is in flight. */
  readonly probeInFlight: boolean;
  /** Clock time of the last restore. */
  readonly restoredAt: number;
}

/** The protective state of one target, as plain JSON-serialisable data (clock times in ms). */
export interface TargetStateSnapshot {
  readonly breaker: BreakerState;
  /** Clock time before which the provider asked not to be called (0 when none). */
  readonly blockedUntil: number;
  /** Start times of the attempts in the current requests-per-minute window, oldest first. */
  readonly rateStamps: readonly number[];
}

/** The policies a router applies to one target; the store's operations follow them. */
export interface TargetPolicy {
  /** Breaker options, or `undefined` when the router has no breaker. */
  readonly breaker: ResolvedBreakerOptions | undefined;
  /** Most attempts started per rolling minute (0: unlimited). */
  readonly requestsPerMinute: number;
}

/** The answer to a claim: admitted (possibly as the half-open probe) or refused until `retryAt`. */
export type Admission =
  | { readonly admitted: true; readonly probe: boolean }
  | { readonly admitted: false; readonly retryAt: number };

/** How an attempt that counts for the target's state ended. */
export interface FailureRecord {
  /** Whether the failure counts against health (see `countsAgainstHealth`). */
  readonly countsAgainstHealth: boolean;
  /** Whether the attempt was the half-open probe. */
  readonly probe: boolean;
  /** The provider's Retry-After for a rate limit: the target is blocked for this long. */
  readonly blockForMs?: number;
}

/** The state operations of one target, bound to one router's policies. */
export interface TargetStateHandle {
  /** When the target may take an attempt: `now`, a later clock time, or `Infinity` (unknown: a probe is in flight). */
  readyAt(now: number): number;
  /** Clock time before which the provider asked not to be called (0 or past when none). */
  blockedUntil(): number;
  /** Claims an attempt slot at `now`: a rate-window slot and, when half-open, the probe. */
  acquire(now: number): MaybePromise<Admission>;
  /** Records a success; returns how long the target was out (ms) when this restored it, else -1. */
  recordSuccess(now: number, probe: boolean): MaybePromise<number>;
  /** Records a failure; returns the ejection when it caused one. */
  recordFailure(now: number, failure: FailureRecord): MaybePromise<Ejection | undefined>;
  /** The current state as plain data. */
  read(): TargetStateSnapshot;
  /** Replaces the state (a probe in flight is never restored). */
  restore(snapshot: TargetStateSnapshot): MaybePromise<void>;
}

/** Where per-target state lives. The default keeps it in memory ({@link MemoryStateStore}). */
export interface StateStore {
  /**
   * The state operations of target `id` under `policy`. Called once per target when a router is
   * built; routers that share a store share the state of targets with the same id.
   */
  target(id: string, policy: TargetPolicy): TargetStateHandle;
  /**
   * The spend state of budget `id`. Needed only by routers with `budgets`; a store without it
   * cannot back them (the router says so at construction).
   */
  budget?(id: string): BudgetStateHandle;
  /**
   * The rolling-window quota `id` (e.g. a target's tokens per minute, a gateway key's requests
   * per minute) over `windowMs`. Needed only by routers with `tokensPerMinute` targets (and by
   * modules that keep quotas, such as the gateway); a store without it cannot back them.
   */
  quota?(id: string, windowMs: number): QuotaStateHandle;
  /**
   * Tells `listener` when the store degrades (its backend stopped answering; it serves from local
   * state) and when it is restored; the router relays these as `store:degraded` and
   * `store:restored`. Returns a function that stops it. A store that cannot degrade omits it.
   */
  watch?(listener: (event: StoreHealthEvent) => void): () => void;
}

/** A change of a shared store's health, as {@link StateStore.watch} reports it. */
export type StoreHealthEvent =
  | { readonly type: 'degraded'; readonly reason: string; readonly at: number }
  | { readonly type: 'restored'; readonly downMs: number; readonly at: number };

/** A quota's use in its rolling window, as last known. */
export interface QuotaUsage {
  /** Units taken in the window ending now. */
  readonly used: number;
  /** Clock time at which the oldest units still counted leave the window (`now` when none). */
  readonly resetAt: number;
}

/** The answer to {@link QuotaStateHandle.take}, with the use it was decided on. */
export interface QuotaAdmission extends QuotaUsage {
  readonly admitted: boolean;
  /** When refused: the clock time at which the use falls below the limit again. */
  readonly retryAt: number;
}

/**
 * Units used in a rolling window (requests, tokens), shared by every router and process on the
 * same store. A take is admitted while the use is below the limit — so one call may overshoot
 * it by its own size, as in the providers' windows — and its amount is counted at once, so
 * concurrent callers see it; `adjust` corrects an estimate once the real amount is known.
 * `take` must be atomic (a shared store decides it on the server).
 */
export interface QuotaStateHandle {
  /** Counts `amount` at `now` if the use is below `limit`. */
  take(now: number, amount: number, limit: number): MaybePromise<QuotaAdmission>;
  /**
   * Adds `delta` (negative to give back) to what was taken at `takenAt`; nothing when that has
   * left the window already. The use never goes below zero.
   */
  adjust(now: number, takenAt: number, delta: number): MaybePromise<void>;
  /** The use at `now`, as last known (a shared store answers from its mirror). */
  read(now: number): QuotaUsage;
}

/** A budget's spend in one period, as plain data (USD). */
export interface BudgetTotals {
  /** The period (`2026-12-02`, `2026-12` or `total`). */
  readonly periodKey: string;
  /** Settled spend. */
  readonly spentUsd: number;
  /** Held by attempts in flight. */
  readonly reservedUsd: number;
}

/**
 * One reservation, as {@link BudgetStateHandle.reserve} hands it out: settle or release it with
 * this. A hold lapses on its own at `expiresAt` (its amount is no longer reserved), so a process
 * that crashed while holding it does not keep the budget reserved.
 */
export interface BudgetHoldTicket {
  /** Unique among the store's holds. */
  readonly id: string;
  /** The amount held (USD). */
  readonly amountUsd: number;
  /** When the hold lapses, on the store's clock (a shared store's server time), in ms. */
  readonly expiresAt: number;
}

/** The answer to a reservation, with the totals it was decided on. */
export interface BudgetReservation {
  readonly reserved: boolean;
  readonly totals: BudgetTotals;
  /** The hold, when reserved. */
  readonly hold?: BudgetHoldTicket;
}

/**
 * The spend state of one budget. `reserve` must be atomic: two reservations never both succeed
 * when only one fits (a shared store does it on the server, e.g. in one Lua script). Each
 * reservation is a hold with an id and an expiry: settling or releasing it ends it, and one that
 * neither happens to (its process crashed) lapses at its expiry, freeing its amount.
 */
export interface BudgetStateHandle {
  /**
   * Adds `amountUsd` to the reserved sum of period `periodKey` if spent + reserved + amount stays
   * within `limitUsd`, as a hold that lapses `holdMs` from now (`now` on the router's clock; a
   * shared store may use its own). Lapsed holds are swept first. A `periodKey` other than the
   * stored one starts a new period at zero.
   */
  reserve(
    periodKey: string,
    amountUsd: number,
    limitUsd: number,
    now: number,
    holdMs: number,
  ): MaybePromise<BudgetReservation>;
  /**
   * Settles `hold` (made in `periodKey`): its amount is released — unless it lapsed already, then
   * it was released then — and `actualUsd` is added to the spend. A settlement for a period that
   * has ended changes nothing.
   */
  settle(periodKey: string, hold: BudgetHoldTicket, actualUsd: number): MaybePromise<BudgetTotals>;
  /** Releases `hold` without spend (the attempt did not run), unless it lapsed already. */
  release(periodKey: string, hold: BudgetHoldTicket): MaybePromise<BudgetTotals>;
  /** The totals of `periodKey` as last known (zero for a period not seen yet). */
  read(periodKey: string): BudgetTotals;
  /**
   * Brings back spend from a snapshot: raises the settled spend of `periodKey` to at least
   * `spentUsd` (never lowers it, so restoring into a store that already holds the spend — a
   * shared one that outlived the process — counts nothing twice). Reservations are not restored.
   * Optional: a store without it does not restore budget spend.
   */
  restore?(periodKey: string, spentUsd: number): MaybePromise<BudgetTotals>;
}
