import {
  type AttemptOutcome,
  type CandidateScore,
  type Clock,
  countsAgainstHealth,
  type FirstTokenOutcome,
  type JsonValue,
  type PeerLearning,
  type PickContext,
  type Strategy,
  type StrategyInit,
  type TargetView,
  type WeightedStrategyFactory,
  weightedStrategyFactory,
} from '../src/index.js';
import { describeAdaptive } from './adaptive-describe.js';
import { adaptiveShare, mergeAdaptive } from './adaptive-merge.js';
import { type AdaptiveOptions, type AdaptiveSettings, resolveAdaptiveOptions } from './adaptive-options.js';
import { RequestSize } from './adaptive-size.js';
import { adaptiveSnapshot, restoreAdaptive } from './adaptive-snapshot.js';
import { AdaptiveState, PRIOR_WEIGHT, RATIO_PRIOR_VARIANCE } from './adaptive-state.js';
import { hopeless } from './exploration.js';
import { leastBusy } from './least-busy.js';
import { standardNormalQuantile } from './predictors/normal.js';

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
 * - A candidate not picked for `revisitMs` (by this instance, nor tried by a merged peer) is
 *   picked once (a probe).
 * - Rate-limit headroom (`TargetView.rateLimit`, from the provider's headers) is graded: as the
 *   requests or tokens left in the window fall under 10% of its limit (or under 10 calls like
 *   this one), the chance of a 429 is priced like a failure, up to the whole `error` weight when
 *   nothing is left, so calls move away before the provider refuses them.
 * - Exploration is priced with the weights: a candidate whose cost penalty (and rate-limit
 *   penalty) for this request alone is worse than the best candidate's expected utility is
 *   neither tried first nor revisited.
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
export function adaptive(options: AdaptiveOptions = {}): WeightedStrategyFactory {
  const settings = resolveAdaptiveOptions(options);
  return weightedStrategyFactory(
    (init: StrategyInit): Strategy => new Adaptive(settings, init),
    options.weights,
    (weights) => adaptive({ ...options, weights }),
  );
}

/** Effective observations a target needs before its expected latency calls attempts overdue. */
const OVERDUE_MIN_WEIGHT = 5;

class Adaptive implements Strategy {
  readonly name = 'adaptive';
  readonly #clock: Clock;
  /** What the strategy has learned; `adaptive-snapshot.ts` writes and reads it. */
  readonly #state: AdaptiveState;
  /** The request at hand's size, shared by a pick, its `describe` and its outcome. */
  readonly #size: RequestSize;
  /** Expected latency in ms of the last pick's target (for the overdue tracker), 0 if unknown. */
  #pickedLatencyMs = 0;
  /** Scratch of #choose: positions of the untried and revisit-due candidates. */
  readonly #explorable: Int32Array;

  constructor(settings: AdaptiveSettings, init: StrategyInit) {
    this.#clock = init.clock;
    this.#explorable = new Int32Array(init.targets.length);
    this.#state = new AdaptiveState(settings, init.targets);
    this.#size = new RequestSize(this.#state.promptBands, this.#state.outputBands);
  }

  pick(candidates: readonly TargetView[], context: PickContext): TargetView {
    this.#pickedLatencyMs = 0;
    const picked = this.#choose(candidates, context);
    const state = this.#state;
    state.inFlight.picked(picked.index, context.now);
    const t = picked.index;
    if (this.#pickedLatencyMs > 0 && state.speedN[t]! >= OVERDUE_MIN_WEIGHT) {
      // A stream is judged first by when its first token comes (#choose sized the request).
      const share = context.stream ? state.firstToken.share(picked, context.request, this.#size.input) : 0;
      state.overdue.picked(
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
    this.#state.overdue.firstToken(event);
  }

  // describeAdaptive (adaptive-describe.ts) repeats this posterior arithmetic for describe: it
  // stays inline here, with the per-target sums read into locals, for the pick budget
  // (docs/decisions/0005-inline-posterior-on-the-pick-path.md). Keep both in step.
  #choose(candidates: readonly TargetView[], context: PickContext): TargetView {
    const state = this.#state;
    const size = this.#size;
    const { exploration, loadPenalty, ln2PerMs, revisitMs } = state.settings;
    const latencyPerSecond = state.settings.weights.latencyPerSecond;
    const random = context.random;
    const now = context.now;
    size.set(context.request);
    const baseLatency = size.baseline(state.baseLatency);
    const baseRest = size.baseline(state.baseRest);
    const band = size.band;
    const input = size.input;
    const {
      bands,
      n: bandN,
      sums: bandSums,
      weight: bandWeight,
      total: bandTotal,
      prior: bandPrior,
    } = state.promptBands;
    const outputBand = size.outputBand;
    const outputBands = outputBand < 0 ? undefined : state.outputBands;
    const {
      observed,
      stamp,
      inFlight,
      n: targetN,
      rest: targetRest,
      restSquares: targetRestSquares,
      speedN: targetSpeedN,
      ratio: targetRatio,
      ratioSquares: targetRatioSquares,
      peerSeenAt,
    } = state;
    // The speed prior: a typical target (ratio 1) with the spread of all ratios seen.
    const ratioSecond = (Math.max(state.ratioSpread.variance, RATIO_PRIOR_VARIANCE) + 1) * PRIOR_WEIGHT;
    const restMean = state.restPrior.mean * PRIOR_WEIGHT;
    const restSecond = state.restPrior.second * PRIOR_WEIGHT;
    let best = candidates[0]!;
    let bestScore = Number.NEGATIVE_INFINITY;
    // Exploration is priced after the scores (exploration.ts): the best expected utility, and the
    // untried (idle) candidates and those due for a revisit.
    let bestMean = Number.NEGATIVE_INFINITY;
    let explore = 0;
    const explorable = this.#explorable;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i]!;
      const t = c.index;
      if (observed[t] === 0) {
        if (c.inFlight === 0) explorable[explore++] = i;
        continue;
      }
      const cost =
        state.costOf(c, context.request, input) + state.headroomPenalty(c, context.request, input, now);
      if (revisitMs > 0 && now - Math.max(inFlight.lastPickAt(t), peerSeenAt[t]!) >= revisitMs) {
        explorable[explore++] = i;
      }
      const elapsed = now - stamp[t]!;
      const keep = elapsed > 0 ? Math.exp(-elapsed * ln2PerMs) : 1;
      const speedN = targetSpeedN[t]! * keep + PRIOR_WEIGHT;
      const ratio = (targetRatio[t]! * keep + PRIOR_WEIGHT) / speedN;
      const ratioVariance = Math.max(
        (targetRatioSquares[t]! * keep + ratioSecond) / speedN - ratio * ratio,
        0,
      );
      const n = targetN[t]! * keep + PRIOR_WEIGHT;
      const advantage = (targetRest[t]! * keep + restMean) / n;
      const restVariance = Math.max((targetRestSquares[t]! * keep + restSecond) / n - advantage ** 2, 0);
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
      const mean = loaded * state.slowdown(t, now) + baseRest + advantage - cost;
      if (mean > bestMean) bestMean = mean;
      const score = mean + exploration * spread * standardNormalQuantile(random());
      if (score > bestScore || (score === bestScore && c.inFlight < best.inFlight)) {
        best = c;
        bestScore = score;
        this.#pickedLatencyMs = latencyPerSecond > 0 ? (-loaded / latencyPerSecond) * 1000 : 0;
      }
    }
    // Untried targets first (one at a time), then revisits, unless the call cannot pay off.
    for (let k = 0; k < explore; k++) {
      const c = candidates[explorable[k]!]!;
      const penalty =
        state.costOf(c, context.request, input) + state.headroomPenalty(c, context.request, input, now);
      if (hopeless(penalty, bestMean)) continue;
      this.#pickedLatencyMs = 0;
      return c;
    }
    // Only reached with a -Infinity best when every candidate is untried and busy (or hopeless).
    return bestScore === Number.NEGATIVE_INFINITY ? leastBusy(candidates) : best;
  }

  observe(outcome: AttemptOutcome): void {
    const state = this.#state;
    state.inFlight.settled(outcome, this.#clock.now());
    state.overdue.settled(outcome);
    if (!outcome.ok && outcome.errorKind !== undefined && !countsAgainstHealth(outcome.errorKind)) return;
    state.learn(outcome, this.#size, this.#clock);
  }

  /**
   * Score = the expected utility of this request on the candidate (baseline latency × its speed
   * ratio × load factor, plus the baseline failure part and its failure advantage, minus cost):
   * what a pick samples around. Higher is better; untried targets score +Infinity.
   */
  describe(candidates: readonly TargetView[], context: PickContext): readonly CandidateScore[] {
    return describeAdaptive(this.#state, this.#size, candidates, context);
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
    return adaptiveSnapshot(this.#state);
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
    restoreAdaptive(this.#state, this.name, snapshot);
  }

  /**
   * What the strategy learned from its own outcomes, for other instances (`version: 1`): per
   * target id, its discounted sums `[n, rest, restSquares, speedN, ratio, ratioSquares]` aged to
   * now, without what it merged from peers. Band factors, baselines and priors stay local.
   */
  share(): JsonValue {
    return adaptiveShare(this.#state, this.#clock.now());
  }

  /**
   * Adds the peers' sums (each aged by its `ageMs`) to the strategy's own: a target a peer saw
   * fail or slow down scores as if this instance had seen part of it, weighted by how much
   * evidence each side has. Replaces the previous merge's contribution; never the own evidence.
   * @throws {SwitchyardError} `config` when a peer's state is malformed (`adaptive:
   * peers[0].state.targets["a"][3]: expected …`); nothing changes then.
   */
  merge(peers: readonly PeerLearning[]): void {
    mergeAdaptive(this.#state, this.name, peers, this.#clock.now());
  }
}
