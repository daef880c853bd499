import { fallsBack, isRetryableKind } from '../errors/error-kind.js';
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { HedgeDelaySource } from '../events.js';
import type { TimerHandle } from '../types/clock.js';
import type { CompletionResponse } from '../types/response.js';
import { lostHedgeCost } from './attempt-cost.js';
import type { AttemptRunner } from './attempt-runner.js';
import type { Call, CallRuntime } from './call.js';
import { HedgeLane, hedgeDelay } from './hedge-lane.js';
import type { Claim } from './target-gate.js';

/** Mark of a target with an attempt of this call in flight: not a candidate of a hedge. */
export const IN_FLIGHT_MARK = 3;

/** What a hedged round needs from the attempt loop: claims that never wait. */
export interface HedgeClaims {
  /**
   * A claim on the strategy's pick among the call's fresh candidates (untried, not in flight),
   * for attempt `attempt`, without waiting: `undefined` when none is available now.
   */
  claimHedge(call: Call, attempt: number): Claim | Promise<Claim | undefined> | undefined;
  /** Gives back a claim that will not be used (the round ended while it was being made). */
  abandon(claim: Claim): void;
}

/**
 * One round of a hedged call: the attempt on the claimed target, plus up to the call's hedges
 * left, each sent when the latest attempt has produced nothing (no answer; no first content for
 * a stream) within its hedge delay, to a target not already running the call. The first attempt
 * to produce content wins and the others are cancelled (not counted against their targets'
 * health; their estimated cost goes into the call's). When every attempt fails, the round
 * rejects with the last failure and the attempt loop's fallback carries on; a failure that does
 * not fall back (or the call's abort) ends the round at once.
 */
export class HedgeRound {
  /** The highest attempt number the round has used. */
  lastAttempt = 0;
  readonly #rt: CallRuntime;
  readonly #call: Call;
  readonly #runner: AttemptRunner;
  readonly #claims: HedgeClaims;
  readonly #lanes: HedgeLane[] = [];
  #winner: HedgeLane | undefined;
  #response: CompletionResponse | undefined;
  /** A failure that ends the round whatever the other attempts do. */
  #fatal: SwitchyardError | undefined;
  #timer: TimerHandle | undefined;
  #running = 0;
  #claiming = false;
  /** Set once the round has settled: nothing more is started. */
  #ended = false;
  #resolve!: (response: CompletionResponse) => void;
  #reject!: (error: unknown) => void;

  constructor(rt: CallRuntime, call: Call, runner: AttemptRunner, claims: HedgeClaims) {
    this.#rt = rt;
    this.#call = call;
    this.#runner = runner;
    this.#claims = claims;
  }

  /** Runs the round from the claimed first attempt `attempt`. */
  run(claim: Claim, attempt: number): Promise<CompletionResponse> {
    return new Promise<CompletionResponse>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      this.#start(claim, attempt, false);
    });
  }

  #start(claim: Claim, attempt: number, hedge: boolean): void {
    const call = this.#call;
    const target = claim.target;
    const lane = new HedgeLane(call.scope.child(), target, attempt, hedge, claim.claimedAt, (l) =>
      this.#commit(l),
    );
    this.#lanes.push(lane);
    this.#running++;
    this.lastAttempt = attempt;
    if (call.failed === undefined) call.failed = new Uint8Array(this.#rt.targetCount);
    call.failed[target.index] = IN_FLIGHT_MARK;
    this.#arm(lane);
    this.#runner.run(call, claim, attempt, claim.claimedAt, lane).then(
      (response) => this.#settled(lane, response, undefined),
      (error: unknown) => this.#settled(lane, undefined, error as SwitchyardError),
    );
  }

  /** Arms the timer of the next hedge, measured from the start of `lane`, if one may still be sent. */
  #arm(lane: HedgeLane): void {
    this.#clearTimer();
    const call = this.#call;
    if (call.hedgesLeft <= 0 || this.lastAttempt >= this.#rt.retry.maxAttempts) return;
    const { delayMs, source } = hedgeDelay(call.hedge!, lane.target, call.stream);
    // A hedge that could only start at or after the deadline is never sent.
    if (lane.startedAt + delayMs >= call.scope.deadline) return;
    const wait = Math.max(0, lane.startedAt + delayMs - this.#rt.clock.now());
    this.#timer = this.#rt.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#hedge(lane, delayMs, source);
    }, wait);
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    this.#rt.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The hedge delay of `slow` ran out with no content: send the call to another target too. */
  #hedge(slow: HedgeLane, delayMs: number, source: HedgeDelaySource): void {
    const call = this.#call;
    if (this.#ended || this.#winner !== undefined || this.#claiming || call.scope.aborted) return;
    const attempt = this.lastAttempt + 1;
    let claim: Claim | Promise<Claim | undefined> | undefined;
    try {
      claim = this.#claims.claimHedge(call, attempt);
    } catch {
      claim = undefined; // nothing to hedge to: the attempts in flight carry on
    }
    if (claim === undefined) return;
    if (!(claim instanceof Promise)) {
      this.#launch(claim, attempt, slow, delayMs, source);
      return;
    }
    this.#claiming = true;
    claim.then(
      (c) => {
        this.#claiming = false;
        if (c === undefined) return;
        if (this.#ended || this.#winner !== undefined || call.scope.aborted) this.#claims.abandon(c);
        else this.#launch(c, Math.max(attempt, this.lastAttempt + 1), slow, delayMs, source);
      },
      () => {
        this.#claiming = false;
      },
    );
  }

  #launch(claim: Claim, attempt: number, slow: HedgeLane, delayMs: number, source: HedgeDelaySource): void {
    const call = this.#call;
    const rt = this.#rt;
    call.hedgesLeft--;
    if (rt.events.has('hedge:start')) {
      rt.events.emit('hedge:start', {
        requestId: call.id,
        stream: call.stream,
        tags: call.request.tags,
        attempt,
        target: claim.target.id,
        hedgedAttempt: slow.attempt,
        hedgedTarget: slow.target.id,
        delayMs,
        delaySource: source,
        hedges: call.hedge!.maxHedges - call.hedgesLeft,
      });
    }
    this.#start(claim, attempt, true);
  }

  /** `lane` produced content: it wins unless another did first; the others are cancelled. */
  #commit(lane: HedgeLane): boolean {
    if (this.#winner !== undefined) return this.#winner === lane;
    if (lane.lost || this.#fatal !== undefined || this.#ended) return false;
    this.#winner = lane;
    this.#clearTimer();
    const call = this.#call;
    const cancelled: HedgeLane[] = [];
    for (const other of this.#lanes) {
      if (other === lane || other.done) continue;
      other.lost = true;
      call.hedgeCostUsd += lostHedgeCost(other.target, call);
      cancelled.push(other);
    }
    for (const other of cancelled) {
      other.scope.abort(
        new SwitchyardError(
          'aborted',
          `cancelled: attempt ${lane.attempt} (target '${lane.target.id}') of the hedged call produced content first`,
          { target: other.target.id, retryable: false },
        ),
      );
    }
    const key = call.affinityKey;
    if (lane.hedge && key !== undefined && key !== null) this.#rt.affinity?.set(key, lane.target.id);
    const events = this.#rt.events;
    if (this.#lanes.length > 1 && events.has('hedge:won')) {
      events.emit('hedge:won', {
        requestId: call.id,
        stream: call.stream,
        tags: call.request.tags,
        attempt: lane.attempt,
        target: lane.target.id,
        hedge: lane.hedge,
        cancelled: cancelled.map((l) => ({ attempt: l.attempt, target: l.target.id })),
        latencyMs: this.#rt.clock.now() - lane.startedAt,
      });
    }
    return true;
  }

  #settled(
    lane: HedgeLane,
    response: CompletionResponse | undefined,
    error: SwitchyardError | undefined,
  ): void {
    lane.done = true;
    lane.scope.dispose();
    this.#running--;
    const call = this.#call;
    if (response !== undefined) {
      this.#response = response;
    } else if (lane.lost) {
      this.#censored(lane);
    } else {
      const failure = error!;
      if (lane === this.#winner || !fallsBack(failure.kind) || call.scope.aborted) {
        this.#end(failure);
      } else {
        call.lastError = failure;
        call.lastTarget = lane.target;
        call.failed![lane.target.index] = isRetryableKind(failure.kind) ? 1 : 2;
      }
    }
    if (this.#running > 0) return;
    this.#ended = true;
    this.#clearTimer();
    for (const l of this.#lanes) {
      if (call.failed![l.target.index] === IN_FLIGHT_MARK) call.failed![l.target.index] = 0;
    }
    if (this.#response !== undefined) this.#resolve(this.#response);
    else this.#reject(this.#fatal ?? call.lastError);
  }

  /**
   * A cancelled attempt's latency is unknown but at least the time it ran. When that is at least
   * its target's hedge delay it is recorded as a sample at that time: without it, a learned p95
   * would see only the attempts fast enough to win, drift down, and hedge ever more. A shorter
   * cancelled attempt says nothing about the tail and is left out.
   */
  #censored(lane: HedgeLane): void {
    const latency = lane.target.latency;
    if (latency === undefined) return;
    const call = this.#call;
    const ranMs = this.#rt.clock.now() - lane.startedAt;
    if (ranMs >= hedgeDelay(call.hedge!, lane.target, call.stream).delayMs)
      latency.record(call.stream, ranMs);
  }

  /** A failure that ends the round: the attempts still running are cancelled. */
  #end(failure: SwitchyardError): void {
    if (this.#fatal !== undefined) return;
    this.#fatal = failure;
    this.#clearTimer();
    const call = this.#call;
    call.lastError = failure;
    for (const other of this.#lanes) {
      if (other.done) continue;
      other.scope.abort(
        call.scope.reason ??
          new SwitchyardError(
            'aborted',
            `cancelled: another attempt of the hedged call failed (${failure.kind})`,
            {
              target: other.target.id,
              retryable: false,
            },
          ),
      );
    }
  }
}
