/** Turns per-seed run summaries into the figures of the report, deterministically. */
import { regretOf } from '../../../modules/lab/index.js';
import type { RunSummary } from './job.js';
import { ORACLE, RANDOM } from './lab-strategies.js';

/**
 * Length of the warm-up that the "after warm-up" figures leave out: every strategy starts
 * knowing nothing, and in a run of a few minutes its first seconds of learning weigh far more
 * than in a router that runs for days.
 */
export const WARM_UP_MS = 60_000;

/** A detection figure: a number, `never` (in the median run), or `null` when not applicable. */
export type Detection = number | 'never' | null;

/** The figures of one strategy in one scenario, over all seeds. */
export interface Figures {
  /** Means over seeds of the per-run latency percentiles, ms. */
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Mean share of calls that failed after retries. */
  readonly errorRate: number;
  /** Mean share of calls whose first attempt failed. */
  readonly firstAttemptErrorRate: number;
  /** Mean USD per 1,000 calls. */
  readonly costPer1k: number;
  /** Mean utility per call (mean over seeds of the per-run mean). */
  readonly utility: number;
  /** Standard error of `utility` over seeds. */
  readonly utilityStdErr: number;
  /** `(oracle − this) ÷ (oracle − random)`; `null` when the oracle is not better than random. */
  readonly regret: number | null;
  /** Mean utility of the calls that arrived after the warm-up (`WARM_UP_MS`). */
  readonly utilityAfterWarmUp: number;
  /** The regret of the calls that arrived after the warm-up, against the oracle's and random's. */
  readonly regretAfterWarmUp: number | null;
  /** Median over seeds of the attempts sent to the degraded provider before its share fell under 10%. */
  readonly leaveRequests: Detection;
  /** Median over seeds of the seconds until traffic came back after recovery. */
  readonly returnSeconds: Detection;
  /** Seeds in which traffic never left / never came back. */
  readonly neverLeft: number;
  readonly neverReturned: number;
  /** Attempts on ejected targets, summed over seeds (must be 0). */
  readonly attemptsWhileEjected: number;
  /** Runs in which a healthy provider got no traffic in the last quarter. */
  readonly starvedRuns: number;
  /** Mean attempt share per provider. */
  readonly shares: readonly number[];
}

/** Rounds to 4 significant digits so that the files are byte-identical run to run. */
export function round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(4));
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Lower median (the middle value, or the lower of the two middle ones): defined with `Infinity` values. */
function lowerMedian(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function detection(values: ReadonlyArray<number | null | undefined>): { value: Detection; never: number } {
  const applicable = values.filter((v): v is number | null => v !== undefined);
  if (applicable.length === 0) return { value: null, never: 0 };
  const never = applicable.filter((v) => v === null).length;
  const median = lowerMedian(applicable.map((v) => (v === null ? Number.POSITIVE_INFINITY : v)));
  return { value: Number.isFinite(median) ? round(median) : 'never', never };
}

/** A strategy's figures before {@link withRegret} adds the regrets (they need the oracle and random). */
export type UnscoredFigures = Omit<Figures, 'regret' | 'regretAfterWarmUp'>;

/** Figures of one strategy from its runs (one per seed), before regret. */
export function aggregateRuns(runs: readonly RunSummary[]): UnscoredFigures {
  const utilities = runs.map((r) => r.utility);
  const u = mean(utilities);
  const variance = runs.length > 1 ? utilities.reduce((a, x) => a + (x - u) ** 2, 0) / (runs.length - 1) : 0;
  const leave = detection(runs.map((r) => r.leaveRequests));
  const back = detection(runs.map((r) => r.returnSeconds));
  const providers = runs[0]?.shares.length ?? 0;
  return {
    p50Ms: round(mean(runs.map((r) => r.p50Ms))),
    p95Ms: round(mean(runs.map((r) => r.p95Ms))),
    p99Ms: round(mean(runs.map((r) => r.p99Ms))),
    errorRate: round(mean(runs.map((r) => r.errorRate))),
    firstAttemptErrorRate: round(mean(runs.map((r) => r.firstAttemptErrorRate))),
    costPer1k: round(mean(runs.map((r) => r.costPer1k))),
    utility: round(u),
    utilityStdErr: round(Math.sqrt(variance / Math.max(1, runs.length))),
    utilityAfterWarmUp: round(mean(runs.map((r) => r.utilityAfterWarmUp))),
    leaveRequests: leave.value,
    returnSeconds: back.value,
    neverLeft: leave.never,
    neverReturned: back.never,
    attemptsWhileEjected: runs.reduce((n, r) => n + r.attemptsWhileEjected, 0),
    starvedRuns: runs.filter((r) => r.starved > 0).length,
    shares: Array.from({ length: providers }, (_, i) => round(mean(runs.map((r) => r.shares[i]!)))),
  };
}

/** Adds the regrets to every strategy of one scenario (needs the oracle and random). */
export function withRegret(byStrategy: ReadonlyMap<string, UnscoredFigures>): Map<string, Figures> {
  const oracle = byStrategy.get(ORACLE);
  const random = byStrategy.get(RANDOM);
  const regret = (of: (f: UnscoredFigures) => number, f: UnscoredFigures) => {
    if (oracle === undefined || random === undefined) return null;
    const r = regretOf(of(f), of(oracle), of(random));
    return r === null ? null : round(r);
  };
  const out = new Map<string, Figures>();
  for (const [name, f] of byStrategy) {
    out.set(name, {
      ...f,
      regret: regret((x) => x.utility, f),
      regretAfterWarmUp: regret((x) => x.utilityAfterWarmUp, f),
    });
  }
  return out;
}
