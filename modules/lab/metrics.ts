import {
  DEFAULT_UTILITY_WEIGHTS,
  type ErrorKind,
  resolveUtilityWeights,
  SwitchyardError,
  type UtilityWeights,
  utilityOf,
} from '../../src/index.js';
import type { DegradationEvent } from './phases.js';

/** The outcome of one simulated call, as the lab records it. */
export interface CallRecord {
  /** Position in arrival order. */
  readonly index: number;
  /** Arrival time, simulated ms. */
  readonly at: number;
  readonly stream: boolean;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Whether the call succeeded (after retries). */
  readonly ok: boolean;
  /** Error kind of a failed call. */
  readonly errorKind?: ErrorKind;
  /** End-to-end latency in ms, retries and backoff included. */
  readonly latencyMs: number;
  /** Cost in USD (0 for a failed call: failed attempts are not billed). */
  readonly costUsd: number;
  /** Prompt tokens the answering provider read from its prompt cache (providers with a `promptCache`). */
  readonly cachedInputTokens?: number;
  /** Target that answered (or that failed last). */
  readonly target?: string;
  /** Number of attempts. */
  readonly attempts: number;
  /** Whether the first attempt succeeded. */
  readonly firstAttemptOk: boolean;
}

/** One routing decision: an attempt that reached a provider. */
export interface AttemptEntry {
  /** Simulated time at which it started. */
  readonly startedAt: number;
  /** Position of the provider (target index). */
  readonly provider: number;
}

/** Latency, error, cost and utility figures of one run. */
export interface CallMetrics {
  readonly calls: number;
  /** Latency percentiles over all calls (failed ones at their time to failure), ms. */
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly meanLatencyMs: number;
  /** Share of calls that failed after all retries. */
  readonly errorRate: number;
  /** Share of calls whose first attempt failed. */
  readonly firstAttemptErrorRate: number;
  /** USD per 1,000 calls. */
  readonly costPer1k: number;
  /** Mean utility per call (`utilityOf`, higher is better). */
  readonly utility: number;
}

/** Detection figures of one degradation event. */
export interface DetectionMetrics {
  /** The event. */
  readonly event: DegradationEvent;
  /**
   * Attempts sent to the provider from the start of the degradation until its share of the last
   * `window` attempts drops under `leaveShare`. `null` when that never happens while degraded.
   */
  readonly requestsToLeave: number | null;
  /** The provider's share of attempts in the `baselineMs` before the event; `null` when there were none. */
  readonly shareBefore: number | null;
  /**
   * Seconds from recovery until the provider's share of the last `window` attempts first gets
   * back to `returnFraction × shareBefore`. `null` when it never does, when there is no
   * recovery in the run, or no share before.
   */
  readonly secondsToReturn: number | null;
}

/** Parameters of the detection metrics. */
export interface DetectionOptions {
  /** Sliding window, in attempts. @default 50 */
  readonly window?: number;
  /** Traffic has left when the share falls under this. @default 0.1 */
  readonly leaveShare?: number;
  /** Traffic has returned when the share is back to this fraction of the share before. @default 0.5 */
  readonly returnFraction?: number;
  /** How far back the share before the event is measured, in ms. @default 60000 */
  readonly baselineMs?: number;
}

/**
 * The `q`-quantile (0 ≤ q ≤ 1) of ascending `sorted` values, interpolating linearly between
 * the closest ranks (the "R-7" definition, as NumPy's default). `NaN` when empty.
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Latency, error, cost and utility figures of a list of calls. Partial `weights` take the
 * defaults for the missing fields.
 * @throws SwitchyardError `config` for a weight < 0 or not finite.
 */
export function callMetrics(
  calls: readonly CallRecord[],
  weights: UtilityWeights = DEFAULT_UTILITY_WEIGHTS,
): CallMetrics {
  const w = labWeights('callMetrics', weights);
  const n = calls.length;
  const latencies = new Float64Array(n);
  let failed = 0;
  let firstFailed = 0;
  let cost = 0;
  let utility = 0;
  let latencySum = 0;
  calls.forEach((c, i) => {
    latencies[i] = c.latencyMs;
    latencySum += c.latencyMs;
    if (!c.ok) failed++;
    if (!c.firstAttemptOk) firstFailed++;
    cost += c.costUsd;
    utility += utilityOf(c, w);
  });
  latencies.sort();
  const per = (x: number) => (n === 0 ? 0 : x / n);
  return {
    calls: n,
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    p99Ms: percentile(latencies, 0.99),
    meanLatencyMs: per(latencySum),
    errorRate: per(failed),
    firstAttemptErrorRate: per(firstFailed),
    costPer1k: per(cost) * 1000,
    utility: per(utility),
  };
}

/** Resolves `weights` for `where`; a bad weight is a `config` error naming it. */
export function labWeights(where: string, weights: UtilityWeights | undefined) {
  try {
    return resolveUtilityWeights(weights);
  } catch (error) {
    throw new SwitchyardError('config', `${where}: weights: ${(error as Error).message}`);
  }
}

/**
 * Regret against the oracle: `(oracle − strategy) ÷ (oracle − random)` on mean utility, the
 * share of the gap between random picks and the oracle that the strategy leaves on the table
 * (0 = as good as the oracle, 1 = no better than random, < 0 better than the oracle). `null`
 * when the oracle is not better than random (the gap is empty).
 */
export function regretOf(
  strategyUtility: number,
  oracleUtility: number,
  randomUtility: number,
): number | null {
  const gap = oracleUtility - randomUtility;
  if (!(gap > 0)) return null;
  return (oracleUtility - strategyUtility) / gap;
}

/**
 * How fast routing leaves a degraded provider and comes back after it recovers, from the
 * attempts in start order (see {@link DetectionMetrics} for the definitions).
 */
export function detectionMetrics(
  attempts: readonly AttemptEntry[],
  event: DegradationEvent,
  options: DetectionOptions = {},
): DetectionMetrics {
  const window = options.window ?? 50;
  const leaveShare = options.leaveShare ?? 0.1;
  const returnFraction = options.returnFraction ?? 0.5;
  const baselineMs = options.baselineMs ?? 60_000;
  const target = event.index;
  // Ring of the last `window` attempts: 1 when to the provider.
  const ring = new Uint8Array(window);
  let filled = 0;
  let head = 0;
  let inWindow = 0;
  const push = (hit: number) => {
    if (filled === window) inWindow -= ring[head]!;
    else filled++;
    ring[head] = hit;
    inWindow += hit;
    head = (head + 1) % window;
  };
  let before = 0;
  let beforeHits = 0;
  let sent = 0;
  let requestsToLeave: number | null = null;
  let secondsToReturn: number | null = null;
  const recovers = Number.isFinite(event.until);
  for (const a of attempts) {
    const hit = a.provider === target ? 1 : 0;
    push(hit);
    if (a.startedAt < event.from) {
      if (a.startedAt >= event.from - baselineMs) {
        before++;
        beforeHits += hit;
      }
      continue;
    }
    if (a.startedAt < event.until) {
      if (requestsToLeave === null) {
        sent += hit;
        if (inWindow / filled < leaveShare) requestsToLeave = sent;
      }
      continue;
    }
    if (!recovers || before === 0 || beforeHits === 0) break;
    if (inWindow / filled >= returnFraction * (beforeHits / before)) {
      secondsToReturn = (a.startedAt - event.until) / 1000;
      break;
    }
  }
  return { event, requestsToLeave, shareBefore: before === 0 ? null : beforeHits / before, secondsToReturn };
}
