import { type Clock, type Predictor, SwitchyardError, type TargetView } from '../../src/index.js';
import { DecayingMean } from './decaying-mean.js';
import { OnlineRidge } from './online-ridge.js';

/**
 * The quantities the `intelligent` strategy predicts per target:
 * - `latency`: ms of a successful attempt;
 * - `outputTokens`: tokens a successful attempt generates;
 * - `failure`: probability (0–1) that an attempt fails (observed as 1 for a failure, 0 for a success).
 */
export type PredictedQuantity = 'latency' | 'outputTokens' | 'failure';

/** What a {@link PredictorFactory} is asked to build. */
export interface PredictorSpec {
  /** The quantity to predict. */
  readonly quantity: PredictedQuantity;
  /** The target the predictor is for (one predictor per quantity and target). */
  readonly target: TargetView;
  /** Length of the feature vectors it will see (see `RequestFeatures`). */
  readonly dimension: number;
  /** The router's clock, for models that forget with time. */
  readonly clock: Clock;
}

/** Builds one predictor; called once per quantity and target when the strategy is created. */
export type PredictorFactory = (spec: PredictorSpec) => Predictor;

/** Options of {@link defaultPredictors}. */
export interface DefaultPredictorOptions {
  /**
   * Forgetting factor of the latency regression (memory ≈ `1 / (1 − λ)` attempts).
   * @default 0.995
   */
  readonly latencyForgetting?: number;
  /**
   * Forgetting factor of the output-token regression.
   * @default 0.995
   */
  readonly outputForgetting?: number;
  /**
   * Half-life in ms of clock time of the latency regression's data, on top of the forgetting
   * per observation, so that a target picked rarely (its data old) follows a change as fast as
   * a busy one: after a quiet spell the first new attempts count for more. Forgetting lowers
   * the model's confidence, not its estimate (see `OnlineRidge` `halfLifeMs`). `Infinity` turns
   * it off.
   * @default 30_000
   */
  readonly latencyHalfLifeMs?: number;
  /** Ridge strength of both regressions. @default 0.01 */
  readonly ridge?: number;
  /**
   * Half-life of a failure observation, in ms of clock time.
   * @default 10_000
   */
  readonly failureHalfLifeMs?: number;
  /** Failure probability assumed before data, and returned to as data ages. @default 0.02 */
  readonly failurePrior?: number;
  /**
   * Half-life in ms of the failure rate's distance from `failurePrior` while a target has no
   * outcome: a target that failed and was then avoided drifts back toward healthy, so the
   * strategy retries it and its successes then keep it (decision 0014). `Infinity` turns it off
   * (the rate then stays where the failures left it and only its confidence fades).
   * @default 10_000
   */
  readonly failureFadeHalfLifeMs?: number;
}

/**
 * The default models: {@link OnlineRidge} for latency and output tokens, {@link DecayingMean}
 * (a failure rate that forgets with clock time) for failures. Wrap it to replace one quantity.
 *
 * @example
 * ```ts
 * const base = defaultPredictors();
 * const predictors: PredictorFactory = (spec) =>
 *   spec.quantity === 'latency' ? new MyGradientBoostedModel(spec.dimension) : base(spec);
 * intelligent({ predictors });
 * ```
 */
export function defaultPredictors(options: DefaultPredictorOptions = {}): PredictorFactory {
  const ridge = options.ridge ?? 0.01;
  const latencyForgetting = options.latencyForgetting ?? 0.995;
  const outputForgetting = options.outputForgetting ?? 0.995;
  const failureHalfLifeMs = options.failureHalfLifeMs ?? 10_000;
  const failurePrior = options.failurePrior ?? 0.02;
  const failureFadeHalfLifeMs = options.failureFadeHalfLifeMs ?? 10_000;
  const latencyHalfLifeMs = options.latencyHalfLifeMs ?? 30_000;
  // Build one of each now, so that invalid options throw when configured, not on first use, with
  // the name of the option rather than of the model's own field.
  const clockless: Clock = { now: () => 0, setTimeout: () => undefined, clearTimeout: () => {} };
  const latencyTime = latencyHalfLifeMs === Number.POSITIVE_INFINITY ? {} : { halfLifeMs: latencyHalfLifeMs };
  validate({ forgetting: 'latencyForgetting', halfLifeMs: 'latencyHalfLifeMs' }, () => {
    new OnlineRidge(1, { forgetting: latencyForgetting, ridge, ...latencyTime, clock: clockless });
  });
  validate({ forgetting: 'outputForgetting' }, () => {
    new OnlineRidge(1, { forgetting: outputForgetting, ridge });
  });
  validate(
    { halfLifeMs: 'failureHalfLifeMs', prior: 'failurePrior', fadeHalfLifeMs: 'failureFadeHalfLifeMs' },
    () => {
      new DecayingMean({
        clock: clockless,
        halfLifeMs: failureHalfLifeMs,
        prior: failurePrior,
        fadeHalfLifeMs: failureFadeHalfLifeMs,
      });
    },
  );
  return (spec: PredictorSpec): Predictor => {
    switch (spec.quantity) {
      case 'latency':
        return new OnlineRidge(spec.dimension, {
          forgetting: latencyForgetting,
          ridge,
          ...latencyTime,
          clock: spec.clock,
        });
      case 'outputTokens':
        return new OnlineRidge(spec.dimension, { forgetting: outputForgetting, ridge });
      case 'failure':
        return new DecayingMean({
          clock: spec.clock,
          halfLifeMs: failureHalfLifeMs,
          prior: failurePrior,
          fadeHalfLifeMs: failureFadeHalfLifeMs,
        });
    }
  };
}

/**
 * Runs `build`; a `config` error from a model (`"OnlineRidge: forgetting: expected …"`) is
 * rethrown under the option's name (`"defaultPredictors: latencyForgetting: expected …"`).
 */
function validate(options: Readonly<Record<string, string>>, build: () => void): void {
  try {
    build();
  } catch (error) {
    const match = error instanceof SwitchyardError ? /^\w+: (\w+): (.*)$/s.exec(error.message) : null;
    if (match === null) throw error;
    const option = options[match[1]!] ?? match[1]!;
    throw new SwitchyardError('config', `defaultPredictors: ${option}: ${match[2]!}`);
  }
}
