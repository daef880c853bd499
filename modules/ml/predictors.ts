import {
  defaultPredictors,
  type PredictedQuantity,
  type PredictorFactory,
  type PredictorSpec,
} from '../../strategies/index.js';
import type { ModelFamily } from './json.js';
import { createModel, type FamilyOptions } from './load.js';
import type { RuntimeOptions } from './online-model.js';
import { quantityOptions } from './train.js';

/** Options of {@link familyPredictors}. */
export interface FamilyPredictorsOptions<F extends ModelFamily = ModelFamily> {
  /** Options of every model of the family (the failure model also gets log loss or a [0, 1] range). */
  readonly options?: FamilyOptions[F];
  /**
   * The quantities the family predicts; the others come from `fallback`. The default leaves the
   * failure probability to the strategy's time-decayed failure rate, which follows an outage
   * within seconds, where a model refitted from a window of rows would lag.
   * @default ['latency', 'outputTokens']
   */
  readonly quantities?: readonly PredictedQuantity[];
  /** Predictors of the other quantities. @default defaultPredictors() */
  readonly fallback?: PredictorFactory;
  /**
   * Runtime options per model (refit scheduler, timer, random source); the clock defaults to the
   * strategy's. @default the strategy's clock only
   */
  readonly runtime?: (spec: PredictorSpec) => RuntimeOptions;
}

/**
 * A `PredictorFactory` for `intelligent({ predictors })` that gives every target fresh,
 * untrained models of one family, which learn online from the routed calls (non-linear families
 * from their window, refitted in the background). `'linear'` is the strategy's own
 * `defaultPredictors()`. To start from routing history instead, use `trainPredictors(…).factory()`.
 *
 * @example
 * ```ts
 * intelligent({ predictors: familyPredictors('boosting', { options: { refitIntervalMs: 10_000 } }) });
 * ```
 * @throws {SwitchyardError} `config` for an unknown family or bad options, when the strategy builds
 * its models.
 */
export function familyPredictors<F extends ModelFamily>(
  family: F,
  options: FamilyPredictorsOptions<F> = {},
): PredictorFactory {
  const fallback = options.fallback ?? defaultPredictors();
  if (family === 'linear') return fallback;
  const quantities = options.quantities ?? ['latency', 'outputTokens'];
  return (spec) => {
    if (!quantities.includes(spec.quantity)) return fallback(spec);
    return createModel(family, spec.dimension, {
      ...quantityOptions(family, spec.quantity),
      ...(family === 'hybrid' ? { linear: hybridLinear(spec.quantity) } : {}),
      ...(options.options ?? {}),
      clock: spec.clock,
      ...(options.runtime?.(spec) ?? {}),
    } as FamilyOptions[F]);
  };
}

/**
 * The hybrid's linear part as `defaultPredictors()` builds the strategy's own ridge of that
 * quantity (forgetting 0.995, ridge 0.01, and for latency a 30 s half-life), so that the hybrid
 * with its residual weight at 0 predicts exactly what `intelligent()` does.
 */
function hybridLinear(quantity: PredictedQuantity): {
  forgetting: number;
  ridge: number;
  halfLifeMs?: number;
} {
  return quantity === 'latency'
    ? { forgetting: 0.995, ridge: 0.01, halfLifeMs: 30_000 }
    : { forgetting: 0.995, ridge: 0.01 };
}
