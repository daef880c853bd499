import {
  type AttemptOutcome,
  type CandidateScore,
  type Clock,
  countsAgainstHealth,
  type JsonValue,
  type PeerLearning,
  type PickContext,
  type Strategy,
  type StrategyInit,
  type TargetView,
  type WeightedStrategyFactory,
  weightedStrategyFactory,
} from '../src/index.js';
import { hopeless } from './exploration.js';
import {
  type IntelligentOptions,
  type IntelligentSettings,
  resolveIntelligentOptions,
} from './intelligent-options.js';
import { IntelligentScorer } from './intelligent-scoring.js';
import { intelligentSnapshot, restoreIntelligent } from './intelligent-snapshot.js';
import { IntelligentState } from './intelligent-state.js';
import { leastBusy } from './least-busy.js';
import { RequestFeatures } from './predictors/features.js';

export type { IntelligentOptions } from './intelligent-options.js';

/**
 * Contextual routing: predicts, per candidate, this request's latency, failure probability and
 * cost, and picks the best predicted utility (`utilityOf`, higher is better) with a little
 * exploration.
 *
 * Features (see `RequestFeatures`): `[1, input kTok, output kTok, stream, in flight, tools/json,
 * ...tags]`, built once per pick into a reused `Float64Array`; per candidate only the output
 * tokens and in-flight slots change. Per target three {@link Predictor}s, made by `predictors`:
 * - output tokens, from the features with the request's `maxOutputTokens` (capped by it) and
 *   no in-flight count;
 * - latency of a success, from the features with the predicted output tokens (trained on the
 *   actual ones and the load the attempt met), so it learns
 *   `ttft + input/prefill + output/decode + load` per target;
 *   outliers (over 3× the prediction) are trained with a weight of 0.1, so that a burst of them
 *   during a short spike does not stick after recovery while a lasting change still wins;
 * - failure probability (trained with 1/0 per attempt). A failure of an attempt that started
 *   before a success already seen (a timeout still in flight from a spike that has ended) is
 *   learned with a weight of 0.1: newer news wins.
 * Latency and output tokens are fitted by weighted least squares (weights ∝ 1 / prediction²),
 * because their noise grows with their size.
 *
 * Predicted utility = `−((1−p)·success + p·(failed + fallback))`, with
 * `success = wL·latency·late/1000 + wC·cost`, `failed = wL·failureLatency/1000` and `fallback`
 * the best other candidate's `(1−p)·success + p·(failed + wE)` while attempts remain
 * (`PickContext.maxAttempts`), else `wE`: the router falls back after a failed attempt, so a
 * target that fails fast costs little more than its failure latency. `p` is the failure
 * probability, `late` the in-flight slowdown (the larger of the silence
 * of pending attempts, `lateAfter`, and their age against their predictions, `overdueAfter`),
 * `failureLatency` a running mean of the target's failed attempts, and `cost` from the target's
 * live price and the predicted tokens. The pick maximises `utility + optimism·σ`, where σ
 * combines the models' uncertainty and a staleness term that grows with the time since the
 * target's last outcome. Rate-limit headroom (`TargetView.rateLimit`, from the provider's
 * headers) is graded: as the requests or tokens left in the window fall under 10% of its limit
 * (or under 10 calls like this one), the predicted utility loses `pressure × wE`, up to the whole
 * failure weight when nothing is left, so calls move away before the provider answers 429.
 * Targets never observed are tried first (one at a time), and a target not picked for
 * `revisitMs` is probed once; neither happens for a candidate whose cost penalty (and rate-limit
 * penalty) for this request alone is worse than the best candidate's predicted utility
 * (exploration priced with the weights).
 *
 * Cost per pick: O(candidates · d²) with d = 6 + tags (≈ 60 multiply-adds per candidate);
 * memory O(targets · d²).
 *
 * @example
 * ```ts
 * new Router({ targets, strategy: 'intelligent' });
 * registry.register('smart', intelligent({ tags: ['batch'], weights: { costPerUsd: 200 } }));
 * ```
 * @throws SwitchyardError `config` for invalid weights, more than 8 tags, negative or non-finite
 * `optimism`/`revisitMs`/`lateAfter`/`defaultOutputTokens`, `epsilon` outside [0, 1] or
 * `staleHalfLifeMs` ≤ 0.
 */
export function intelligent(options: IntelligentOptions = {}): WeightedStrategyFactory {
  const settings = resolveIntelligentOptions(options);
  return weightedStrategyFactory(
    (init: StrategyInit): Strategy => new Intelligent(settings, init),
    options.weights,
    (weights) => intelligent({ ...options, weights }),
  );
}

/** Latency observations a target needs before its predictions are trusted to call attempts overdue. */
const OVERDUE_MIN_SAMPLES = 10;

class Intelligent implements Strategy {
  readonly name = 'intelligent';
  readonly #clock: Clock;
  /** The request's features, built once per pick or outcome into reused storage. */
  readonly #features: RequestFeatures;
  /** What the strategy has learned; `intelligent-snapshot.ts` writes and reads it. */
  readonly #state: IntelligentState;
  readonly #scorer: IntelligentScorer;
  /** Predicted latency (before slowdowns) of the candidate #choose picked on its score; NaN otherwise. */
  #chosenBaseLatencyMs = Number.NaN;

  constructor(settings: IntelligentSettings, init: StrategyInit) {
    this.#clock = init.clock;
    this.#features = new RequestFeatures(settings.tags);
    this.#state = new IntelligentState(settings, init, this.#features.dimension);
    this.#scorer = new IntelligentScorer(this.#state, this.#features);
  }

  pick(candidates: readonly TargetView[], context: PickContext): TargetView {
    const state = this.#state;
    this.#chosenBaseLatencyMs = Number.NaN;
    const picked = this.#choose(candidates, context);
    state.inFlight.picked(picked.index, context.now);
    if (state.settings.overdueAfter > 0 && state.latency[picked.index]!.samples >= OVERDUE_MIN_SAMPLES) {
      // Picked on its score: the prediction is at hand. Picked otherwise (a probe, epsilon): predict.
      let expected = this.#chosenBaseLatencyMs;
      if (Number.isNaN(expected)) {
        const input = this.#features.setRequest(context.request, context.stream);
        this.#features.now = context.now;
        expected = this.#scorer.predict(picked, context, input).baseLatencyMs;
      }
      state.overdue.picked(picked.index, context.request, context.now, expected);
    }
    return picked;
  }

  observe(outcome: AttemptOutcome): void {
    const now = this.#clock.now();
    const state = this.#state;
    state.inFlight.settled(outcome, now);
    state.overdue.settled(outcome);
    if (!outcome.ok && outcome.errorKind !== undefined && !countsAgainstHealth(outcome.errorKind)) return;
    state.learn(outcome, this.#features, now);
  }

  /**
   * What the strategy has learned, as JSON (`version: 1`): the spread of all outcomes' utility
   * and the request tags the models' features were built with; per target id, its models'
   * snapshots (each model that has a `snapshot()` method), the running means of its failures'
   * latency and of its output tokens, the start of its freshest success, and the trackers' clock
   * marks (last pick, for `revisitMs`; last outcome, for staleness; last on-time answer) and mean
   * latency. Clock times are absolute: restored on the router's clock, data goes on ageing from them.
   *
   * Attempts in flight (the trackers' pending counts and attempts) are bookkeeping of this
   * process, not learned: they are not part of it, and a restore leaves them as they are. So are
   * options and the per-pick scratch.
   */
  snapshot(): JsonValue {
    return intelligentSnapshot(this.#state);
  }

  /**
   * Replaces what the strategy has learned with a {@link snapshot}: entries for ids this router
   * does not have are ignored, targets without an entry start fresh (new models from
   * `predictors`), attempts in flight are left as they are. Models learned with other `tags`
   * (another feature layout) start fresh; the rest is restored. Nothing changes when it throws.
   * @throws {SwitchyardError} `config` when `snapshot` is malformed or of another version
   * (`intelligent: snapshot.targets["a"].latency.coefficients[2]: expected …`).
   */
  restore(snapshot: JsonValue): void {
    restoreIntelligent(this.#state, this.name, snapshot);
  }

  /**
   * What the strategy learned from its own outcomes, for other instances (`version: 1`): per
   * target id, `[weight, failures, successes, latencySumMs, msSinceLastOutcome]` fading with
   * `staleHalfLifeMs`, aged to now. The models stay local (they need not be additive).
   */
  share(): JsonValue {
    return this.#state.evidence.share(this.#clock.now());
  }

  /**
   * Keeps the peers' summaries (each aged by its `ageMs`) beside the models: each prediction's
   * failure probability is blended with the peers' failure rate and its latency scaled by the
   * peers' mean latency against this instance's own, by evidence; a target only peers have seen
   * answer is scored from theirs instead of tried first. Replaces the previous merge; the models
   * and the own summary never change by it.
   * @throws {SwitchyardError} `config` when a peer's state is malformed (`intelligent:
   * peers[0].state.targets["a"]: expected …`); nothing changes then.
   */
  merge(peers: readonly PeerLearning[]): void {
    this.#state.evidence.merge(this.name, peers, this.#clock.now());
  }

  /**
   * Score = predicted utility + optimism × σ (what the pick maximises; higher is better). The
   * note gives the predicted latency, failure probability, cost and tokens.
   */
  describe(candidates: readonly TargetView[], context: PickContext): readonly CandidateScore[] {
    this.#features.setRequest(context.request, context.stream);
    this.#features.now = context.now;
    const table = this.#scorer.scoreAll(candidates, context);
    return candidates.map((c, i) => {
      if (table.tried[i] === 0) {
        return {
          target: c.id,
          score: Number.POSITIVE_INFINITY,
          note: 'untried: tried first; higher is better',
        };
      }
      const base = table.baseLatencyMs[i]!;
      const late = base > 0 ? table.latencyMs[i]! / base : 1;
      return {
        target: c.id,
        score: table.score[i]!,
        note:
          `latency ${table.latencyMs[i]!.toFixed(0)} ms${late > 1 ? ` (×${late.toFixed(1)}: in-flight attempts late)` : ''}, ` +
          `failure ${(table.failure[i]! * 100).toFixed(1)}%, ` +
          `cost $${table.costUsd[i]!.toPrecision(3)} (${Math.round(table.outputTokens[i]!)} out tokens), ` +
          (table.headroom[i]! > 0 ? `rate limit −${table.headroom[i]!.toFixed(3)}, ` : '') +
          `utility ${table.utility[i]!.toFixed(3)} ± ${table.sigma[i]!.toFixed(3)}; higher is better`,
      };
    });
  }

  #choose(candidates: readonly TargetView[], context: PickContext): TargetView {
    const n = candidates.length;
    const { inFlight } = this.#state;
    const { peerSeenAt } = this.#state.evidence;
    const { epsilon, revisitMs } = this.#state.settings;
    if (epsilon > 0 && context.random() < epsilon) {
      return candidates[Math.floor(context.random() * n)] ?? candidates[0]!;
    }
    this.#features.setRequest(context.request, context.stream);
    this.#features.now = context.now;
    const now = context.now;
    let untriedBusy = false;
    const table = this.#scorer.scoreAll(candidates, context);
    // Exploration priced with the weights (exploration.ts): untried targets first (one at a time),
    // then revisits, unless the call cannot pay off against the best expected utility.
    let bestUtility = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      if (table.tried[i] === 1 && table.utility[i]! > bestUtility) bestUtility = table.utility[i]!;
    }
    const weights = this.#state.settings.weights;
    const input = this.#features.inputTokensOf(context.request);
    for (let i = 0; i < n; i++) {
      const c = candidates[i]!;
      const untried = table.tried[i] === 0;
      if (untried && c.inFlight > 0) {
        untriedBusy = true;
        continue;
      }
      const lastSeen = Math.max(inFlight.lastPickAt(c.index), peerSeenAt[c.index]!);
      if (!untried && !(revisitMs > 0 && now - lastSeen >= revisitMs)) continue;
      let penalty: number;
      if (untried) {
        const p = this.#scorer.predict(c, context, input);
        penalty =
          weights.costPerUsd * p.costUsd + this.#scorer.headroomPenalty(c, context, input, p.outputTokens);
      } else penalty = weights.costPerUsd * table.costUsd[i]! + table.headroom[i]!;
      if (hopeless(penalty, bestUtility)) continue;
      return c;
    }
    let best = -1;
    for (let i = 0; i < n; i++) {
      if (table.tried[i] === 0) continue;
      const c = candidates[i]!;
      const score = table.score[i]!;
      if (
        best < 0 ||
        score > table.score[best]! ||
        (score === table.score[best]! && c.inFlight < candidates[best]!.inFlight)
      ) {
        best = i;
      }
    }
    if (best < 0) return untriedBusy ? leastBusy(candidates) : candidates[0]!;
    this.#chosenBaseLatencyMs = table.baseLatencyMs[best]!;
    return candidates[best]!;
  }
}
