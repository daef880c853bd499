import type { BudgetHold } from '../budgets/budget-gate.js';
import type { Ejection } from '../reliability/circuit-breaker.js';
import type { Admission, MaybePromise } from '../state/store.js';
import type { TargetRuntime } from '../target-runtime.js';
import type { Clock, TimerHandle } from '../types/clock.js';
import type { TokenTake } from './token-quota.js';

/** A claimed attempt slot on a target: held from the claim until the attempt's real end. */
export class Claim {
  readonly target: TargetRuntime;
  /** Whether this attempt is the target's half-open probe. */
  readonly probe: boolean;
  /** Clock time of the claim: the attempt's start. */
  readonly claimedAt: number;
  /** Whether a streamed attempt's adapter stream opened: from then on its reader releases the claim. */
  running = false;
  released = false;
  /** The budget reservations this attempt holds, settled when it ends. */
  hold: BudgetHold | undefined = undefined;
  /** The tokens this attempt counted in a `tokensPerMinute` window, corrected when it ends. */
  tokens: TokenTake | undefined = undefined;

  constructor(target: TargetRuntime, probe: boolean, claimedAt: number) {
    this.target = target;
    this.probe = probe;
    this.claimedAt = claimedAt;
  }
}

interface Waiter {
  readonly candidates: readonly TargetRuntime[];
  readonly wake: () => void;
}

/**
 * Everything that decides whether a target may take an attempt now — breaker and its half-open
 * probe, Retry-After block, requests- and tokens-per-minute windows (all in the state store), and the
 * in-process concurrency limit — with claim and release in one place. Calls that opted into
 * waiting for capacity wait here, first come first served.
 */
export class TargetGate {
  readonly #clock: Clock;
  readonly #waiters: Waiter[] = [];

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** When `target` may take an attempt (its concurrency aside): `now`, later, or `Infinity`. */
  readyAt(target: TargetRuntime, now: number): number {
    const at = target.state.readyAt(now);
    const tokens = target.tokenQuota;
    if (tokens === undefined) return at;
    // A full token window: ready again once its oldest tokens leave (then looked at afresh).
    const usage = tokens.read(now);
    return usage.used < target.tokensPerMinute ? at : Math.max(at, usage.resetAt);
  }

  /** Whether the wait until `readyAt` is the provider's Retry-After. */
  isBlockedUntil(target: TargetRuntime, at: number): boolean {
    return target.state.blockedUntil() === at;
  }

  /** Whether `target` has a free concurrency slot. */
  hasRoom(target: TargetRuntime): boolean {
    return target.inFlight < target.maxConcurrency;
  }

  /**
   * Claims an attempt on `target` at `now`, in the same synchronous step as the pick when the
   * store answers synchronously, so that concurrent calls see the claim before they pick.
   * `undefined` (or a promise of it) when the store refused: choose again.
   */
  claim(target: TargetRuntime, now: number): MaybePromise<Claim | undefined> {
    const admission = target.state.acquire(now);
    if (isAdmission(admission)) {
      if (!admission.admitted) return undefined;
      target.inFlight++;
      return new Claim(target, admission.probe, now);
    }
    target.inFlight++; // hold the slot while the store answers
    return Promise.resolve(admission).then(
      (a) => {
        if (a.admitted) return new Claim(target, a.probe, now);
        this.#free(target);
        return undefined;
      },
      (error: unknown) => {
        this.#free(target);
        throw error;
      },
    );
  }

  /**
   * Frees the claim's slot when the attempt is over for the router: now, or — when the router
   * stopped waiting (`abandoned`: deadline or abort) — once the adapter's `work` has really
   * ended. A streamed attempt whose adapter stream opened is freed by its reader instead, once
   * that stream has closed (`claim.running`).
   */
  releaseAfter(claim: Claim, work: Promise<unknown> | undefined, abandoned: boolean): void {
    if (claim.released || claim.running) return;
    if (work !== undefined && abandoned) {
      const release = () => this.release(claim);
      work.then(release, release);
      return;
    }
    this.release(claim);
  }

  /** Frees the claim's concurrency slot, once. */
  release(claim: Claim): void {
    if (claim.released) return;
    claim.released = true;
    this.#free(claim.target);
  }

  /** Records a success in the target's state; resolves to the down time when it restored the target, else -1. */
  recordSuccess(claim: Claim, now: number): MaybePromise<number> {
    return claim.target.state.recordSuccess(now, claim.probe);
  }

  /** Records a failure in the target's state; resolves to the ejection when it caused one. */
  recordFailure(
    claim: Claim,
    now: number,
    countsAgainstHealth: boolean,
    blockForMs: number | undefined,
  ): MaybePromise<Ejection | undefined> {
    return claim.target.state.recordFailure(now, { countsAgainstHealth, probe: claim.probe, blockForMs });
  }

  /**
   * Waits until one of `candidates` frees a slot, or `ms` pass, or `signal` aborts (rejects with
   * its reason). Waiters are woken first come, first served.
   */
  waitForCapacity(candidates: readonly TargetRuntime[], ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      let timer: TimerHandle | undefined;
      const done = () => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        if (timer !== undefined) this.#clock.clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        candidates,
        wake: () => {
          done();
          resolve();
        },
      };
      const onAbort = () => {
        done();
        reject(signal.reason);
      };
      this.#waiters.push(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
      if (Number.isFinite(ms)) timer = this.#clock.setTimeout(waiter.wake, Math.max(0, ms));
    });
  }

  #free(target: TargetRuntime): void {
    target.inFlight--;
    if (this.#waiters.length === 0) return;
    for (const waiter of this.#waiters) {
      if (waiter.candidates.includes(target)) {
        waiter.wake();
        return;
      }
    }
  }
}

function isAdmission(value: MaybePromise<Admission>): value is Admission {
  return typeof (value as PromiseLike<Admission>).then !== 'function';
}
