import {
  type BreakerRecord,
  CircuitBreaker,
  closedBreaker,
  type Ejection,
} from '../reliability/circuit-breaker.js';
import { type RateLog, rateWindow } from '../reliability/rate-window.js';
import { MemoryBudgetState } from './memory-budget.js';
import { MemoryQuotaState } from './memory-quota.js';
import type {
  Admission,
  BudgetStateHandle,
  FailureRecord,
  QuotaStateHandle,
  StateStore,
  TargetPolicy,
  TargetStateHandle,
  TargetStateSnapshot,
} from './store.js';

/** The mutable state of one target in memory. */
interface TargetRecord {
  readonly breaker: BreakerRecord;
  blockedUntil: number;
  readonly rate: RateLog;
}

const ADMITTED: Admission = Object.freeze({ admitted: true, probe: false });
const ADMITTED_AS_PROBE: Admission = Object.freeze({ admitted: true, probe: true });

/**
 * The default {@link StateStore}: state in a `Map`, private to the process. Pass one instance
 * to several routers to let them share breaker, limit and budget state. Every operation answers
 * synchronously.
 *
 * @example
 * ```ts
 * const store = new MemoryStateStore();
 * const a = new Router({ targets, store });
 * const b = new Router({ targets, store }); // sees a's ejections and Retry-After blocks
 * ```
 */
export class MemoryStateStore implements StateStore {
  readonly #targets = new Map<string, TargetRecord>();
  readonly #budgets = new Map<string, MemoryBudgetState>();
  readonly #quotas = new Map<string, MemoryQuotaState>();

  target(id: string, policy: TargetPolicy): TargetStateHandle {
    let record = this.#targets.get(id);
    if (record === undefined) {
      record = { breaker: closedBreaker(), blockedUntil: 0, rate: { stamps: undefined, head: 0 } };
      this.#targets.set(id, record);
    }
    return new MemoryTargetState(record, policy);
  }

  budget(id: string): BudgetStateHandle {
    let state = this.#budgets.get(id);
    if (state === undefined) {
      state = new MemoryBudgetState();
      this.#budgets.set(id, state);
    }
    return state;
  }

  quota(id: string, windowMs: number): QuotaStateHandle {
    const key = `${id}\u0000${windowMs}`;
    let state = this.#quotas.get(key);
    if (state === undefined) {
      state = new MemoryQuotaState(windowMs);
      this.#quotas.set(key, state);
    }
    return state;
  }
}

/** One router's view of a target's in-memory record, under that router's policies. */
class MemoryTargetState implements TargetStateHandle {
  readonly #record: TargetRecord;
  readonly #breaker: CircuitBreaker | undefined;
  readonly #rpm: number;

  constructor(record: TargetRecord, policy: TargetPolicy) {
    this.#record = record;
    this.#breaker = policy.breaker === undefined ? undefined : new CircuitBreaker(policy.breaker);
    this.#rpm = policy.requestsPerMinute;
  }

  readyAt(now: number): number {
    const record = this.#record;
    let at = Math.max(record.blockedUntil, now);
    if (this.#breaker !== undefined && this.#breaker.availability(record.breaker, now) === 'unavailable') {
      // An in-flight probe frees the target at an unknown time: "not now, no wake time".
      at = Math.max(at, record.breaker.probeInFlight ? Number.POSITIVE_INFINITY : record.breaker.openUntil);
    }
    if (this.#rpm > 0 && !rateWindow.available(record.rate, this.#rpm, now)) {
      at = Math.max(at, rateWindow.nextFreeAt(record.rate, now));
    }
    return at;
  }

  blockedUntil(): number {
    return this.#record.blockedUntil;
  }

  acquire(now: number): Admission {
    const retryAt = this.readyAt(now);
    if (retryAt > now) return { admitted: false, retryAt };
    const probe = this.#breaker?.claimProbe(this.#record.breaker, now) ?? false;
    if (this.#rpm > 0) rateWindow.acquire(this.#record.rate, this.#rpm, now);
    return probe ? ADMITTED_AS_PROBE : ADMITTED;
  }

  recordSuccess(now: number, probe: boolean): number {
    return this.#breaker?.onSuccess(this.#record.breaker, now, probe) ?? -1;
  }

  recordFailure(now: number, failure: FailureRecord): Ejection | undefined {
    const record = this.#record;
    if (failure.blockForMs !== undefined) {
      record.blockedUntil = Math.max(record.blockedUntil, now + failure.blockForMs);
    }
    if (this.#breaker === undefined) return undefined;
    if (failure.countsAgainstHealth) return this.#breaker.onFailure(record.breaker, now, failure.probe);
    if (failure.probe) this.#breaker.releaseProbe(record.breaker);
    return undefined;
  }

  read(): TargetStateSnapshot {
    const record = this.#record;
    return {
      breaker: { ...record.breaker },
      blockedUntil: record.blockedUntil,
      rateStamps: rateWindow.list(record.rate),
    };
  }

  restore(snapshot: TargetStateSnapshot): void {
    Object.assign(this.#record.breaker, snapshot.breaker, { probeInFlight: false });
    this.#record.blockedUntil = snapshot.blockedUntil;
    rateWindow.fill(this.#record.rate, this.#rpm, snapshot.rateStamps);
  }
}
