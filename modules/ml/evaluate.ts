import { SwitchyardError } from '../../src/index.js';
import type { PredictedQuantity } from '../../strategies/index.js';
import type { HistoryRow } from './history-row.js';
import type { ModelFamily } from './json.js';
import type { FamilyOptions } from './load.js';
import type { MlPredictor } from './online-model.js';
import { ManualScheduler } from './scheduler.js';
import { QUANTITIES, trainingRowOf, trainPredictors } from './train.js';

/** One reliability bin of the failure predictions. */
export interface CalibrationBin {
  /** Predicted probabilities in `[from, to)` (the last bin includes 1). */
  readonly from: number;
  readonly to: number;
  readonly count: number;
  /** Mean predicted probability in the bin. */
  readonly predicted: number;
  /** Observed failure rate in the bin. */
  readonly observed: number;
}

/** Prediction quality of one family on the test part of a history. */
export interface Evaluation {
  readonly family: ModelFamily;
  /** Rows trained on (the oldest) and tested on (the newest). */
  readonly trainRows: number;
  readonly testRows: number;
  /** Latency of successes: mean and 90th percentile absolute error (ms). */
  readonly latency: { readonly count: number; readonly mae: number; readonly p90AbsoluteError: number };
  /** Output tokens of successes: mean absolute error. */
  readonly outputTokens: { readonly count: number; readonly mae: number };
  /** Failure probability: mean log loss, Brier score and reliability bins. */
  readonly failure: {
    readonly count: number;
    readonly logLoss: number;
    readonly brier: number;
    readonly calibration: readonly CalibrationBin[];
  };
  /** Test predictions that had no trained model (a target or quantity with too few training rows). */
  readonly untrained: number;
}

/** Options of {@link evaluatePredictors}. */
export interface EvaluateOptions<F extends ModelFamily = ModelFamily> {
  readonly family: F;
  readonly options?: FamilyOptions[F];
  readonly tags?: readonly string[];
  /** Fraction of the rows (the oldest, by time) trained on; the rest is the test set. @default 0.7 */
  readonly trainFraction?: number;
  /**
   * Keep learning during the test, as a live router would: each test row is predicted, then
   * observed (refits due run at once, deterministically). @default false (a frozen model)
   */
  readonly online?: boolean;
  /** Reliability bins. @default 10 */
  readonly bins?: number;
  /** Fewest rows per trained model (see `trainPredictors`). @default 20 */
  readonly minRows?: number;
}

/**
 * Offline evaluation of one family on routing history: a time-ordered split (the oldest
 * `trainFraction` of the rows by `t` to train, the rest to test, never shuffled across time),
 * then MAE and p90 absolute error for latency, MAE for output tokens, log loss, Brier score and
 * reliability bins for the failure probability.
 *
 * @example
 * ```ts
 * for (const family of MODEL_FAMILIES) console.log(evaluatePredictors(rows, { family }).latency.mae);
 * ```
 */
export function evaluatePredictors<F extends ModelFamily>(
  rows: readonly HistoryRow[],
  options: EvaluateOptions<F>,
): Evaluation {
  const fraction = options.trainFraction ?? 0.7;
  if (!(fraction > 0 && fraction < 1)) {
    throw new SwitchyardError(
      'config',
      `evaluatePredictors: trainFraction: expected a number in (0, 1), got ${String(fraction)}`,
    );
  }
  const ordered = rows
    .map((row, i) => [row, i] as const)
    .sort((a, b) => a[0].t - b[0].t || a[1] - b[1])
    .map(([row]) => row);
  const cut = Math.floor(ordered.length * fraction);
  if (cut < 1 || cut >= ordered.length) {
    throw new SwitchyardError(
      'config',
      `evaluatePredictors: rows: expected enough rows for a train and a test part, got ${ordered.length}`,
    );
  }
  const tags = options.tags ?? [];
  const trained = trainPredictors(ordered.slice(0, cut), {
    family: options.family,
    ...(options.options === undefined ? {} : { options: options.options }),
    tags,
    ...(options.minRows === undefined ? {} : { minRows: options.minRows }),
  });
  const scheduler = new ManualScheduler();
  const live = new Map<string, MlPredictor | undefined>();
  const modelOf = (target: string, quantity: PredictedQuantity): MlPredictor | undefined => {
    const key = `${target}\u0000${quantity}`;
    if (!live.has(key)) live.set(key, trained.model(target, quantity, { scheduler }));
    return live.get(key);
  };
  const latencyErrors: number[] = [];
  const outputErrors: number[] = [];
  const failures: [predicted: number, observed: number][] = [];
  let untrained = 0;
  for (let i = cut; i < ordered.length; i++) {
    const row = ordered[i]!;
    for (const quantity of QUANTITIES) {
      const example = trainingRowOf(row, quantity, tags);
      if (example === undefined) continue;
      const model = modelOf(row.target, quantity);
      if (model === undefined) {
        untrained++;
        continue;
      }
      const features = { values: Float64Array.from(example.features) };
      const predicted = model.predict(features);
      if (quantity === 'latency') latencyErrors.push(Math.abs(predicted - example.value));
      else if (quantity === 'outputTokens') outputErrors.push(Math.abs(predicted - example.value));
      else failures.push([Math.min(1, Math.max(0, predicted)), example.value]);
      if (options.online === true) {
        model.observe(features, { value: example.value });
        scheduler.runAll();
      }
    }
  }
  return {
    family: options.family,
    trainRows: cut,
    testRows: ordered.length - cut,
    latency: {
      count: latencyErrors.length,
      mae: mean(latencyErrors),
      p90AbsoluteError: quantile(latencyErrors, 0.9),
    },
    outputTokens: { count: outputErrors.length, mae: mean(outputErrors) },
    failure: {
      count: failures.length,
      logLoss: mean(failures.map(([p, y]) => -(y * Math.log(clampP(p)) + (1 - y) * Math.log(1 - clampP(p))))),
      brier: mean(failures.map(([p, y]) => (p - y) ** 2)),
      calibration: calibration(failures, options.bins ?? 10),
    },
    untrained,
  };
}

const clampP = (p: number): number => Math.min(1 - 1e-6, Math.max(1e-6, p));

function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** The q-quantile (nearest rank) of `values`. */
function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Reliability bins of equal width over [0, 1]; empty bins are left out. */
export function calibration(pairs: readonly (readonly [number, number])[], bins: number): CalibrationBin[] {
  const count = new Array<number>(bins).fill(0);
  const predicted = new Array<number>(bins).fill(0);
  const observed = new Array<number>(bins).fill(0);
  for (const [p, y] of pairs) {
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b]!++;
    predicted[b]! += p;
    observed[b]! += y;
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    out.push({
      from: b / bins,
      to: (b + 1) / bins,
      count: count[b]!,
      predicted: predicted[b]! / count[b]!,
      observed: observed[b]! / count[b]!,
    });
  }
  return out;
}
