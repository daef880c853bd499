import type { CompiledRule, EvalContext, Observation } from './rule.js';
import { pct } from './rule.js';
import type { BudgetRule } from './rule-config.js';

/** A budget whose spend in its current period reached `threshold` of its limit. */
export function budgetRule(config: BudgetRule): CompiledRule {
  const only = config.budgets === undefined ? undefined : new Set(config.budgets);
  return {
    config,
    windowMs: 0,
    evaluate(ctx: EvalContext): Observation[] {
      const out: Observation[] = [];
      for (const b of ctx.budgets.all()) {
        if (only !== undefined && !only.has(b.budget)) continue;
        const share = b.limitUsd > 0 ? b.spentUsd / b.limitUsd : Math.max(b.threshold, 0);
        const labels: Record<string, string> = { budget: b.budget, period: b.period };
        for (const [k, v] of Object.entries(b.scope)) if (typeof v === 'string') labels[k] = v;
        out.push({
          labels,
          value: share,
          threshold: config.threshold,
          unit: 'ratio',
          firing: share >= config.threshold,
          clear: share < config.threshold,
          summary: `budget ${b.budget} (${b.period} ${b.periodKey}) at ${pct(share)} of $${b.limitUsd.toFixed(2)}: $${b.spentUsd.toFixed(2)} spent`,
        });
      }
      return out;
    },
  };
}
