import type { UsageLedger } from '../../usage/index.js';
import type { CompiledRule, EvalContext, Observation } from './rule.js';
import type { BurnRateRule, CostPerHourRule, LatencyP95Rule } from './rule-config.js';

const HOUR = 3_600_000;

function ledgerOf(ctx: EvalContext): UsageLedger {
  // Checked at construction: a ledger rule without a ledger is a config error.
  return ctx.ledger as UsageLedger;
}

/** p95 latency of successful calls per target or alias over a window, against an objective. */
export function latencyRule(config: LatencyP95Rule): CompiledRule {
  const scope = config.scope ?? 'target';
  const minCalls = config.minCalls ?? 10;
  return {
    config,
    windowMs: config.windowMs,
    evaluate(ctx: EvalContext): Observation[] {
      const clearAt = config.clearObjectiveMs ?? config.objectiveMs * ctx.hysteresis;
      const rows = ledgerOf(ctx).query({ by: [scope], since: ctx.now - config.windowMs + 1 });
      return rows.map((row) => {
        const key = row.key[scope] ?? '';
        const p95 = row.p95Ms ?? 0;
        const enough = row.successes >= minCalls && row.p95Ms !== undefined;
        return {
          labels: { [scope]: key },
          value: p95,
          threshold: config.objectiveMs,
          unit: 'ms',
          firing: enough && p95 > config.objectiveMs,
          clear: !enough || p95 <= clearAt,
          summary: `p95 latency of ${scope} ${key} is ${Math.round(p95)} ms (objective ${config.objectiveMs} ms)`,
        };
      });
    },
  };
}

/** Multi-window SLO burn rate per target or alias (both windows of a pair at or above its threshold). */
export function burnRateRule(config: BurnRateRule): CompiledRule {
  const scope = config.scope ?? 'target';
  const windows = config.windows ?? [{ longMs: HOUR, shortMs: 300_000, threshold: 14.4 }];
  const longest = Math.max(...windows.map((w) => w.longMs));
  return {
    config,
    windowMs: longest,
    evaluate(ctx: EvalContext): Observation[] {
      const rows = ledgerOf(ctx).sla({
        by: scope,
        windowMs: longest,
        objective: { availability: config.availability },
        burnWindows: windows,
      });
      return rows.map((row) => {
        // The pair that burns hardest (relative to its threshold) speaks for the row.
        let worst = row.burnRates[0];
        for (const b of row.burnRates) {
          if (
            worst === undefined ||
            Math.min(b.longRate, b.shortRate) / b.threshold >
              Math.min(worst.longRate, worst.shortRate) / worst.threshold
          )
            worst = b;
        }
        const value = worst === undefined ? 0 : Math.min(worst.longRate, worst.shortRate);
        const threshold = worst?.threshold ?? 0;
        return {
          labels: { [scope]: row.key },
          value,
          threshold,
          unit: 'x',
          firing: row.alerting,
          // Clears when the short window stops burning (the long one lags by design).
          clear: row.burnRates.every(
            (b) => b.shortRate < b.threshold * ctx.hysteresis || b.longRate < b.threshold,
          ),
          summary: `error budget of ${scope} ${row.key} burning at ${value.toFixed(1)}× (threshold ${threshold}×, objective ${(config.availability * 100).toFixed(2)}%)`,
        };
      });
    },
  };
}

/** Cost of the last hour, in total or per dimension value, above a limit. */
export function costRule(config: CostPerHourRule): CompiledRule {
  return {
    config,
    windowMs: HOUR,
    evaluate(ctx: EvalContext): Observation[] {
      const clearAt = config.clearLimitUsd ?? config.limitUsd * ctx.hysteresis;
      const by = config.by;
      const rows = ledgerOf(ctx).query({ by: by === undefined ? [] : [by], since: ctx.now - HOUR + 1 });
      return rows.map((row) => {
        const key = by === undefined ? undefined : (row.key[by] ?? '');
        return {
          labels: by === undefined || key === undefined ? {} : { [by]: key },
          value: row.costUsd,
          threshold: config.limitUsd,
          unit: 'usd/h',
          firing: row.costUsd > config.limitUsd,
          clear: row.costUsd <= clearAt,
          summary: `cost of the last hour${key === undefined ? '' : ` for ${by} ${key}`} is $${row.costUsd.toFixed(2)} (limit $${config.limitUsd.toFixed(2)})`,
        };
      });
    },
  };
}
