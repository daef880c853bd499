/**
 * What `switchyard-llm/alerts` adds to a routed call: two routers of 8 MockAdapter targets, one
 * bare, one with an AlertManager of ten rules attached (issue #16: under +0.3 µs per call at
 * p50), timed in alternating rounds; the median of the rounds' ns per call of each and the
 * difference. Part of `npm run bench`; alone: node --import tsx test/bench/alerts-overhead.ts
 */
import type { Router } from '../../index.js';
import { AlertManager, type AlertRule } from '../../modules/alerts/index.js';
import { eightTargetRouter, median } from './eight-targets.js';

/** Medians of the bare and the alerted router, ns per call. */
export interface AlertsOverheadRow {
  readonly rules: number;
  readonly bareNs: number;
  readonly alertsNs: number;
  /** Difference of the medians. */
  readonly overheadNs: number;
  /** Median of the per-round differences (rounds run in ABBA order, so drift cancels). */
  readonly pairedNs: number;
}

const messages = [{ role: 'user' as const, content: 'hello there' }];

/** Ten rules of the counted kinds (the ledger's rules cost the ledger, measured in its own bench). */
export const TEN_RULES: AlertRule[] = [
  { name: 'err-target', type: 'error_rate', severity: 'critical', windowMs: 300_000, threshold: 0.2 },
  {
    name: 'err-alias',
    type: 'error_rate',
    scope: 'alias',
    severity: 'warning',
    windowMs: 300_000,
    threshold: 0.1,
  },
  { name: 'err-all', type: 'error_rate', scope: 'all', severity: 'info', windowMs: 60_000, threshold: 0.05 },
  { name: '429', type: 'rate_limit_share', severity: 'warning', windowMs: 300_000, threshold: 0.3 },
  {
    name: 'fallbacks',
    type: 'fallback_rate',
    scope: 'all',
    severity: 'warning',
    windowMs: 300_000,
    threshold: 0.2,
  },
  { name: 'dead', type: 'no_success', severity: 'critical', windowMs: 60_000 },
  { name: 'ejected', type: 'target_ejected', severity: 'warning' },
  { name: 'alias-down', type: 'alias_unavailable', severity: 'critical' },
  { name: 'budget-80', type: 'budget', severity: 'warning', threshold: 0.8 },
  { name: 'budget-100', type: 'budget', severity: 'critical', threshold: 1 },
];

async function round(r: Router, calls: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await r.complete({ messages, model: 'chat' });
  return Number(process.hrtime.bigint() - t0) / calls;
}

/** Times both routers in `rounds` alternating rounds of `calls` calls. */
export async function alertsOverheadRow(rounds = 31, calls = 5_000): Promise<AlertsOverheadRow> {
  const bare = eightTargetRouter();
  const alerted = eightTargetRouter();
  const alerts = new AlertManager({ rules: TEN_RULES });
  alerts.attach(alerted);
  try {
    await round(bare, calls);
    await round(alerted, calls);
    const b: number[] = [];
    const a: number[] = [];
    const diffs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // ABBA: alternate which router goes first so that a drift of the machine cancels out.
      const first = i % 2 === 0;
      const x = first ? await round(bare, calls) : await round(alerted, calls);
      const y = first ? await round(alerted, calls) : await round(bare, calls);
      const [bn, an] = first ? [x, y] : [y, x];
      b.push(bn);
      a.push(an);
      diffs.push(an - bn);
    }
    const bareNs = median(b);
    const alertsNs = median(a);
    return {
      rules: TEN_RULES.length,
      bareNs,
      alertsNs,
      overheadNs: alertsNs - bareNs,
      pairedNs: median(diffs),
    };
  } finally {
    await alerts.close();
  }
}

if (process.argv[1]?.endsWith('alerts-overhead.ts')) {
  const row = await alertsOverheadRow(Number(process.env.ROUNDS ?? 31), Number(process.env.CALLS ?? 5_000));
  console.log(
    `bare ${(row.bareNs / 1000).toFixed(2)} µs/call, with ${row.rules} alert rules ${(row.alertsNs / 1000).toFixed(2)} µs/call: +${(row.overheadNs / 1000).toFixed(3)} µs (median of paired rounds +${(row.pairedNs / 1000).toFixed(3)} µs)`,
  );
}
