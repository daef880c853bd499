import {
  type AttemptOutcome,
  type CandidateScore,
  type Clock,
  type CompletionRequest,
  countsAgainstHealth,
  estimateInputTokens,
  type FirstTokenOutcome,
  type JsonValue,
  type PickContext,
  type Strategy,
  type StrategyFactory,
  type StrategyInit,
  type TargetView,
  utilityOf,
} from '../src/index.js';
import { type AdaptiveOptions, type AdaptiveSettings, resolveAdaptiveOptions } from './adaptive-options.js';
import { leastBusy } from './least-busy.js';
import { BandFactors, type BandTargetState } from './predictors/band-factors.js';
import { FirstTokenShare } from './predictors/first-token.js';
import { type InFlightLearned, InFlightTracker } from './predictors/in-flight.js';
import { standardNormalQuantile } from './predictors/normal.js';
import { OnlineRidge } from './predictors/online-ridge.js';
import { OverdueTracker } from './predictors/overdue.js';
import { type MomentsState, RunningMoments } from './predictors/running-moments.js';
import {
  encodeNumber,
  encodeNumbers,
  indexById,
  SNAPSHOT_VERSION,
  SnapshotReader,
  targetPath,
} from './snapshot.js';

export type { AdaptiveOptions } from './adaptive-options.js';

/**
 * A non-stationary bandit over targets: time-discounted Gaussian Thompson sampling on the
 * utility of each attempt (higher is better), with the weights of `utilityOf`.
 *
 * - What it learns per attempt: the latency part (load taken out), and for a failure what it
 *   costs beyond its own latency: the failure penalty `wE` on the call's last attempt, else the
 *   fallback the router makes (worth a typical success, a running mean). Cost is not learned:
 *   prices are known, so a pick adds this request's cost on each candidate from its live price,
 *   the request's input tokens and the expected output (the running share of `maxOutputTokens`
 *   that answers use).
 * - Outcomes vary mostly with the size of the request, not with the target. So the strategy
 *   keeps two small shared regressions (the latency part and the failure part, on input and
 *   output tokens, over all targets) and learns, per target, how it compares with them: its
 *   *speed ratio* (its latency over the shared baseline's, so a target twice as slow as the
 *   baseline is expected to take 2 s longer on a 2 s request and 20 s longer on a 20 s one) and
 *   its *failure advantage* (the failure part minus the baseline's, added). That removes most
 *   of the call-to-call noise and lets a short window tell targets apart. The latency baseline
 *   learns each latency divided by its target's speed ratio, so it describes a typical target
 *   whatever the traffic mix, and a target's ratio does not move when traffic moves elsewhere.
 * - A target can be quick on short prompts and slow on long ones (a fast first token, a slow
 *   prefill), so it also learns a *band factor* per prompt-length band (`bandEdges`: under 512,
 *   512–2k, 2k–8k, 8k–32k and 32k+ input tokens by default): how an outcome's ratio compares with
 *   the target's mean ratio, normalised so a target's factors average 1. A pick uses the ratio ×
 *   the factor of the prompt's band. Factors are shrunk toward 1 by a prior weighed by how much
 *   the target's bands differ (their within-band variance over their between-band variance, a
 *   method-of-moments estimate): while the bands agree the prior is worth 64 outcomes and the
 *   bands cost no learning speed; when they differ each band follows its own outcomes. The ratio
 *   learns each outcome with its band's factor taken out, so a slowdown seen on short prompts
 *   moves the estimate for long ones too: the bands keep their shape. With `outputBandEdges` a
 *   target also learns a factor per band of the request's `maxOutputTokens` (off by default),
 *   multiplied with the prompt band's; each learns an outcome with the other's factor taken out.
 *   It stays a bandit over targets with a coarse context (use `intelligent` for a regression per
 *   target).
 * - Per target it keeps discounted sums of both. Clock time multiplies them by
 *   `2^(−elapsed / halfLifeMs)`; a new outcome enters with the weight `2^(−latency / halfLifeMs)`
 *   (it is as old as its attempt), and with a `discount` below 1 pushes older ones out. A
 *   failure quicker than the baseline (a fast 503) says nothing of the target's speed and only
 *   counts toward its failure advantage; a slow one (a timeout) counts toward both.
 * - A target's posterior is Gaussian in each: its mean is the discounted mean shrunk toward a
 *   prior worth one observation (for speed, a typical target: ratio 1, with the spread of all
 *   ratios seen and a standard deviation of at least 0.5; for failures, the running mean and
 *   variance over all targets), its spread `sqrt(variance / n)` for `n` effective observations
 *   (for speed, the overall ratio's). A pick draws one sample per candidate (scaled by
 *   `exploration`) around `baseline latency × the band's speed ratio + baseline failure part +
 *   failure advantage`, with the latency part multiplied by the load factor `1 + loadPenalty × inFlight`
 *   and by the in-flight slowdown (`lateAfter`, `overdueAfter`: for a stream, until its first
 *   token comes, against when that token is due), and takes the highest.
 * - Targets never observed are tried first (one at a time: an untried target that already has
 *   an attempt in flight waits for its outcome).
 * - A candidate not picked for `revisitMs` is picked once (a probe).
 * - Failures of kinds that say nothing about the target (`invalid_request`, `aborted`, …) are
 *   not learned; a failure of an attempt that started before a success already seen (a timeout
 *   still in flight from a spike that has ended) counts with a weight of 0.1.
 *
 * Because old news fades with time, a target that failed during an outage (or was slow) drifts
 * back to the average and is sampled again within a few half-lives of getting no traffic; and because a
 * sample is random, no healthy target is starved forever. O(candidates) per pick, with one
 * uniform draw, one `exp`, a square root and a rational function per candidate; O(targets ×
 * bands) memory.
 *
 * @example
 * ```ts
 * new Router({ targets, strategy: 'adaptive' });
 * registry.register('adaptive-cheap', adaptive({ weights: { costPerUsd: 5000 }, halfLifeMs: 30_000 }));
 * ```
 * @throws SwitchyardError `config` for weights < 0 or not finite, `discount` outside (0, 1],
 * `halfLifeMs` ≤ 0, or `exploration`/`loadPenalty`/`lateAfter`/`overdueAfter`/`revisitMs` < 0 or
 * not finite.
 */
export function adaptive(options: AdaptiveOptions = {}): StrategyFactory {
  const settings = resolveAdaptiveOptions(options);
  return (init: StrategyInit): Strategy => new Adaptive(settings, init);
}

/**
 * The sizes of band `band` of `edges` in words (`under 512 tokens`, `of 512–2048 tokens`, `of
 * 32768+ tokens` with `preposition` "of"), or undefined without edges.
 */
function rangeName(edges: readonly number[], band: number, preposition: string): string | undefined {
  if (edges.length === 0) return undefined;
  if (band === 0) return `under ${edges[0]} tokens`;
  if (band === edges.length) return `${preposition} ${edges[band - 1]}+ tokens`;
  return `${preposition} ${edges[band - 1]}–${edges[band]} tokens`;
}

/** Default {@link AdaptiveOptions.bandEdges}: powers of 4 from 512 input tokens. */

/** Weight of a stale failure (its attempt started before a success already seen). */
const STALE_WEIGHT = 0.1;
/** Effective observations a target needs before its expected latency calls attempts overdue. */
const OVERDUE_MIN_WEIGHT = 5;
/** Weight of the prior (the mean of all targets), in observations. */
const PRIOR_WEIGHT = 1;
/**
 * Bounds of the speed ratio one outcome can add (50× faster or slower than the baseline): a
 * baseline near 0 would otherwise add an unbounded value.
 */
const MAX_RATIO = 50;
const MIN_RATIO = 1 / MAX_RATIO;
/**
 * Least variance of the speed-ratio prior (a standard deviation of 0.5): a target with old data
 * may be much faster or slower than a typical one, however alike the ratios seen lately.
 */
const RATIO_PRIOR_VARIANCE = 0.25;
/**
 * Most a band's prior (the target's overall ratio) can weigh, in observations: the weight while a
 * target's bands agree, or before two of them have data.
 */
const MAX_BAND_PRIOR = 64;
/** Memory of the running mean and variance of all outcomes, in observations. */
const GLOBAL_ALPHA = 0.02;

/** A new shared baseline regression (of the latency part or of the rest) on [1, input kTok, output kTok]. */
function newBaseline(): OnlineRidge {
  return new OnlineRidge(3, { forgetting: 0.995, ridge: 0.01 });
}

/** Whether two lists of band edges are the same. */
function sameEdges(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((edge, i) => edge === b[i]);
}

/** One target's entry of a snapshot, as read by {@link Adaptive.restore}. */
interface TargetState {
  readonly index: number;
  readonly observed: boolean;
  readonly at: number;
  readonly n: number;
  readonly rest: number;
  readonly restSquares: number;
  readonly speedN: number;
  readonly ratio: number;
  readonly ratioSquares: number;
  readonly freshest: number;
  readonly promptBands: BandTargetState | undefined;
  readonly outputBands: BandTargetState | undefined;
  readonly inFlight: InFlightLearned;
  readonly overdueFreshAt: number;
  readonly firstToken: OnlineRidge;
}

class Adaptive implements Strategy {
  readonly name = 'adaptive';
  readonly #settings: AdaptiveSettings;
  readonly #clock: Clock;
  /**
   * Per target, discounted at the time of its last observation: the weight of its outcomes and
   * the sums of their failure advantage and of its square; the weight of the outcomes that tell
   * its speed and the sums of their speed ratio and of its square.
   */
  readonly #n: Float64Array;
  readonly #rest: Float64Array;
  readonly #restSquares: Float64Array;
  readonly #speedN: Float64Array;
  readonly #ratio: Float64Array;
  readonly #ratioSquares: Float64Array;
  readonly #stamp: Float64Array;
  /**
   * Per target, a speed factor per prompt band and, with `outputBandEdges`, per output-cap band:
   * how the target's outcomes there compare with its mean ratio (see `BandFactors`).
   */
  readonly #promptBands: BandFactors;
  readonly #outputBands: BandFactors | undefined;
  /** 1 once a target has an observation. */
  readonly #observed: Uint8Array;
  /** Start time of the most recent successful attempt seen, by target index. */
  readonly #freshest: Float64Array;
  /**
   * What a target returns to as its data ages: for its speed, a typical target (ratio 1, since the
   * baseline learns a typical target) with the spread of all ratios seen; for failures, the running
   * mean and variance of all failure advantages.
   */
  readonly #ratioSpread = new RunningMoments(GLOBAL_ALPHA);
  readonly #restPrior = new RunningMoments(GLOBAL_ALPHA);
  /**
   * What a typical target is expected to score on a request of this size: regressions of the
   * latency part (load and the target's speed ratio removed) and of the rest on input and output
   * tokens. Targets are compared on how they differ from them, which removes most of the
   * call-to-call noise that comes from request sizes and lets a short window tell targets apart.
   */
  #baseLatency = newBaseline();
  #baseRest = newBaseline();
  readonly #size = { values: new Float64Array(3) };
  #sizedRequest: CompletionRequest | undefined;
  /** Input tokens of {@link #sizedRequest}, and its prompt band. */
  #sizedInput = 0;
  #sizedBand = 0;
  /** Output-cap band of {@link #sizedRequest}; -1 without output bands or without a cap. */
  #sizedOutputBand = -1;
  readonly #inFlight: InFlightTracker;
  readonly #overdue: OverdueTracker;
  /** When a stream's first token is due, as a share of its expected latency. */
  readonly #firstToken: FirstTokenShare;
  /** Expected latency in ms of the last pick's target (for the overdue tracker), 0 if unknown. */
  #pickedLatencyMs = 0;
  /** Running mean utility of a successful attempt: what a fallback after a failure is worth. */
  #meanSuccess = 0;
  #anySuccess = false;
  /** Running mean of output tokens ÷ `maxOutputTokens`, and of output tokens without a cap. */
  #outputShare = 0.5;
  #meanOutput = 256;
  readonly #ids: readonly string[];
  readonly #indexOf: ReadonlyMap<string, number>;

  constructor(settings: AdaptiveSettings, init: StrategyInit) {
    const n = init.targets.length;
    this.#settings = settings;
    this.#ids = init.targets.map((t) => t.id);
    this.#indexOf = indexById(init.targets);
    this.#clock = init.clock;
    this.#n = new Float64Array(n);
    this.#rest = new Float64Array(n);
    this.#restSquares = new Float64Array(n);
    this.#speedN = new Float64Array(n);
    this.#ratio = new Float64Array(n);
    this.#ratioSquares = new Float64Array(n);
    this.#stamp = new Float64Array(n);
    this.#promptBands = new BandFactors(n, settings.bandEdges, MAX_BAND_PRIOR);
    this.#outputBands =
      settings.outputBandEdges.length > 0
        ? new BandFactors(n, settings.outputBandEdges, MAX_BAND_PRIOR)
        : undefined;
    this.#observed = new Uint8Array(n);
    this.#freshest = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    // A recovered target's on-time answer lets go of attempts still hanging from its slow spell.
    this.#inFlight = new InFlightTracker(n, settings.lateAfter, { forgetOnTime: true });
    this.#overdue = new OverdueTracker(n, settings.overdueAfter);
    this.#firstToken = new FirstTokenShare(n);
  }

  pick(candidates: readonly TargetView[], context: PickContext): TargetView {
    this.#pickedLatencyMs = 0;
    const picked = this.#choose(candidates, context);
    this.#inFlight.picked(picked.index, context.now);
    const t = picked.index;
    if (this.#pickedLatencyMs > 0 && this.#speedN[t]! >= OVERDUE_MIN_WEIGHT) {
      // A stream is judged first by when its first token comes (#choose sized the request).
      const share = context.stream ? this.#firstToken.share(picked, context.request, this.#sizedInput) : 0;
      this.#overdue.picked(
        t,
        context.request,
        context.now,
        this.#pickedLatencyMs,
        this.#pickedLatencyMs * share,
      );
    }
    return picked;
  }

  /** A stream's first token: its attempt is now judged on its whole expected latency. */
  observeFirstToken(event: FirstTokenOutcome): void {
    this.#overdue.firstToken(event);
  }

  #choose(candidates: readonly TargetView[], context: PickContext): TargetView {
    const { exploration, loadPenalty, ln2PerMs, revisitMs } = this.#settings;
    const latencyPerSecond = this.#settings.weights.latencyPerSecond;
    const random = context.random;
    const now = context.now;
    this.#setSize(context.request);
    const baseLatency = this.#baseline(this.#baseLatency);
    const baseRest = this.#baseline(this.#baseRest);
    const band = this.#sizedBand;
    const {
      bands,
      n: bandN,
      sums: bandSums,
      weight: bandWeight,
      total: bandTotal,
      prior: bandPrior,
    } = this.#promptBands;
    const outputBand = this.#sizedOutputBand;
    const outputBands = outputBand < 0 ? undefined : this.#outputBands;
    // The speed prior: a typical target (ratio 1) with the spread of all ratios seen.
    const ratioSecond = (Math.max(this.#ratioSpread.variance, RATIO_PRIOR_VARIANCE) + 1) * PRIOR_WEIGHT;
    const restMean = this.#restPrior.mean * PRIOR_WEIGHT;
    const restSecond = this.#restPrior.second * PRIOR_WEIGHT;
    let best = candidates[0]!;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i]!;
      const t = c.index;
      if (this.#observed[t] === 0) {
        if (c.inFlight === 0) return c;
        continue;
      }
      if (revisitMs > 0 && now - this.#inFlight.lastPickAt(t) >= revisitMs) return c;
      const elapsed = now - this.#stamp[t]!;
      const keep = elapsed > 0 ? Math.exp(-elapsed * ln2PerMs) : 1;
      const speedN = this.#speedN[t]! * keep + PRIOR_WEIGHT;
      const ratio = (this.#ratio[t]! * keep + PRIOR_WEIGHT) / speedN;
      const ratioVariance = Math.max(
        (this.#ratioSquares[t]! * keep + ratioSecond) / speedN - ratio * ratio,
        0,
      );
      const n = this.#n[t]! * keep + PRIOR_WEIGHT;
      const advantage = (this.#rest[t]! * keep + restMean) / n;
      const restVariance = Math.max((this.#restSquares[t]! * keep + restSecond) / n - advantage ** 2, 0);
      // The ratio × this request's band factors (the prompt's is BandFactors.shape, inline for the
      // pick budget). Band sums are read as of the target's last outcome: a shape does not fade.
      const b = t * bands + band;
      const p = bandPrior[t]!;
      const promptRatio =
        (ratio * (bandSums[b]! + p) * (bandWeight[t]! + p)) / ((bandN[b]! + p) * (bandTotal[t]! + p));
      const bandRatio =
        outputBands === undefined ? promptRatio : promptRatio * outputBands.shape(t, outputBand);
      const latency = Math.min(baseLatency * bandRatio, 0);
      const loaded = latency * (1 + loadPenalty * c.inFlight);
      // Spread of the utility: the ratio's, at this request's latency, and the failure part's.
      const spread = Math.sqrt((baseLatency * baseLatency * ratioVariance) / speedN + restVariance / n);
      const score =
        loaded * this.#slowdown(t, now) +
        baseRest +
        advantage -
        this.#costOf(c, context.request) +
        exploration * spread * standardNormalQuantile(random());
      if (score > bestScore || (score === bestScore && c.inFlight < best.inFlight)) {
        best = c;
        bestScore = score;
        this.#pickedLatencyMs = latencyPerSecond > 0 ? (-loaded / latencyPerSecond) * 1000 : 0;
      }
    }
    // Only reached with a -Infinity best when every candidate is untried and busy.
    return bestScore === Number.NEGATIVE_INFINITY ? leastBusy(candidates) : best;
  }

  observe(outcome: AttemptOutcome): void {
    this.#inFlight.settled(outcome, this.#clock.now());
    this.#overdue.settled(outcome);
    if (!outcome.ok && outcome.errorKind !== undefined && !countsAgainstHealth(outcome.errorKind)) return;
    const { weights, discount, ln2PerMs, loadPenalty } = this.#settings;
    const t = outcome.target.index;
    const total = utilityOf(outcome, weights);
    if (!Number.isFinite(total)) return;
    // The latency part with the load it ran under taken out. The rest is what a failure costs
    // beyond its own latency: the failure penalty on the last attempt, else the fallback (worth a
    // typical success). Cost is not learned: prices are known, so picks add each request's cost.
    const latencyPart = -(Math.max(0, outcome.latencyMs) / 1000) * weights.latencyPerSecond;
    const latency = latencyPart / (1 + loadPenalty * (outcome.inFlightAtStart ?? outcome.target.inFlight));
    this.#setSize(outcome.request);
    let rest = 0;
    if (outcome.ok) {
      this.#learnSuccess(outcome, total);
      this.#firstToken.observe(outcome, this.#sizedInput);
    } else {
      const { attempt, maxAttempts } = outcome;
      const last = attempt === undefined || maxAttempts === undefined || attempt >= maxAttempts;
      rest = last || !this.#anySuccess ? -weights.error : Math.max(this.#meanSuccess, -weights.error);
    }
    // The very first outcome defines the baselines: it is as fast as them, its advantage is 0.
    const fresh = this.#baseLatency.samples === 0;
    const baseLatency = this.#baseline(this.#baseLatency);
    let ratio = fresh ? 1 : Number.NaN;
    if (!fresh && baseLatency < 0 && latency < 0) {
      ratio = Math.max(MIN_RATIO, Math.min(MAX_RATIO, latency / baseLatency));
    }
    // A failure quicker than the baseline (a fast 503) says nothing of how fast the target answers.
    const tellsSpeed = !Number.isNaN(ratio) && (outcome.ok || ratio > 1);
    const restAdvantage = fresh ? 0 : rest - this.#baseline(this.#baseRest);
    const now = this.#clock.now();
    const elapsed = now - this.#stamp[t]!;
    const timeKeep = elapsed > 0 ? Math.exp(-elapsed * ln2PerMs) : 1;
    // This request's band factors (prompt, and answer cap when on): the outcome's ratio is split
    // into them and the target's level.
    const promptShape = tellsSpeed ? this.#promptBands.shape(t, this.#sizedBand) : 1;
    const outputBands = this.#sizedOutputBand < 0 ? undefined : this.#outputBands;
    const outputShape =
      tellsSpeed && outputBands !== undefined ? outputBands.shape(t, this.#sizedOutputBand) : 1;
    const shape = promptShape * outputShape;
    if (tellsSpeed) {
      const speedN = this.#speedN[t]!;
      // The baseline learns a typical target, not the traffic mix: each latency divided by its
      // target's current speed ratio. Otherwise the baseline, and with it every target's ratio,
      // would shift whenever traffic moves from a fast target to a slow one.
      const overall =
        speedN > 0 ? (this.#ratio[t]! * timeKeep + PRIOR_WEIGHT) / (speedN * timeKeep + PRIOR_WEIGHT) : 1;
      this.#baseLatency.observe(this.#size, { value: latency / Math.max(MIN_RATIO, overall * shape) });
    }
    this.#baseRest.observe(this.#size, { value: rest });
    // Newer news wins: a failure of an attempt that started before a success already seen
    // describes the past (e.g. a timeout from a spike that has since ended): it counts for less.
    const stale = !outcome.ok && outcome.startedAt < this.#freshest[t]!;
    if (outcome.ok && outcome.startedAt > this.#freshest[t]!) this.#freshest[t] = outcome.startedAt;
    // An outcome describes the target as it was when the attempt started, so it arrives already
    // aged by its own latency: calls that ran through a spike count for little once it is over.
    const weight = (stale ? STALE_WEIGHT : 1) * Math.exp(-Math.max(0, outcome.latencyMs) * ln2PerMs);
    // An observation pushes older ones out by `discount` per unit of its own weight.
    const keep = timeKeep * (stale ? 1 : discount ** weight);
    this.#n[t] = this.#n[t]! * keep + weight;
    this.#rest[t] = this.#rest[t]! * keep + weight * restAdvantage;
    this.#restSquares[t] = this.#restSquares[t]! * keep + weight * restAdvantage * restAdvantage;
    const speedWeight = tellsSpeed ? weight : 0;
    this.#speedN[t] = this.#speedN[t]! * keep + speedWeight;
    this.#ratio[t] = this.#ratio[t]! * keep;
    this.#ratioSquares[t] = this.#ratioSquares[t]! * keep;
    this.#promptBands.decay(t, keep);
    this.#outputBands?.decay(t, keep);
    if (tellsSpeed) {
      // The target's ratio learns outcomes with their band's shape taken out, so a slowdown seen
      // on one band moves the estimate for all of them.
      const level = Math.max(MIN_RATIO, Math.min(MAX_RATIO, ratio / shape));
      this.#ratio[t] = this.#ratio[t]! + weight * level;
      this.#ratioSquares[t] = this.#ratioSquares[t]! + weight * level * level;
      // How this outcome compares with the target's mean ratio, this outcome included (a target
      // seen on one band only has a factor of 1 there from its first outcome); each band dimension
      // learns it with the other's factor taken out.
      const relative = (ratio * this.#speedN[t]!) / this.#ratio[t]!;
      this.#promptBands.learn(t, this.#sizedBand, weight, relative / outputShape);
      if (outputBands !== undefined)
        outputBands.learn(t, this.#sizedOutputBand, weight, relative / promptShape);
      this.#ratioSpread.add(level);
    }
    if (now > this.#stamp[t]!) this.#stamp[t] = now;
    this.#observed[t] = 1;
    this.#restPrior.add(restAdvantage);
  }

  /**
   * Score = the expected utility of this request on the candidate (baseline latency × its speed
   * ratio × load factor, plus the baseline failure part and its failure advantage, minus cost):
   * what a pick samples around. Higher is better; untried targets score +Infinity.
   */
  // The posterior arithmetic below repeats #choose's on purpose: #choose keeps it inline for the
  // pick budget (docs/decisions/0005-inline-posterior-on-the-pick-path.md). Keep both in step
  // (tests compare describe and picks).
  describe(candidates: readonly TargetView[], context: PickContext): readonly CandidateScore[] {
    const { loadPenalty, ln2PerMs } = this.#settings;
    this.#setSize(context.request);
    const baseLatency = this.#baseline(this.#baseLatency);
    const baseRest = this.#baseline(this.#baseRest);
    const band = this.#sizedBand;
    const outputBand = this.#sizedOutputBand;
    const outputBands = outputBand < 0 ? undefined : this.#outputBands;
    // The speed prior: a typical target (ratio 1) with the spread of all ratios seen.
    const ratioSecond = (Math.max(this.#ratioSpread.variance, RATIO_PRIOR_VARIANCE) + 1) * PRIOR_WEIGHT;
    const restMean = this.#restPrior.mean * PRIOR_WEIGHT;
    const restSecond = this.#restPrior.second * PRIOR_WEIGHT;
    return candidates.map((c) => {
      const t = c.index;
      if (this.#observed[t] === 0) {
        return {
          target: c.id,
          score: Number.POSITIVE_INFINITY,
          note: 'untried: tried first; higher is better',
        };
      }
      const elapsed = context.now - this.#stamp[t]!;
      const keep = elapsed > 0 ? Math.exp(-elapsed * ln2PerMs) : 1;
      const speedN = this.#speedN[t]! * keep + PRIOR_WEIGHT;
      const ratio = (this.#ratio[t]! * keep + PRIOR_WEIGHT) / speedN;
      const ratioVariance = Math.max(
        (this.#ratioSquares[t]! * keep + ratioSecond) / speedN - ratio * ratio,
        0,
      );
      const n = this.#n[t]! * keep + PRIOR_WEIGHT;
      const advantage = (this.#rest[t]! * keep + restMean) / n;
      const restVariance = Math.max((this.#restSquares[t]! * keep + restSecond) / n - advantage ** 2, 0);
      const promptRatio = ratio * this.#promptBands.shape(t, band);
      const bandRatio =
        outputBands === undefined ? promptRatio : promptRatio * outputBands.shape(t, outputBand);
      const latency = Math.min(baseLatency * bandRatio, 0);
      const rest = baseRest + advantage;
      const spread = Math.sqrt((baseLatency * baseLatency * ratioVariance) / speedN + restVariance / n);
      const load = (1 + loadPenalty * c.inFlight) * this.#slowdown(t, context.now);
      const cost = this.#costOf(c, context.request);
      return {
        target: c.id,
        score: latency * load + rest - cost,
        note:
          `latency ${latency.toFixed(3)} (speed ×${bandRatio.toFixed(2)} of the baseline in ${this.#bandName(band, outputBand)}, ×${ratio.toFixed(2)} overall) × load ${load.toFixed(2)} + failure ${rest.toFixed(3)} − cost ${cost.toFixed(3)}, ` +
          `± ${spread.toFixed(3)} over ${(n - PRIOR_WEIGHT).toFixed(1)} recent outcomes; ` +
          'higher is better (picks sample the posterior)',
      };
    });
  }

  /**
   * What the strategy has learned, as JSON (`version: 1`):
   * - shared: the two baseline regressions (`OnlineRidge` snapshots), the spread of speed ratios
   *   and the prior of failure advantages (running moments), what a success is worth
   *   (`meanSuccess`, `anySuccess`) and how much of its cap an answer uses (`outputShare`,
   *   `meanOutputTokens`), and the band edges the band factors were learned on;
   * - per target id: its discounted sums as of `at`, the clock time of its last outcome
   *   (absolute: restored on the router's clock, they go on fading from it), whether it has been
   *   observed, the start of its freshest success, its band sums, its first-token model, and the
   *   trackers' clock marks (last pick, for `revisitMs` and the fading of late attempts; last
   *   outcome; last on-time answer) and mean latency.
   *
   * Attempts in flight (the trackers' pending counts and attempts) are bookkeeping of this
   * process, not learned: they are not part of it, and a restore leaves them as they are. So are
   * options, and the per-request cache.
   */
  snapshot(): JsonValue {
    const targets: [string, JsonValue][] = this.#ids.map((id, t) => [
      id,
      {
        observed: this.#observed[t] === 1,
        at: encodeNumber(this.#stamp[t]!),
        n: encodeNumber(this.#n[t]!),
        rest: encodeNumber(this.#rest[t]!),
        restSquares: encodeNumber(this.#restSquares[t]!),
        speedN: encodeNumber(this.#speedN[t]!),
        ratio: encodeNumber(this.#ratio[t]!),
        ratioSquares: encodeNumber(this.#ratioSquares[t]!),
        freshest: encodeNumber(this.#freshest[t]!),
        promptBands: this.#promptBands.targetJson(t),
        ...(this.#outputBands === undefined ? {} : { outputBands: this.#outputBands.targetJson(t) }),
        inFlight: this.#inFlight.learnedJson(t),
        overdueFreshAt: encodeNumber(this.#overdue.freshAt(t)),
        firstToken: this.#firstToken.snapshotOf(t),
      },
    ]);
    return {
      version: SNAPSHOT_VERSION,
      bandEdges: encodeNumbers(this.#settings.bandEdges),
      outputBandEdges: encodeNumbers(this.#settings.outputBandEdges),
      baseLatency: this.#baseLatency.snapshot(),
      baseRest: this.#baseRest.snapshot(),
      ratioSpread: this.#ratioSpread.toJson(),
      restPrior: this.#restPrior.toJson(),
      meanSuccess: encodeNumber(this.#meanSuccess),
      anySuccess: this.#anySuccess,
      outputShare: encodeNumber(this.#outputShare),
      meanOutputTokens: encodeNumber(this.#meanOutput),
      targets: Object.fromEntries(targets),
    };
  }

  /**
   * Replaces what the strategy has learned with a {@link snapshot}: entries for ids this router
   * does not have are ignored, targets without an entry start fresh, attempts in flight are left
   * as they are. Band factors learned on other band edges (`bandEdges`, `outputBandEdges`
   * changed since) start fresh; the rest is restored. Nothing changes when it throws.
   * @throws {SwitchyardError} `config` when `snapshot` is malformed or of another version
   * (`adaptive: snapshot.targets["a"].ratio: expected …`).
   */
  restore(snapshot: JsonValue): void {
    const read = new SnapshotReader(this.name);
    const root = read.root(snapshot);
    const { bandEdges, outputBandEdges } = this.#settings;
    const samePromptBands = sameEdges(read.list(root.bandEdges, 'snapshot.bandEdges', 'finite'), bandEdges);
    const sameOutputBands =
      sameEdges(read.list(root.outputBandEdges, 'snapshot.outputBandEdges', 'finite'), outputBandEdges) &&
      this.#outputBands !== undefined;
    const baseLatency = newBaseline();
    read.nested('snapshot.baseLatency', () => baseLatency.restore(root.baseLatency!));
    const baseRest = newBaseline();
    read.nested('snapshot.baseRest', () => baseRest.restore(root.baseRest!));
    const ratioSpread: MomentsState = RunningMoments.read(read, root.ratioSpread, 'snapshot.ratioSpread');
    const restPrior: MomentsState = RunningMoments.read(read, root.restPrior, 'snapshot.restPrior');
    const meanSuccess = read.number(root.meanSuccess, 'snapshot.meanSuccess', 'finite');
    const anySuccess = read.boolean(root.anySuccess, 'snapshot.anySuccess');
    const outputShare = read.number(root.outputShare, 'snapshot.outputShare', 'nonNegative');
    const meanOutput = read.number(root.meanOutputTokens, 'snapshot.meanOutputTokens', 'nonNegative');
    const states: TargetState[] = [];
    for (const [id, value] of Object.entries(read.object(root.targets, 'snapshot.targets'))) {
      const state = this.#readTarget(read, id, value, samePromptBands, sameOutputBands);
      if (state !== undefined) states.push(state);
    }
    // Everything is read: from here on nothing throws.
    this.#baseLatency = baseLatency;
    this.#baseRest = baseRest;
    this.#ratioSpread.assign(ratioSpread);
    this.#restPrior.assign(restPrior);
    this.#meanSuccess = meanSuccess;
    this.#anySuccess = anySuccess;
    this.#outputShare = outputShare;
    this.#meanOutput = meanOutput;
    for (let t = 0; t < this.#ids.length; t++) this.#setTarget(t, undefined);
    for (const state of states) this.#setTarget(state.index, state);
  }

  /** Reads one target's entry of a snapshot (checked even when the id is unknown); undefined for an unknown id. */
  #readTarget(
    read: SnapshotReader,
    id: string,
    value: JsonValue,
    samePromptBands: boolean,
    sameOutputBands: boolean,
  ): TargetState | undefined {
    const path = targetPath(id);
    const entry = read.object(value, path);
    const state: Omit<TargetState, 'index'> = {
      observed: read.boolean(entry.observed, `${path}.observed`),
      at: read.number(entry.at, `${path}.at`, 'finite'),
      n: read.number(entry.n, `${path}.n`, 'nonNegative'),
      rest: read.number(entry.rest, `${path}.rest`, 'finite'),
      restSquares: read.number(entry.restSquares, `${path}.restSquares`, 'nonNegative'),
      speedN: read.number(entry.speedN, `${path}.speedN`, 'nonNegative'),
      ratio: read.number(entry.ratio, `${path}.ratio`, 'nonNegative'),
      ratioSquares: read.number(entry.ratioSquares, `${path}.ratioSquares`, 'nonNegative'),
      freshest: read.number(entry.freshest, `${path}.freshest`, 'time'),
      promptBands: samePromptBands
        ? this.#promptBands.readTarget(read, entry.promptBands, `${path}.promptBands`)
        : undefined,
      outputBands:
        sameOutputBands && this.#outputBands !== undefined
          ? this.#outputBands.readTarget(read, entry.outputBands, `${path}.outputBands`)
          : undefined,
      inFlight: InFlightTracker.readLearned(read, entry.inFlight, `${path}.inFlight`),
      overdueFreshAt: read.number(entry.overdueFreshAt, `${path}.overdueFreshAt`, 'time'),
      firstToken: read.nested(`${path}.firstToken`, () => this.#firstToken.modelFrom(entry.firstToken!)),
    };
    const index = this.#indexOf.get(id);
    return index === undefined ? undefined : { ...state, index };
  }

  /** Sets target `t`'s learned state to `state`, or to a fresh target's when undefined. */
  #setTarget(t: number, state: TargetState | undefined): void {
    this.#observed[t] = state?.observed === true ? 1 : 0;
    this.#stamp[t] = state?.at ?? 0;
    this.#n[t] = state?.n ?? 0;
    this.#rest[t] = state?.rest ?? 0;
    this.#restSquares[t] = state?.restSquares ?? 0;
    this.#speedN[t] = state?.speedN ?? 0;
    this.#ratio[t] = state?.ratio ?? 0;
    this.#ratioSquares[t] = state?.ratioSquares ?? 0;
    this.#freshest[t] = state?.freshest ?? Number.NEGATIVE_INFINITY;
    this.#promptBands.setTarget(t, state?.promptBands);
    this.#outputBands?.setTarget(t, state?.outputBands);
    this.#inFlight.setLearned(t, state?.inFlight);
    this.#overdue.setFreshAt(t, state?.overdueFreshAt ?? Number.NEGATIVE_INFINITY);
    this.#firstToken.setModel(t, state?.firstToken);
  }

  /** How late target `t`'s pending attempts are (≥ 1): the larger of the two trackers' readings. */
  #slowdown(t: number, now: number): number {
    const slowdown = Math.max(this.#inFlight.slowdown(t, now), this.#overdue.slowdown(t, now));
    if (slowdown === 1) return 1;
    // Late attempts tell how the target was when they started; the youngest started at its last
    // pick. Their evidence fades like any other (toward 1), so a target left after a spike is
    // tried again, not shunned until its slow attempts drain.
    const age = now - this.#inFlight.lastPickAt(t);
    return age > 0 ? slowdown ** Math.exp(-age * this.#settings.ln2PerMs) : slowdown;
  }

  /** Fills {@link #size} with the request's features: [1, input kTok, max output kTok]. */
  #setSize(request: CompletionRequest): void {
    if (request === this.#sizedRequest) return;
    this.#sizedRequest = request;
    this.#sizedInput = estimateInputTokens(request);
    const x = this.#size.values;
    x[0] = 1;
    x[1] = this.#sizedInput / 1000;
    x[2] = (request.maxOutputTokens ?? 0) / 1000;
    this.#sizedBand = this.#promptBands.bandOf(this.#sizedInput);
    const cap = request.maxOutputTokens;
    // Without a cap, the answer's length is anyone's guess: output bands neither apply nor learn.
    this.#sizedOutputBand =
      this.#outputBands === undefined || cap === undefined ? -1 : this.#outputBands.bandOf(cap);
  }

  /**
   * A request's bands, for notes: `prompts of 512–2048 tokens`, with output bands
   * `prompts of 512–2048 tokens and answers capped at 512–2048 tokens` (`outputBand` -1: none).
   */
  #bandName(band: number, outputBand: number): string {
    const prompts = rangeName(this.#settings.bandEdges, band, 'of');
    const name = prompts === undefined ? 'all prompts' : `prompts ${prompts}`;
    if (outputBand < 0) return name;
    return `${name} and answers capped ${rangeName(this.#settings.outputBandEdges, outputBand, 'at')}`;
  }

  /**
   * The cost penalty (`wC × USD`, ≥ 0) of this request on target `c` from its live price: the
   * request's input tokens and its expected output (the running share of `maxOutputTokens` that
   * answers use, or the running mean without a cap). The size must be set.
   */
  #costOf(c: TargetView, request: CompletionRequest): number {
    const price = c.price;
    if (price === undefined) return 0;
    const cap = request.maxOutputTokens ?? c.config.maxOutputTokens;
    const output = cap === undefined ? this.#meanOutput : cap * this.#outputShare;
    const usd = (this.#sizedInput * price.inputPerMTok + output * price.outputPerMTok) / 1_000_000;
    return this.#settings.weights.costPerUsd * usd;
  }

  /** Learns what a success is worth (for fallbacks) and how much of its cap an answer uses. */
  #learnSuccess(outcome: AttemptOutcome, utility: number): void {
    this.#meanSuccess = this.#anySuccess
      ? this.#meanSuccess + GLOBAL_ALPHA * (utility - this.#meanSuccess)
      : utility;
    this.#anySuccess = true;
    const produced = outcome.usage?.outputTokens;
    if (produced === undefined) return;
    const cap = outcome.request.maxOutputTokens ?? outcome.target.config.maxOutputTokens;
    if (cap !== undefined && cap > 0) {
      this.#outputShare += GLOBAL_ALPHA * (Math.min(1, produced / cap) - this.#outputShare);
    } else {
      this.#meanOutput += GLOBAL_ALPHA * (produced - this.#meanOutput);
    }
  }

  /** A baseline's prediction for the current size (0 until it has data). */
  #baseline(model: OnlineRidge): number {
    return model.samples > 0 ? model.predict(this.#size) : 0;
  }
}
