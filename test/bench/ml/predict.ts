/**
 * Prediction quality of every family on one recorded history: `evaluatePredictors`' time-ordered
 * split (the oldest 70% of the attempts by start time to train, the newest 30% to test, never
 * shuffled across time), frozen models, the figures each family gets.
 */
import { evaluatePredictors, type HistoryRow } from '../../../modules/ml/index.js';
import { labScenarios } from '../scenarios/index.js';
import { recordHistory } from './record.js';
import { FAMILIES } from './setup.js';

/** Share of the rows (the oldest) trained on. */
export const TRAIN_FRACTION = 0.7;

/** One history to record and evaluate. */
export interface PredictJob {
  readonly kind: 'predict';
  readonly id: number;
  /** Index into `labScenarios`. */
  readonly scenario: number;
  readonly seed: number;
}

/** One family's errors on the test part of one history. */
export interface FamilyErrors {
  /** Latency of successes: mean and 90th percentile absolute error, ms. */
  readonly latencyMae: number;
  readonly latencyP90: number;
  /** Output tokens of successes: mean absolute error. */
  readonly outputMae: number;
  /** Failure probability: mean log loss and Brier score. */
  readonly failureLogLoss: number;
  readonly failureBrier: number;
}

/** The figures of one history. */
export interface PredictSummary {
  readonly id: number;
  readonly rows: number;
  readonly trainRows: number;
  readonly testRows: number;
  /** Test rows with a latency (successes) and with a failure outcome (all). */
  readonly latencyCount: number;
  readonly failureCount: number;
  /** Per family, in `FAMILIES` order. */
  readonly families: Readonly<Record<string, FamilyErrors>>;
}

/** Every family's errors on `rows` (oldest `TRAIN_FRACTION` by time to train, the rest to test). */
export function evaluateFamilies(rows: readonly HistoryRow[]): Omit<PredictSummary, 'id'> {
  const families: Record<string, FamilyErrors> = {};
  let shape: { trainRows: number; testRows: number; latencyCount: number; failureCount: number } | undefined;
  for (const family of FAMILIES) {
    const e = evaluatePredictors(rows, { family, trainFraction: TRAIN_FRACTION });
    shape ??= {
      trainRows: e.trainRows,
      testRows: e.testRows,
      latencyCount: e.latency.count,
      failureCount: e.failure.count,
    };
    families[family] = {
      latencyMae: e.latency.mae,
      latencyP90: e.latency.p90AbsoluteError,
      outputMae: e.outputTokens.mae,
      failureLogLoss: e.failure.logLoss,
      failureBrier: e.failure.brier,
    };
  }
  return { rows: rows.length, ...shape!, families };
}

/** Records one history and evaluates every family on it. */
export async function runPredict(job: PredictJob): Promise<PredictSummary> {
  const rows = await recordHistory(labScenarios[job.scenario]!, job.seed);
  return { id: job.id, ...evaluateFamilies(rows) };
}
