import type { BudgetHold } from '../budgets/budget-gate.js';
import { sleep } from '../clock.js';
import { fallsBack, isRetryableKind } from '../errors/error-kind.js';
import { isSwitchyardError, SwitchyardError } from '../errors/switchyard-error.js';
import { TargetRuntime } from '../target-runtime.js';
import type { CompletionResponse } from '../types/response.js';
import { ignore } from '../util/promise.js';
import type { AttemptRunner } from './attempt-runner.js';
import type { Call, CallRuntime } from './call.js';
import { type ChooseWait, chooseTarget } from './choose.js';
import { type HedgeClaims, HedgeRound } from './hedge-round.js';
import { Claim } from './target-gate.js';
import { settleTokens, takeTokens, tokenEstimate } from './token-quota.js';

/** A budget ruled the chosen target out. */
const OVER_BUDGET = Symbol('over budget');

/** Claims a shared store may refuse in a row before the attempt gives up. */
const MAX_REFUSED_CLAIMS = 16;

/**
 * The attempt loop of one call: choose a target, claim it, run the attempt; on a failure that
 * falls back, mark the target and go round again, until a success, a final error, the attempt
 * budget or the deadline.
 */
export class AttemptLoop implements HedgeClaims {
  readonly #rt: CallRuntime;
  readonly #runner: AttemptRunner;
  readonly #scratch: TargetRuntime[] = [];

  constructor(rt: CallRuntime, runner: AttemptRunner) {
    this.#rt = rt;
    this.#runner = runner;
  }

  async run(call: Call): Promise<CompletionResponse> {
    const max = this.#rt.retry.maxAttempts;
    // A `wrapCall` middleware may run the loop again: attempts keep counting across runs.
    for (let attempt = call.attempts.length + 1; ; attempt++) {
      let claim: Claim | Promise<Claim | undefined> | undefined;
      try {
        claim = this.#claim(call, attempt);
        if (!(claim instanceof Claim)) claim = (await claim)!;
      } catch (thrown) {
        // A budget refusal that ends the call: no candidate fitted.
        if (isSwitchyardError(thrown) && thrown.kind === 'budget_exceeded') this.#rt.budgets?.refused(thrown);
        throw thrown;
      }
      const target = claim.target;
      if (call.hedgesLeft > 0 && attempt < max) {
        // Hedged: this attempt and its hedges run as one round; the round marks failed targets.
        const round = new HedgeRound(this.#rt, call, this.#runner, this);
        try {
          return await round.run(claim, attempt);
        } catch (thrown) {
          attempt = round.lastAttempt;
          const error = thrown as SwitchyardError;
          if (!fallsBack(error.kind) || call.scope.aborted || attempt >= max) throw error;
          continue;
        }
      }
      try {
        return await this.#runner.run(call, claim, attempt, claim.claimedAt);
      } catch (thrown) {
        const error = thrown as SwitchyardError;
        call.lastError = error;
        call.lastTarget = target;
        if (!fallsBack(error.kind) || call.scope.aborted || attempt >= max) throw error;
        if (call.failed === undefined) call.failed = new Uint8Array(this.#rt.targetCount);
        call.failed[target.index] = isRetryableKind(error.kind) ? 1 : 2;
      }
    }
  }

  /** {@inheritDoc HedgeClaims.claimHedge} */
  claimHedge(call: Call, attempt: number): Claim | Promise<Claim | undefined> | undefined {
    const now = this.#rt.clock.now();
    // Without waiting, a choice is a fresh candidate: untried, and not in flight (marked).
    const retries = call.retries;
    // The session stays where it is unless the hedge wins (the round moves it then).
    const affinity = this.#rt.affinity;
    const key = affinity === undefined ? undefined : (call.affinityKey ?? undefined);
    const home = key === undefined ? undefined : affinity!.get(key);
    const choice = chooseTarget(this.#rt, call, attempt, false, this.#scratch, now);
    if (home !== undefined) affinity!.set(key!, home);
    if (!(choice instanceof TargetRuntime)) {
      call.retries = retries; // a backoff the hedge will not take does not count
      return undefined;
    }
    if (this.#rt.budgets === undefined && choice.tokenQuota === undefined) {
      return this.#rt.gate.claim(choice, now) as Claim | Promise<Claim | undefined> | undefined;
    }
    return this.#claimSlowly(call, attempt, choice, undefined, true).catch(() => undefined);
  }

  /** {@inheritDoc HedgeClaims.abandon} */
  abandon(claim: Claim): void {
    const rt = this.#rt;
    const now = rt.clock.now();
    if (claim.hold !== undefined) rt.budgets!.settle(claim.hold, 0);
    if (claim.tokens !== undefined) settleTokens(claim.target, claim.tokens, now, undefined);
    // Frees a half-open probe without a verdict on the target's health.
    if (claim.probe) Promise.resolve(rt.gate.recordFailure(claim, now, false, undefined)).catch(ignore);
    rt.gate.release(claim);
  }

  /** Chooses and claims the target of this attempt, waiting when the choice says so. */
  #claim(call: Call, attempt: number): Claim | Promise<Claim | undefined> {
    const now = this.#rt.clock.now();
    const choice = chooseTarget(this.#rt, call, attempt, false, this.#scratch, now);
    if (
      choice instanceof TargetRuntime &&
      this.#rt.budgets === undefined &&
      choice.tokenQuota === undefined
    ) {
      const claim = this.#rt.gate.claim(choice, now);
      if (claim instanceof Claim) return this.#claimed(call, claim);
      // A shared store answers later: wait for that answer (claiming again would take a second slot).
      if (claim !== undefined) return this.#claimSlowly(call, attempt, choice, claim);
    }
    return this.#claimSlowly(call, attempt, choice);
  }

  async #claimSlowly(
    call: Call,
    attempt: number,
    first: TargetRuntime | ChooseWait,
    pending?: PromiseLike<Claim | undefined>,
    hedge = false,
  ): Promise<Claim | undefined> {
    let choice = first;
    let waited = false;
    for (let refused = 0; ; ) {
      if (choice instanceof TargetRuntime) {
        const hold = this.#rt.budgets === undefined ? undefined : await this.#reserve(call, choice);
        if (hold === OVER_BUDGET) {
          choice = chooseTarget(this.#rt, call, attempt, waited, this.#scratch, this.#rt.clock.now());
          continue;
        }
        const tokens =
          choice.tokenQuota === undefined
            ? undefined
            : await takeTokens(choice, tokenEstimate(call.request, choice), this.#rt.clock.now());
        // A full token window (another caller took the last room first) is a refused claim.
        const claim =
          choice.tokenQuota !== undefined && tokens === undefined
            ? undefined
            : await (pending ?? this.#rt.gate.claim(choice, this.#rt.clock.now()));
        pending = undefined;
        if (claim !== undefined) {
          claim.hold = hold;
          claim.tokens = tokens;
          return hedge ? claim : this.#claimed(call, claim);
        }
        if (hold !== undefined) this.#rt.budgets!.settle(hold, 0);
        if (tokens !== undefined) settleTokens(choice, tokens, this.#rt.clock.now(), undefined);
        if (++refused >= MAX_REFUSED_CLAIMS) {
          throw new SwitchyardError(
            'no_target',
            `no target is available: the state store refused ${refused} claims in a row`,
            { retryable: true },
          );
        }
      } else {
        if (hedge) return undefined; // a hedge never waits
        await this.#wait(call, attempt, choice);
        waited = !choice.forCapacity;
      }
      choice = chooseTarget(this.#rt, call, attempt, waited, this.#scratch, this.#rt.clock.now());
    }
  }

  /**
   * Reserves the attempt's maximum cost on `target` in the budgets covering the call. A budget
   * that cannot cover it rules the target out for this call (a cheaper one may still fit): the
   * target is marked, its error kept as the call's last, and no attempt is counted.
   */
  async #reserve(call: Call, target: TargetRuntime): Promise<BudgetHold | undefined | typeof OVER_BUDGET> {
    const gate = this.#rt.budgets!;
    call.budgets ??= gate.covering(call.request);
    if (call.budgets.length === 0) return undefined;
    const hold = await gate.reserve(call.budgets, call.request, target, this.#rt.clock.now());
    if (!(hold instanceof SwitchyardError)) return hold;
    if (call.failed === undefined) call.failed = new Uint8Array(this.#rt.targetCount);
    call.failed[target.index] = 2;
    call.lastError = hold;
    call.lastTarget = target;
    return OVER_BUDGET;
  }

  #claimed(call: Call, claim: Claim): Claim {
    const events = this.#rt.events;
    const target = claim.target;
    const fresh = call.failed === undefined || call.failed[target.index] === 0;
    if (fresh && call.lastTarget !== undefined && call.lastError !== undefined && events.has('fallback')) {
      events.emit('fallback', {
        requestId: call.id,
        stream: call.stream,
        tags: call.request.tags,
        attempt: call.attempts.length + 1,
        from: call.lastTarget.id,
        to: target.id,
        errorKind: call.lastError.kind,
      });
    }
    return claim;
  }

  async #wait(call: Call, attempt: number, wait: ChooseWait): Promise<void> {
    const rt = this.#rt;
    const error = call.lastError;
    const now = rt.clock.now();
    if (wait.forCapacity) {
      await rt.gate.waitForCapacity(call.candidates, wait.delayMs, call.scope.signal);
      call.queuedMs += rt.clock.now() - now;
      return;
    }
    if (call.scope.deadline - now <= wait.delayMs) {
      // Waiting would run past the deadline: fail now with what we know.
      throw (
        error ??
        new SwitchyardError('timeout', 'no target becomes available before the deadline', { retryable: true })
      );
    }
    if (error !== undefined && rt.events.has('retry')) {
      rt.events.emit('retry', {
        requestId: call.id,
        stream: call.stream,
        tags: call.request.tags,
        attempt,
        delayMs: wait.delayMs,
        errorKind: error.kind,
        fromRetryAfter: wait.fromRetryAfter,
      });
    }
    await sleep(rt.clock, wait.delayMs, call.scope.signal);
  }
}
