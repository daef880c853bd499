import { budgetRule } from './budget-rule.js';
import { noSuccessRule, ratioRule } from './count-rules.js';
import { burnRateRule, costRule, latencyRule } from './ledger-rules.js';
import type { CompiledRule } from './rule.js';
import type { AlertRule } from './rule-config.js';
import { aliasUnavailableRule, targetEjectedRule } from './state-rules.js';

/** The evaluator of a validated rule. */
export function compileRule(rule: AlertRule): CompiledRule {
  switch (rule.type) {
    case 'error_rate':
    case 'rate_limit_share':
    case 'fallback_rate':
      return ratioRule(rule);
    case 'no_success':
      return noSuccessRule(rule);
    case 'latency_p95':
      return latencyRule(rule);
    case 'burn_rate':
      return burnRateRule(rule);
    case 'cost_per_hour':
      return costRule(rule);
    case 'target_ejected':
      return targetEjectedRule(rule);
    case 'alias_unavailable':
      return aliasUnavailableRule(rule);
    case 'budget':
      return budgetRule(rule);
  }
}
