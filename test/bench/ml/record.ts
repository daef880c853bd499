/**
 * Routing history from the lab: a scenario run through the real Router with a
 * `HistoryRecorder` attached (one row per attempt, as in production), routed by `random` so that
 * every target sees every kind of request.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from '../../../modules/lab/index.js';
import { HistoryRecorder, type HistoryRow, readHistory } from '../../../modules/ml/index.js';
import type { Scenario } from '../scenarios/index.js';

/** The strategy that routes the recorded runs: uniform picks, no bias toward any target. */
export const HISTORY_STRATEGY = 'random';

/** Records the history of one run of `scenario` (rows in the order the recorder wrote them). */
export async function recordHistory(scenario: Scenario, seed: number): Promise<HistoryRow[]> {
  const path = join(tmpdir(), `ml-bench-${process.pid}-${scenario.name}-${seed}-${Date.now()}.jsonl`);
  let recorder: HistoryRecorder | undefined;
  const errors: unknown[] = [];
  try {
    await simulate({
      providers: scenario.providers,
      workload: scenario.workload,
      router: scenario.router,
      strategy: HISTORY_STRATEGY,
      seed,
      onRouter: (router, { clock }) => {
        // Flushes by row count only (the virtual clock's timers would flush at simulated times).
        recorder = new HistoryRecorder({
          path,
          flushRows: 1_000,
          flushMs: 2 ** 31 - 1,
          maxBytes: 2 ** 30,
          clock,
          onError: (e) => errors.push(e),
        }).attach(router);
      },
    });
    await recorder?.close();
    if (errors.length > 0) throw errors[0];
    return readHistory(readFileSync(path, 'utf8'));
  } finally {
    rmSync(path, { force: true });
  }
}
