/**
 * Synthetic data for the model tests (not exported): a latency with a step and an interaction
 * that a linear model cannot represent, and a failure probability that jumps past a threshold.
 */
import { createSeededRandom } from '../../src/index.js';
import type { TrainingRow } from './data.js';
import type { HistoryRow } from './history-row.js';

/** Feature count of {@link stepRows}: `[1, promptK, stream, load]`. */
export const STEP_DIMENSION = 4;

/**
 * `latency = 200 + 50·promptK + 600·(promptK > 2) + 400·stream·(load > 3) + noise`, with
 * promptK ~ U(0, 4), stream ∈ {0, 1}, load ~ U(0, 6), noise ~ U(−noise, noise).
 */
export function stepRows(n: number, seed: number, noise = 20): TrainingRow[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: n }, () => {
    const promptK = 4 * random();
    const stream = random() < 0.5 ? 1 : 0;
    const load = 6 * random();
    const value =
      200 +
      50 * promptK +
      600 * (promptK > 2 ? 1 : 0) +
      400 * stream * (load > 3 ? 1 : 0) +
      noise * (2 * random() - 1);
    return { features: [1, promptK, stream, load], value };
  });
}

/** 0/1 failures with probability 0.05, or 0.6 when promptK > 3. */
export function failureRows(n: number, seed: number): TrainingRow[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: n }, () => {
    const promptK = 4 * random();
    const p = promptK > 3 ? 0.6 : 0.05;
    return { features: [1, promptK, random() < 0.5 ? 1 : 0, 6 * random()], value: random() < p ? 1 : 0 };
  });
}

/** The true failure probability of a {@link failureRows} row. */
export function failureProbability(row: TrainingRow): number {
  return row.features[1]! > 3 ? 0.6 : 0.05;
}

/** Mean absolute error of `predict` over `rows`. */
export function meanAbsoluteError(
  predict: (x: { values: Float64Array }) => number,
  rows: readonly TrainingRow[],
): number {
  let sum = 0;
  for (const row of rows) sum += Math.abs(row.value - predict({ values: Float64Array.from(row.features) }));
  return sum / rows.length;
}

/** Feature vectors of `rows`, as `PredictionFeatures`. */
export function featuresOf(rows: readonly TrainingRow[]): { values: Float64Array }[] {
  return rows.map((r) => ({ values: Float64Array.from(r.features) }));
}

/**
 * Synthetic routing history of two targets: `slow-long` whose latency collapses past 3000 input
 * tokens, and `loaded` that fails 40% of attempts when more than 3 are in flight (5% otherwise).
 */
export function historyRows(n: number, seed: number): HistoryRow[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const target = i % 2 === 0 ? 'slow-long' : 'loaded';
    const inputTokens = Math.round(6000 * random());
    const inFlight = Math.floor(7 * random());
    const stream = random() < 0.5;
    const outputTokens = 50 + Math.round(300 * random());
    const failed = target === 'loaded' && random() < (inFlight > 3 ? 0.4 : 0.05);
    const latencyMs =
      target === 'slow-long'
        ? 300 + 0.05 * inputTokens + 4 * outputTokens + (inputTokens > 3000 ? 2500 : 0) + 100 * random()
        : 200 + 0.05 * inputTokens + 3 * outputTokens + 150 * inFlight + 100 * random();
    return {
      t: 1000 * i,
      hour: 12,
      target,
      attempt: 1,
      stream,
      inputTokens,
      maxOutputTokens: 1000,
      targetMaxOutputTokens: null,
      structured: false,
      tags: i % 3 === 0 ? ['batch'] : [],
      inFlight,
      latencyMs,
      ttftMs: null,
      outputTokens: failed ? null : outputTokens,
      failure: failed ? 'server' : null,
      costUsd: null,
    };
  });
}
