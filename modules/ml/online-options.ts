import type { Clock, JsonValue, Predictor, RandomSource } from '../../src/index.js';
import { SwitchyardError } from '../../src/index.js';
import type { TrainingRow } from './data.js';
import type { ModelFamily, ModelJson } from './json.js';
import { numberOption, wholeOption } from './options.js';
import type { RefitScheduler } from './scheduler.js';

/** What every model of this module offers on top of the core `Predictor` contract. */
export interface MlPredictor extends Predictor {
  /** The model family (also written in the JSON). */
  readonly family: ModelFamily;
  /** Number of features. */
  readonly dimension: number;
  /** Predictions replaced by the fallback because the model gave a non-finite value. */
  readonly fallbacks: number;
  /** Replaces what the model learned with a model of `rows` (oldest first), synchronously. */
  fit(rows: readonly TrainingRow[]): void;
  /** The model as versioned JSON (`family`, `version`, options, learned parameters). */
  toJSON(): ModelJson;
  snapshot(): JsonValue;
  restore(snapshot: JsonValue): void;
}

/** Options that are not part of a model's JSON: the machinery it runs on. */
export interface RuntimeOptions {
  /** Clock for `refitIntervalMs` (and the linear model's `halfLifeMs`). */
  readonly clock?: Clock;
  /**
   * Random source for every fit (bootstrap samples, feature subsets, initial weights). By default
   * fit number k uses `createSeededRandom(seed + k)`, so the same seed and data give the same model.
   */
  readonly random?: RandomSource;
  /** Where background refit slices run. @default immediateScheduler (setImmediate, unref'd) */
  readonly scheduler?: RefitScheduler;
  /** Time source for slice lengths (ms). @default performance.now */
  readonly timer?: () => number;
}

/** Options shared by the families that refit in the background (all but `linear`). */
export interface OnlineOptions extends RuntimeOptions {
  /** Most observations kept for refits (a sliding window: the newest). @default 1000 */
  readonly window?: number;
  /** Refit after this many observations since the last refit started. @default 200 */
  readonly refitEvery?: number;
  /**
   * Also refit when this many ms of `clock` time have passed since the last refit started
   * (checked when an observation arrives; no timer is kept). Needs `clock`. @default off
   */
  readonly refitIntervalMs?: number;
  /** Observations needed before the first background fit. @default 30 */
  readonly minRows?: number;
  /** Seed of the default random source. @default 1 */
  readonly seed?: number;
  /** What is predicted before any data (see the fallback in docs/ml.md). @default 0 */
  readonly prior?: number;
  /** Clamp predictions into `[min, max]` (e.g. `[0, 1]` for a failure probability). */
  readonly range?: readonly [number, number];
  /** Longest slice of background training, in ms of `timer`, before yielding (0: one step). @default 2 */
  readonly sliceMs?: number;
}

/** A fitted model: immutable once built, swapped in whole. */
export interface FittedModel {
  predict(x: Float64Array): number;
  toJSON(): JsonValue;
}

/** Resolved {@link OnlineOptions} (the serialisable part). */
/** The resolved online options. */
export interface Settings {
  readonly window: number;
  readonly refitEvery: number;
  readonly refitIntervalMs: number | undefined;
  readonly minRows: number;
  readonly seed: number;
  readonly prior: number;
  readonly range: readonly [number, number] | undefined;
  readonly sliceMs: number;
}

/** Checks and resolves the online options of model `owner`. */
export function settingsOf(owner: string, options: OnlineOptions): Settings {
  const range = options.range;
  if (range !== undefined) {
    const ok =
      Array.isArray(range) &&
      range.length === 2 &&
      Number.isFinite(range[0]) &&
      Number.isFinite(range[1]) &&
      range[0] <= range[1];
    if (!ok)
      throw new SwitchyardError(
        'config',
        `${owner}: range: expected [min, max] with min <= max, got ${JSON.stringify(range)}`,
      );
  }
  const refitIntervalMs = options.refitIntervalMs;
  if (refitIntervalMs !== undefined) {
    numberOption(owner, 'refitIntervalMs', refitIntervalMs, 0, 0, Number.MAX_VALUE, true);
    if (options.clock === undefined) {
      throw new SwitchyardError('config', `${owner}: clock: expected a clock when refitIntervalMs is set`);
    }
  }
  return {
    window: wholeOption(owner, 'window', options.window, 1000, 2, 10_000_000),
    refitEvery: wholeOption(owner, 'refitEvery', options.refitEvery, 200, 1),
    refitIntervalMs,
    minRows: wholeOption(owner, 'minRows', options.minRows, 30, 1),
    seed: wholeOption(owner, 'seed', options.seed, 1, 0, 2 ** 32 - 1),
    prior: numberOption(owner, 'prior', options.prior, 0, -Number.MAX_VALUE, Number.MAX_VALUE),
    range: range === undefined ? undefined : [range[0], range[1]],
    sliceMs: numberOption(owner, 'sliceMs', options.sliceMs, 2, 0, 1000),
  };
}
