import {
  type ResolvedUtilityWeights,
  resolveUtilityWeights,
  SwitchyardError,
  type UtilityWeights,
} from '../src/index.js';
import { checkNonNegative } from './checks.js';
import { defaultPredictors, type PredictorFactory } from './predictors/factory.js';
import { RequestFeatures } from './predictors/features.js';

/** Options of {@link intelligent}. */
export interface IntelligentOptions {
  /**
   * What a call's outcome is worth: penalties for latency, failure and cost.
   * @default DEFAULT_UTILITY_WEIGHTS (1 per second, 10 per failure, 1000 per USD)
   */
  readonly weights?: UtilityWeights;
  /**
   * Builds the per-target models of latency, output tokens and failure probability. A model with
   * `snapshot()` and `restore(snapshot)` methods (as `OnlineRidge` and `DecayingMean` have) is
   * kept in the strategy's snapshot; one without starts fresh after a restore.
   *
   * `switchyard-llm/ml` has other families (forest, boosting, neural network, SVR, ensemble) and
   * `trainPredictors(history, { family }).factory()` to start from a model trained on routing
   * history. Every pick predicts 3 quantities for every candidate, so a model's prediction cost is
   * paid (targets × 3) times per pick: trees and RBF features cost one to two orders of magnitude
   * more than the default linear model (docs/ml.md, "Cost").
   * @default defaultPredictors(): online ridge regressions and a time-decayed failure rate
   */
  readonly predictors?: PredictorFactory;
  /**
   * Request tags that become features (1 when the request carries the tag), so that the models
   * can learn that, say, `batch` calls are slower on one target. At most 8.
   * @default []
   */
  readonly tags?: readonly string[];
  /**
   * Optimism: how many standard deviations of the predicted utility are added to it, so that
   * targets the models know little about (new, or idle for a while) get tried more. Off by
   * default with the default models: a failure rate that fades back to the prior while a target
   * is idle, `revisitMs` probes, a latency memory that restarts when an idle target answers far
   * faster than predicted, and a first try on each new combination of tag features find
   * recoveries and improvements without it (decision 0014). The restart needs a latency model
   * that forgets in clock time (`OnlineRidge` with `halfLifeMs`, as `defaultPredictors()`
   * builds); with other latency models (your own predictors, the `ml` families) the bonus is
   * what explores, and the default is 0.5.
   * @default 0 with restartable latency models, else 0.5
   */
  readonly optimism?: number;
  /**
   * Probability of picking a uniformly random candidate instead of the best prediction. Off by
   * default: optimism and `revisitMs` explore with less waste.
   * @default 0
   */
  readonly epsilon?: number;
  /**
   * Half-life in ms of trust in an idle target's models: the uncertainty of a target without
   * outcomes grows back toward the spread of all outcomes, so optimism tries it again.
   * @default 10_000
   */
  readonly staleHalfLifeMs?: number;
  /**
   * A candidate not picked for this long is picked once (a probe), so that no healthy target is
   * starved and a recovery is seen within about this time; not a candidate whose cost penalty for
   * the request alone is worse than the best candidate's predicted utility (it cannot win this
   * call). 0 turns probing off.
   * @default 30_000
   */
  readonly revisitMs?: number;
  /**
   * Reads slowdowns from attempts still in flight: when attempts are pending on a target but
   * none finishes for `lateAfter` times the gap expected from its usual latency, its predicted
   * latency is scaled up by how late they are (see `InFlightTracker`). The models learn only
   * from finished attempts, so without this a target that suddenly became 10× slower keeps
   * getting calls until its first slow ones finish. 0 turns it off.
   * @default 3
   */
  readonly lateAfter?: number;
  /**
   * Reads slowdowns from each attempt still in flight, against the latency predicted for it when
   * it was picked: when, by those predictions, more than `overdueAfter` of a target's pending
   * attempts should have finished by now and none has, the target's predicted latency is scaled
   * by the slowdown that explains the silence (see `OverdueTracker`). Reacts within seconds to a
   * target that became 10× slower. 0 turns it off.
   * @default 2
   */
  readonly overdueAfter?: number;
  /**
   * Output tokens expected when neither the request nor the target sets `maxOutputTokens` and
   * the target's output model has no data yet.
   * @default 256
   */
  readonly defaultOutputTokens?: number;
}

/** {@link IntelligentOptions} checked, with their defaults filled in: what a strategy instance runs on. */
export interface IntelligentSettings {
  readonly weights: ResolvedUtilityWeights;
  readonly predictors: PredictorFactory;
  readonly tags: readonly string[];
  /** `undefined`: chosen by the latency models (see {@link IntelligentOptions.optimism}). */
  readonly optimism: number | undefined;
  readonly epsilon: number;
  /** `ln 2 / staleHalfLifeMs`: how fast trust in an idle target's models fades, per ms. */
  readonly ln2PerMs: number;
  readonly revisitMs: number;
  readonly lateAfter: number;
  readonly overdueAfter: number;
  readonly defaultOutputTokens: number;
}

/**
 * Checks `options` and fills in their defaults.
 * @throws SwitchyardError `config` naming the field (`intelligent: epsilon: expected …`); see
 * {@link intelligent} for the rules.
 */
export function resolveIntelligentOptions(options: IntelligentOptions): IntelligentSettings {
  let weights: ResolvedUtilityWeights;
  try {
    weights = resolveUtilityWeights(options.weights);
  } catch (error) {
    throw new SwitchyardError('config', `intelligent: weights: ${(error as Error).message}`);
  }
  const tags = options.tags ?? [];
  new RequestFeatures(tags); // validates the tag count now rather than at the first router
  const epsilon = options.epsilon ?? 0;
  if (!(epsilon >= 0 && epsilon <= 1)) {
    throw new SwitchyardError(
      'config',
      `intelligent: epsilon: expected a number in [0, 1], got ${String(epsilon)}`,
    );
  }
  const staleHalfLifeMs = options.staleHalfLifeMs ?? 10_000;
  if (!(staleHalfLifeMs > 0 && Number.isFinite(staleHalfLifeMs))) {
    throw new SwitchyardError(
      'config',
      `intelligent: staleHalfLifeMs: expected a finite number of ms > 0, got ${String(staleHalfLifeMs)}`,
    );
  }
  return {
    weights,
    predictors: options.predictors ?? defaultPredictors(),
    tags,
    optimism:
      options.optimism === undefined
        ? undefined
        : checkNonNegative('intelligent', 'optimism', options.optimism),
    epsilon,
    ln2PerMs: Math.LN2 / staleHalfLifeMs,
    revisitMs: checkNonNegative('intelligent', 'revisitMs', options.revisitMs ?? 30_000),
    lateAfter: checkNonNegative('intelligent', 'lateAfter', options.lateAfter ?? 3),
    overdueAfter: checkNonNegative('intelligent', 'overdueAfter', options.overdueAfter ?? 2),
    defaultOutputTokens: checkNonNegative(
      'intelligent',
      'defaultOutputTokens',
      options.defaultOutputTokens ?? 256,
    ),
  };
}
