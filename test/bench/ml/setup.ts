/**
 * What the ML comparison runs: the families, their online settings in the lab, the strategies
 * beside them, and the deterministic refit scheduler on the lab's virtual clock.
 */
import type { Clock } from '../../../index.js';
import {
  familyPredictors,
  MODEL_FAMILIES,
  type ModelFamily,
  type RefitScheduler,
} from '../../../modules/ml/index.js';
import type { PredictorFactory } from '../../../strategies/index.js';

/**
 * The families compared, linear (the baseline) first: every family by default; `--families`
 * narrows it (in the main thread and in each worker, through {@link selectFamilies}).
 */
export const FAMILIES: ModelFamily[] = [...MODEL_FAMILIES];

/**
 * Compares only `families` (linear is always kept, first; unknown names throw), in
 * `MODEL_FAMILIES` order.
 */
export function selectFamilies(families: readonly string[]): void {
  for (const f of families)
    if (!(MODEL_FAMILIES as readonly string[]).includes(f))
      throw new Error(`--families: unknown family "${f}" (expected ${MODEL_FAMILIES.join(', ')})`);
  const chosen = MODEL_FAMILIES.filter((f) => f === 'linear' || families.includes(f));
  FAMILIES.splice(0, FAMILIES.length, ...chosen);
}

/**
 * Online settings of the non-linear families in the routing runs: the library's defaults, plus a
 * refit every 10 s of router time (checked when an observation arrives). With the default
 * `refitEvery` of 200 alone, a target that gets 2 calls/s would refit every 100 s, twice in a
 * 3-minute scenario.
 */
export const REFIT_INTERVAL_MS = 10_000;

/** Strategy name of `intelligent` with `family` in the report. */
export const intelligentName = (family: ModelFamily): string => `intelligent:${family}`;

/** The family of an `intelligent:<family>` name, or undefined. */
export function familyOf(strategy: string): ModelFamily | undefined {
  if (!strategy.startsWith('intelligent:')) return undefined;
  const family = strategy.slice('intelligent:'.length) as ModelFamily;
  return FAMILIES.includes(family) ? family : undefined;
}

/** Strategies without learning that the report takes "the best baseline" from. */
export const BASELINES: readonly string[] = [
  'round-robin',
  'weighted',
  'priority',
  'least-connections',
  'response-time',
  'cost',
  'litellm-latency-based',
  'litellm-least-busy',
];

/**
 * Runs refit slices as timers of the router's (virtual) clock, and measures slices on that
 * clock, so that a refit runs whole, at the same simulated instant, one timer tick after the
 * observation that started it: deterministic, and training costs no simulated time. (The
 * default `setImmediate` scheduler with slices of real time would make the moment a new model is
 * swapped in depend on the machine's speed.)
 */
export function virtualScheduler(clock: Clock): RefitScheduler {
  return {
    schedule: (task) => clock.setTimeout(task, 0),
    cancel: (handle) => clock.clearTimeout(handle as never),
  };
}

/** `intelligent`'s predictors for `family` in the lab (see {@link REFIT_INTERVAL_MS}). */
export function labPredictors(family: ModelFamily): PredictorFactory {
  const online = { refitIntervalMs: REFIT_INTERVAL_MS };
  // The hybrid's linear part learns at every observation; only its residual model refits.
  const options =
    family === 'ensemble'
      ? {
          members: [
            { family: 'linear' as const },
            { family: 'forest' as const, options: online },
            { family: 'boosting' as const, options: online },
          ],
        }
      : family === 'hybrid'
        ? { residual: online }
        : online;
  return familyPredictors(family, {
    options,
    runtime: (spec) => ({ scheduler: virtualScheduler(spec.clock), timer: () => spec.clock.now() }),
  });
}
