import type { Clock } from '../../src/index.js';
import { configError, positive } from './options.js';
import type { UsageQuery, UsageRow } from './query.js';

/** A burn-rate alert over a long and a short window (both must burn faster than `threshold`). */
export interface BurnWindow {
  readonly longMs: number;
  readonly shortMs: number;
  /** Burn rate at which the pair alerts. */
  readonly threshold: number;
}

/** Multi-window burn-rate pairs of the SRE workbook for a 30-day budget: page at 14.4×, ticket at 6×. */
export const DEFAULT_BURN_WINDOWS: readonly BurnWindow[] = [
  { longMs: 3_600_000, shortMs: 300_000, threshold: 14.4 },
  { longMs: 21_600_000, shortMs: 1_800_000, threshold: 6 },
];

/** Options of {@link UsageLedger.sla}. */
export interface SlaQuery {
  readonly by: 'target' | 'alias';
  /** The SLA window, ending now. */
  readonly windowMs: number;
  readonly objective: {
    /** Target availability in (0, 1), e.g. 0.999. */
    readonly availability: number;
    /** Target p95 latency of successful calls in ms. */
    readonly p95Ms?: number;
  };
  /** @default DEFAULT_BURN_WINDOWS */
  readonly burnWindows?: readonly BurnWindow[];
}

/** The burn rate of one {@link BurnWindow} pair. */
export interface BurnRate extends BurnWindow {
  /** Error ratio over the long window ÷ allowed error ratio (`1 - availability`). */
  readonly longRate: number;
  readonly shortRate: number;
  /** Both rates at or above the threshold. */
  readonly alerting: boolean;
}

/** One row of {@link UsageLedger.sla}. */
export interface SlaRow {
  readonly key: string;
  readonly calls: number;
  readonly successes: number;
  /** Successful ÷ all calls in the window (1 when there were none). */
  readonly availability: number;
  readonly availabilityMet: boolean;
  readonly p95Ms: number | undefined;
  /** `true` when no latency objective was given or there were no successful calls. */
  readonly latencyMet: boolean;
  /** Share of the window's error budget left (negative when overspent). */
  readonly errorBudgetRemaining: number;
  readonly burnRates: readonly BurnRate[];
  /** Any burn-rate pair alerting. */
  readonly alerting: boolean;
}

/**
 * The rows of {@link UsageLedger.sla}, from the usage rows `queryRows` gives, over windows
 * ending at `clock.now()`.
 * @throws {SwitchyardError} `config` when the query is invalid (the message names the field).
 */
export function slaRows(
  query: SlaQuery,
  clock: Clock,
  queryRows: (query: UsageQuery) => UsageRow[],
): SlaRow[] {
  if (query.by !== 'target' && query.by !== 'alias')
    throw configError("sla.by: expected 'target' or 'alias'");
  positive(query.windowMs, 'sla.windowMs');
  const objective = query.objective?.availability;
  if (typeof objective !== 'number' || !(objective > 0 && objective < 1)) {
    throw configError('sla.objective.availability: expected a number in (0, 1)');
  }
  positive(query.objective.p95Ms, 'sla.objective.p95Ms');
  const windows = query.burnWindows ?? DEFAULT_BURN_WINDOWS;
  const now = clock.now();
  const since = (ms: number) => now - ms + 1;
  const budget = 1 - objective;
  const rowsIn = (ms: number) =>
    new Map(queryRows({ by: [query.by], since: since(ms) }).map((r) => [r.key[query.by]!, r]));
  const main = rowsIn(query.windowMs);
  const byWindow = new Map<number, Map<string, UsageRow>>();
  const windowRows = (ms: number) => {
    let rows = byWindow.get(ms);
    if (rows === undefined) {
      rows = rowsIn(ms);
      byWindow.set(ms, rows);
    }
    return rows;
  };
  const errorRatio = (row: UsageRow | undefined) => (row && row.calls > 0 ? row.failures / row.calls : 0);
  return [...main.entries()]
    .map(([key, row]) => {
      const burnRates = windows.map((w) => {
        const longRate = errorRatio(windowRows(w.longMs).get(key)) / budget;
        const shortRate = errorRatio(windowRows(w.shortMs).get(key)) / budget;
        return { ...w, longRate, shortRate, alerting: longRate >= w.threshold && shortRate >= w.threshold };
      });
      const p95 = row.p95Ms;
      return {
        key,
        calls: row.calls,
        successes: row.successes,
        availability: row.availability,
        availabilityMet: row.availability >= objective,
        p95Ms: p95,
        latencyMet: query.objective.p95Ms === undefined || p95 === undefined || p95 <= query.objective.p95Ms,
        errorBudgetRemaining: row.calls === 0 ? 1 : 1 - row.failures / row.calls / budget,
        burnRates,
        alerting: burnRates.some((b) => b.alerting),
      };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}
