import type { Counts } from './counters.js';
import type { CompiledRule, EvalContext, Observation } from './rule.js';
import { pct } from './rule.js';
import type { ErrorRateRule, FallbackRateRule, NoSuccessRule, RateLimitShareRule } from './rule-config.js';

type RatioConfig = ErrorRateRule | RateLimitShareRule | FallbackRateRule;

const WHAT: Record<RatioConfig['type'], string> = {
  error_rate: 'error rate',
  rate_limit_share: '429 share',
  fallback_rate: 'fallback rate',
};

function ratioOf(type: RatioConfig['type'], scope: string, c: Counts): number {
  if (type === 'error_rate') return c.attempts === 0 ? 0 : c.failures / c.attempts;
  if (type === 'rate_limit_share') return c.attempts === 0 ? 0 : c.rateLimited / c.attempts;
  if (scope === 'all') return c.calls === 0 ? 0 : c.fallbacks / c.calls;
  return c.attempts === 0 ? 0 : c.fallbacks / c.attempts;
}

const labelsOf = (scope: string, key: string): Record<string, string> =>
  scope === 'all' ? {} : { [scope]: key };

/** Error rate, 429 share or fallback rate of each target, alias or the router over a window. */
export function ratioRule(config: RatioConfig): CompiledRule {
  const scope = config.scope ?? 'target';
  const minCalls = config.minCalls ?? 10;
  return {
    config,
    windowMs: config.windowMs,
    evaluate(ctx: EvalContext): Observation[] {
      const clearAt = config.clearThreshold ?? config.threshold * ctx.hysteresis;
      const out: Observation[] = [];
      for (const [key, counts] of ctx.board.sums(scope, ctx.now, config.windowMs)) {
        const volume = scope === 'all' && config.type === 'fallback_rate' ? counts.calls : counts.attempts;
        const value = ratioOf(config.type, scope, counts);
        const enough = volume >= minCalls;
        out.push({
          labels: labelsOf(scope, key),
          value,
          threshold: config.threshold,
          unit: 'ratio',
          firing: enough && value > config.threshold,
          clear: !enough || value <= clearAt,
          summary: `${WHAT[config.type]} of ${scope === 'all' ? 'the router' : `${scope} ${key}`} is ${pct(value)} (threshold ${pct(config.threshold)}, ${volume} calls in ${Math.round(config.windowMs / 1000)} s)`,
        });
      }
      return out;
    },
  };
}

/** No successful attempt over a window while attempts were made. */
export function noSuccessRule(config: NoSuccessRule): CompiledRule {
  const scope = config.scope ?? 'all';
  const minCalls = config.minCalls ?? 1;
  return {
    config,
    windowMs: config.windowMs,
    evaluate(ctx: EvalContext): Observation[] {
      const out: Observation[] = [];
      for (const [key, c] of ctx.board.sums(scope, ctx.now, config.windowMs)) {
        const firing = c.attempts >= minCalls && c.successes === 0;
        out.push({
          labels: labelsOf(scope, key),
          value: c.successes,
          threshold: 0,
          unit: 'calls',
          firing,
          clear: c.successes > 0,
          summary: `no successful call on ${scope === 'all' ? 'the router' : `${scope} ${key}`} for ${Math.round(config.windowMs / 1000)} s (${c.attempts} attempts)`,
        });
      }
      return out;
    },
  };
}
