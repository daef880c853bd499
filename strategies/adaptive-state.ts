import {
  type AttemptOutcome,
  type Clock,
  type CompletionRequest,
  type TargetView,
  utilityOf,
} from '../src/index.js';
import type { PeerSums } from './adaptive-merge.js';
import type { AdaptiveSettings } from './adaptive-options.js';
import type { RequestSize } from './adaptive-size.js';
import { headroomPressure } from './headroom.js';
import { BandFactors } from './predictors/band-factors.js';
import { FirstTokenShare } from './predictors/first-token.js';
import { InFlightTracker } from './predictors/in-flight.js';
import { isStaleFailure } from './predictors/on-time.js';
import { OnlineRidge } from './predictors/online-ridge.js';
import { OverdueTracker } from './predictors/overdue.js';
import { RunningMoments } from './predictors/running-moments.js';
import { indexById } from './snapshot.js';

/** Weight of the prior (the mean of all targets), in observations. */
export const PRIOR_WEIGHT = 1;
/**
 * Least variance of the speed-ratio prior (a standard deviation of 0.5): a target with old data
 * may be much faster or slower than a typical one, however alike the ratios seen lately.
 */
export const RATIO_PRIOR_VARIANCE = 0.25;
/** Weight of a stale failure (see `isStaleFailure`). */
const STALE_WEIGHT = 0.1;
/**
 * Bounds of the speed ratio one outcome can add (50× faster or slower than the baseline): a
 * baseline near 0 would otherwise add an unbounded value.
 */
const MAX_RATIO = 50;
const MIN_RATIO = 1 / MAX_RATIO;
/**
 * Most a band's prior (the target's overall ratio) can weigh, in observations: the weight while a
 * target's bands agree, or before two of them have data.
 */
const MAX_BAND_PRIOR = 64;
/** Memory of the running mean and variance of all outcomes, in observations. */
const GLOBAL_ALPHA = 0.02;

/** A new shared baseline regression (of the latency part or of the rest) on [1, input kTok, output kTok]. */
export function newBaseline(): OnlineRidge {
  return new OnlineRidge(3, { forgetting: 0.995, ridge: 0.01 });
}

/**
 * What an `adaptive` strategy has learned (the model is described on `adaptive`): per target,
 * discounted sums of its speed ratio and failure advantage, its band factors and its trackers of
 * attempts in flight; shared, the baseline regressions and the priors a target's estimate returns
 * to. {@link AdaptiveState.learn} teaches it an outcome; {@link AdaptiveState.slowdown} and
 * {@link AdaptiveState.costOf} are the readings a pick adds per candidate.
 *
 * The fields are public so that the pick can read the sums inline (for the pick budget, see
 * docs/decisions/0005-inline-posterior-on-the-pick-path.md) and so that `adaptive-snapshot.ts` can
 * write and read them; the strategy keeps its instance in a private field, out of the public API.
 * Internal to `strategies/`.
 */
export class AdaptiveState {
  readonly settings: AdaptiveSettings;
  /** Target ids by index, and the index of each id (snapshots are keyed by id). */
  readonly ids: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  /**
   * Per target, discounted at the time of its last observation (`stamp`): the weight of its
   * outcomes and the sums of their failure advantage and of its square; the weight of the outcomes
   * that tell its speed and the sums of their speed ratio and of its square.
   */
  readonly n: Float64Array;
  readonly rest: Float64Array;
  readonly restSquares: Float64Array;
  readonly speedN: Float64Array;
  readonly ratio: Float64Array;
  readonly ratioSquares: Float64Array;
  readonly stamp: Float64Array;
  /**
   * Per target, a speed factor per prompt band and, with `outputBandEdges`, per output-cap band:
   * how the target's outcomes there compare with its mean ratio (see `BandFactors`).
   */
  readonly promptBands: BandFactors;
  readonly outputBands: BandFactors | undefined;
  /** 1 once a target has an observation. */
  readonly observed: Uint8Array;
  /** Start time of the most recent successful attempt seen, by target index. */
  readonly freshest: Float64Array;
  /**
   * What a target returns to as its data ages: for its speed, a typical target (ratio 1, since the
   * baseline learns a typical target) with the spread of all ratios seen; for failures, the running
   * mean and variance of all failure advantages.
   */
  readonly ratioSpread = new RunningMoments(GLOBAL_ALPHA);
  readonly restPrior = new RunningMoments(GLOBAL_ALPHA);
  /**
   * What a typical target is expected to score on a request of this size: regressions of the
   * latency part (load and the target's speed ratio removed) and of the rest on input and output
   * tokens. Targets are compared on how they differ from them, which removes most of the
   * call-to-call noise that comes from request sizes and lets a short window tell targets apart.
   */
  baseLatency = newBaseline();
  baseRest = newBaseline();
  readonly inFlight: InFlightTracker;
  readonly overdue: OverdueTracker;
  /** When a stream's first token is due, as a share of its expected latency. */
  readonly firstToken: FirstTokenShare;
  /** Running mean utility of a successful attempt: what a fallback after a failure is worth. */
  meanSuccess = 0;
  anySuccess = false;
  /** Running mean of output tokens ÷ `maxOutputTokens`, and of output tokens without a cap. */
  outputShare = 0.5;
  meanOutput = 256;
  /**
   * The peers' part of the per-target sums (`adaptive-merge.ts`), aged with them; undefined until
   * the first merge, so a strategy that never merges pays nothing for it.
   */
  peer: PeerSums | undefined = undefined;
  /**
   * Per target, the latest clock time a peer had an outcome on it (from merges; `-Infinity` when
   * none): a target a peer just tried is not due for a revisit here (`revisitMs`).
   */
  readonly peerSeenAt: Float64Array;

  constructor(settings: AdaptiveSettings, targets: readonly TargetView[]) {
    const n = targets.length;
    this.settings = settings;
    this.ids = targets.map((t) => t.id);
    this.indexOf = indexById(targets);
    this.n = new Float64Array(n);
    this.rest = new Float64Array(n);
    this.restSquares = new Float64Array(n);
    this.speedN = new Float64Array(n);
    this.ratio = new Float64Array(n);
    this.ratioSquares = new Float64Array(n);
    this.stamp = new Float64Array(n);
    this.promptBands = new BandFactors(n, settings.bandEdges, MAX_BAND_PRIOR);
    this.outputBands =
      settings.outputBandEdges.length > 0
        ? new BandFactors(n, settings.outputBandEdges, MAX_BAND_PRIOR)
        : undefined;
    this.observed = new Uint8Array(n);
    this.freshest = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    this.peerSeenAt = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    // A recovered target's on-time answer lets go of attempts still hanging from its slow spell.
    this.inFlight = new InFlightTracker(n, settings.lateAfter, { forgetOnTime: true });
    this.overdue = new OverdueTracker(n, settings.overdueAfter);
    this.firstToken = new FirstTokenShare(n);
  }

  /**
   * Learns an outcome that counts against the target's health (the caller has filtered the
   * others out and settled the trackers). `size` is set to the outcome's request; `clock` dates it.
   */
  learn(outcome: AttemptOutcome, size: RequestSize, clock: Clock): void {
    const { weights, discount, ln2PerMs, loadPenalty } = this.settings;
    const t = outcome.target.index;
    const total = utilityOf(outcome, weights);
    if (!Number.isFinite(total)) return;
    // The latency part with the load it ran under taken out. The rest is what a failure costs
    // beyond its own latency: the failure penalty on the last attempt, else the fallback (worth a
    // typical success). Cost is not learned: prices are known, so picks add each request's cost.
    const latencyPart = -(Math.max(0, outcome.latencyMs) / 1000) * weights.latencyPerSecond;
    const latency = latencyPart / (1 + loadPenalty * (outcome.inFlightAtStart ?? outcome.target.inFlight));
    size.set(outcome.request);
    let rest = 0;
    if (outcome.ok) {
      this.#learnSuccess(outcome, total);
      this.firstToken.observe(outcome, size.input);
    } else {
      const { attempt, maxAttempts } = outcome;
      const last = attempt === undefined || maxAttempts === undefined || attempt >= maxAttempts;
      // A failure costs its time to fail and what follows: the fallback, or the penalty on the
      // last attempt. Its time is not a speed: a failure that takes 8 s whatever the request
      // (issue #19 §4) adds 8 s, it does not make the target's answers slower in proportion.
      const follows = last || !this.anySuccess ? -weights.error : Math.max(this.meanSuccess, -weights.error);
      rest = latencyPart + follows;
    }
    // The very first outcome defines the baselines: it is as fast as them, its advantage is 0.
    const fresh = this.baseLatency.samples === 0;
    const baseLatency = size.baseline(this.baseLatency);
    let ratio = fresh ? 1 : Number.NaN;
    if (!fresh && baseLatency < 0 && latency < 0) {
      ratio = Math.max(MIN_RATIO, Math.min(MAX_RATIO, latency / baseLatency));
    }
    // Only answers tell how fast the target answers; a failure's time is in its rest.
    const tellsSpeed = !Number.isNaN(ratio) && outcome.ok;
    const restAdvantage = this.baseRest.samples === 0 ? 0 : rest - size.baseline(this.baseRest);
    const now = clock.now();
    const elapsed = now - this.stamp[t]!;
    const timeKeep = elapsed > 0 ? Math.exp(-elapsed * ln2PerMs) : 1;
    // This request's band factors (prompt, and answer cap when on): the outcome's ratio is split
    // into them and the target's level.
    const promptShape = tellsSpeed ? this.promptBands.shape(t, size.band) : 1;
    const outputBands = size.outputBand < 0 ? undefined : this.outputBands;
    const outputShape = tellsSpeed && outputBands !== undefined ? outputBands.shape(t, size.outputBand) : 1;
    const shape = promptShape * outputShape;
    if (tellsSpeed) {
      const speedN = this.speedN[t]!;
      // The baseline learns a typical target, not the traffic mix: each latency divided by its
      // target's current speed ratio. Otherwise the baseline, and with it every target's ratio,
      // would shift whenever traffic moves from a fast target to a slow one.
      const overall =
        speedN > 0 ? (this.ratio[t]! * timeKeep + PRIOR_WEIGHT) / (speedN * timeKeep + PRIOR_WEIGHT) : 1;
      this.baseLatency.observe(size.features, { value: latency / Math.max(MIN_RATIO, overall * shape) });
    }
    this.baseRest.observe(size.features, { value: rest });
    // Newer news wins: a failure of an attempt that started before a success already seen
    // describes the past (e.g. a timeout from a spike that has since ended): it counts for less.
    const stale =
      !outcome.ok && isStaleFailure(outcome.startedAt, this.freshest[t]!, this.inFlight.meanLatency(t));
    if (outcome.ok && outcome.startedAt > this.freshest[t]!) this.freshest[t] = outcome.startedAt;
    // An outcome describes the target as it was when the attempt started, so it arrives already
    // aged by its own latency: calls that ran through a spike count for little once it is over.
    const weight = (stale ? STALE_WEIGHT : 1) * Math.exp(-Math.max(0, outcome.latencyMs) * ln2PerMs);
    // An observation pushes older ones out by `discount` per unit of its own weight.
    const keep = timeKeep * (stale ? 1 : discount ** weight);
    this.n[t] = this.n[t]! * keep + weight;
    this.rest[t] = this.rest[t]! * keep + weight * restAdvantage;
    this.restSquares[t] = this.restSquares[t]! * keep + weight * restAdvantage * restAdvantage;
    const speedWeight = tellsSpeed ? weight : 0;
    this.speedN[t] = this.speedN[t]! * keep + speedWeight;
    this.ratio[t] = this.ratio[t]! * keep;
    this.ratioSquares[t] = this.ratioSquares[t]! * keep;
    this.peer?.decay(t, keep);
    this.promptBands.decay(t, keep);
    this.outputBands?.decay(t, keep);
    if (tellsSpeed) {
      // The target's ratio learns outcomes with their band's shape taken out, so a slowdown seen
      // on one band moves the estimate for all of them.
      const level = Math.max(MIN_RATIO, Math.min(MAX_RATIO, ratio / shape));
      this.ratio[t] = this.ratio[t]! + weight * level;
      this.ratioSquares[t] = this.ratioSquares[t]! + weight * level * level;
      // How this outcome compares with the target's mean ratio, this outcome included (a target
      // seen on one band only has a factor of 1 there from its first outcome); each band dimension
      // learns it with the other's factor taken out.
      const relative = (ratio * this.speedN[t]!) / this.ratio[t]!;
      this.promptBands.learn(t, size.band, weight, relative / outputShape);
      if (outputBands !== undefined) outputBands.learn(t, size.outputBand, weight, relative / promptShape);
      this.ratioSpread.add(level);
    }
    if (now > this.stamp[t]!) this.stamp[t] = now;
    this.observed[t] = 1;
    this.restPrior.add(restAdvantage);
  }

  /** How late target `t`'s pending attempts are (≥ 1): the larger of the two trackers' readings. */
  slowdown(t: number, now: number): number {
    const slowdown = Math.max(this.inFlight.slowdown(t, now), this.overdue.slowdown(t, now));
    if (slowdown === 1) return 1;
    // Late attempts tell how the target was when they started; the youngest started at its last
    // pick. Their evidence fades like any other (toward 1), so a target left after a spike is
    // tried again, not shunned until its slow attempts drain.
    const age = now - this.inFlight.lastPickAt(t);
    return age > 0 ? slowdown ** Math.exp(-age * this.settings.ln2PerMs) : slowdown;
  }

  /**
   * The cost penalty (`wC × USD`, ≥ 0) of `request` (a prompt of `inputTokens`) on target `c` from
   * its live price: the input tokens and the expected output (the running share of
   * `maxOutputTokens` that answers use, or the running mean without a cap).
   */
  costOf(c: TargetView, request: CompletionRequest, inputTokens: number): number {
    const price = c.price;
    if (price === undefined) return 0;
    const output = this.outputOf(c, request);
    const usd = (inputTokens * price.inputPerMTok + output * price.outputPerMTok) / 1_000_000;
    return this.settings.weights.costPerUsd * usd;
  }

  /** The output tokens expected of `request` on `c`: the running share of its cap answers use. */
  outputOf(c: TargetView, request: CompletionRequest): number {
    const cap = request.maxOutputTokens ?? c.config.maxOutputTokens;
    return cap === undefined ? this.meanOutput : cap * this.outputShare;
  }

  /**
   * The rate-limit penalty of `request` on `c` (`headroom.ts`): its headroom pressure priced like
   * a failure (`error` weight); 0 without a report.
   */
  headroomPenalty(c: TargetView, request: CompletionRequest, inputTokens: number, now: number): number {
    if (c.rateLimit === undefined) return 0;
    const pressure = headroomPressure(c, now, inputTokens + this.outputOf(c, request));
    return pressure * this.settings.weights.error;
  }

  /** Learns what a success is worth (for fallbacks) and how much of its cap an answer uses. */
  #learnSuccess(outcome: AttemptOutcome, utility: number): void {
    this.meanSuccess = this.anySuccess
      ? this.meanSuccess + GLOBAL_ALPHA * (utility - this.meanSuccess)
      : utility;
    this.anySuccess = true;
    const produced = outcome.usage?.outputTokens;
    if (produced === undefined) return;
    const cap = outcome.request.maxOutputTokens ?? outcome.target.config.maxOutputTokens;
    if (cap !== undefined && cap > 0) {
      this.outputShare += GLOBAL_ALPHA * (Math.min(1, produced / cap) - this.outputShare);
    } else {
      this.meanOutput += GLOBAL_ALPHA * (produced - this.meanOutput);
    }
  }
}
