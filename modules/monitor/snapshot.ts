import type { BudgetStatus, TargetHealth } from '../../index.js';
import type { Alert } from '../alerts/index.js';
import type { UsageRow } from '../usage/index.js';
import type { RouteDecision } from './collector.js';
import { type Bucket, quantile, type TargetWindow } from './window.js';

/** One target in a {@link MonitorSnapshot}. Rates are over the snapshot's window. */
export interface TargetSnapshot {
  readonly id: string;
  /** The breaker's state: `closed` (in rotation), `half-open` (waiting for its probe), `open` (ejected). */
  readonly state: TargetHealth['state'];
  readonly inFlight: number;
  readonly consecutiveFailures: number;
  /** Clock time before which the provider asked not to be called (0 when none). */
  readonly blockedUntil: number;
  /** Attempts per second. */
  readonly callsPerSec: number;
  /** Latency of successful attempts, ms (`null` without any). */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  /** Median time to first token of streamed attempts, ms. */
  readonly ttftMs: number | null;
  /** Failed attempts ÷ attempts (0 without any). */
  readonly errorRate: number;
  /** Failed attempts by error kind. */
  readonly errorsByKind: Readonly<Record<string, number>>;
  readonly tokensPerSec: number;
  /** USD per minute of the attempts with a known price. */
  readonly costPerMinUsd: number;
  /** Per-second series over the window, oldest first: attempts, failures, p95 latency. */
  readonly history: {
    readonly calls: readonly number[];
    readonly errors: readonly number[];
    readonly p95Ms: readonly (number | null)[];
  };
  /** The last hour from the usage ledger, when the monitor has one. */
  readonly ledger?: { readonly calls: number; readonly costUsd: number; readonly availability: number };
}

/** One budget's use in its current period. */
export interface BudgetUse {
  readonly id: string;
  readonly period: string;
  readonly periodKey: string;
  readonly limitUsd: number;
  readonly spentUsd: number;
  readonly reservedUsd: number;
  /** (spent + reserved) ÷ limit. */
  readonly share: number;
}

/** An alert as the monitor shows it. */
export interface MonitorAlert {
  readonly fingerprint: string;
  readonly rule: string;
  readonly severity: Alert['severity'];
  readonly state: Alert['state'];
  readonly summary: string;
  readonly labels: Alert['labels'];
  readonly value: number;
  readonly threshold: number;
  readonly unit: string;
  readonly startsAt: number;
}

/** What the monitor pushes to its clients at most once a second. JSON-serialisable. */
export interface MonitorSnapshot {
  /** Clock time it was built. */
  readonly at: number;
  /** Seconds the rates are computed over. */
  readonly windowSeconds: number;
  readonly targets: readonly TargetSnapshot[];
  readonly budgets: readonly BudgetUse[];
  /** The last routing decisions, newest first. */
  readonly decisions: readonly RouteDecision[];
  /** Pending and firing alerts, firing first (empty without an alert manager). */
  readonly alerts: readonly MonitorAlert[];
  /** Events dropped for slow clients since the monitor started. */
  readonly droppedEvents: number;
}

/** Everything {@link buildSnapshot} reads. */
export interface SnapshotInput {
  readonly now: number;
  readonly windowSeconds: number;
  readonly health: readonly TargetHealth[];
  readonly windows: ReadonlyMap<string, TargetWindow>;
  readonly budgets: readonly BudgetStatus[];
  readonly decisions: readonly RouteDecision[];
  readonly alerts: readonly Alert[];
  /** Rows of the ledger by target over the last hour. */
  readonly ledgerRows?: readonly UsageRow[];
  readonly droppedEvents: number;
}

const round = (v: number, digits = 3) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

function targetSnapshot(
  h: TargetHealth,
  buckets: readonly Bucket[],
  seconds: number,
  ledger?: UsageRow,
): TargetSnapshot {
  let calls = 0;
  let errors = 0;
  let tokens = 0;
  let cost = 0;
  const latencies: number[] = [];
  const ttfts: number[] = [];
  const byKind: Record<string, number> = {};
  for (const b of buckets) {
    calls += b.calls;
    errors += b.errors;
    tokens += b.tokens;
    cost += b.costUsd;
    latencies.push(...b.latencies);
    ttfts.push(...b.ttfts);
    for (const [k, n] of b.errorsByKind) byKind[k] = (byKind[k] ?? 0) + n;
  }
  const p50 = quantile(latencies, 0.5);
  const p95 = quantile(latencies, 0.95);
  const ttft = quantile(ttfts, 0.5);
  return {
    id: h.id,
    state: h.state,
    inFlight: h.inFlight,
    consecutiveFailures: h.consecutiveFailures,
    blockedUntil: h.blockedUntil,
    callsPerSec: round(calls / seconds),
    p50Ms: p50 === null ? null : round(p50, 1),
    p95Ms: p95 === null ? null : round(p95, 1),
    ttftMs: ttft === null ? null : round(ttft, 1),
    errorRate: calls === 0 ? 0 : round(errors / calls, 4),
    errorsByKind: byKind,
    tokensPerSec: round(tokens / seconds, 1),
    costPerMinUsd: round((cost / seconds) * 60, 6),
    history: {
      calls: buckets.map((b) => b.calls),
      errors: buckets.map((b) => b.errors),
      p95Ms: buckets.map((b) => {
        const q = quantile(b.latencies, 0.95);
        return q === null ? null : round(q, 1);
      }),
    },
    ...(ledger === undefined
      ? {}
      : {
          ledger: {
            calls: ledger.calls,
            costUsd: round(ledger.costUsd, 6),
            availability: round(ledger.availability, 4),
          },
        }),
  };
}

/**
 * Builds a {@link MonitorSnapshot} from the router's health and budgets, the collector's
 * windows and decisions, and the alert manager's alerts. Rates cover the `windowSeconds` whole
 * seconds before `now` (the current, partial second is left out so that figures do not dip).
 */
export function buildSnapshot(input: SnapshotInput): MonitorSnapshot {
  const seconds = input.windowSeconds;
  const ledgerByTarget = new Map<string, UsageRow>();
  for (const row of input.ledgerRows ?? []) {
    if (row.key.target !== undefined) ledgerByTarget.set(row.key.target, row);
  }
  return {
    at: input.now,
    windowSeconds: seconds,
    targets: input.health.map((h) => {
      const buckets = input.windows.get(h.id)?.last(input.now, seconds) ?? [];
      const ledger = input.ledgerRows === undefined ? undefined : ledgerByTarget.get(h.id);
      return targetSnapshot(h, buckets, seconds, ledger);
    }),
    budgets: input.budgets.map((b) => ({
      id: b.id,
      period: b.period,
      periodKey: b.periodKey,
      limitUsd: b.limitUsd,
      spentUsd: round(b.spentUsd, 6),
      reservedUsd: round(b.reservedUsd, 6),
      share: b.limitUsd > 0 ? round((b.spentUsd + b.reservedUsd) / b.limitUsd, 4) : 0,
    })),
    decisions: input.decisions,
    alerts: input.alerts.map((a) => ({
      fingerprint: a.fingerprint,
      rule: a.rule,
      severity: a.severity,
      state: a.state,
      summary: a.summary,
      labels: a.labels,
      value: a.value,
      threshold: a.threshold,
      unit: a.unit,
      startsAt: a.startsAt,
    })),
    droppedEvents: input.droppedEvents,
  };
}
