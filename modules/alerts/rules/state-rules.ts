import type { CompiledRule, EvalContext, Observation } from './rule.js';
import type { AliasUnavailableRule, TargetEjectedRule } from './rule-config.js';

/** A target ejected by the router's breaker, until `target:restored`. */
export function targetEjectedRule(config: TargetEjectedRule): CompiledRule {
  const only = config.targets === undefined ? undefined : new Set(config.targets);
  return {
    config,
    windowMs: 0,
    evaluate(ctx: EvalContext): Observation[] {
      return ctx.board
        .targetIds()
        .filter((id) => only === undefined || only.has(id))
        .map((id) => {
          const ejected = ctx.board.ejected.has(id);
          return {
            labels: { target: id },
            value: ejected ? 1 : 0,
            threshold: 1,
            unit: 'bool',
            firing: ejected,
            clear: !ejected,
            summary: `target ${id} is ejected by the circuit breaker`,
          };
        });
    },
  };
}

/** Every target of an alias ejected. */
export function aliasUnavailableRule(config: AliasUnavailableRule): CompiledRule {
  const only = config.aliases === undefined ? undefined : new Set(config.aliases);
  return {
    config,
    windowMs: 0,
    evaluate(ctx: EvalContext): Observation[] {
      const out: Observation[] = [];
      for (const [alias, targets] of ctx.board.aliases()) {
        if (only !== undefined && !only.has(alias)) continue;
        const down = targets.filter((t) => ctx.board.ejected.has(t)).length;
        const all = down === targets.length;
        out.push({
          labels: { alias },
          value: down,
          threshold: targets.length,
          unit: 'targets',
          firing: all,
          clear: !all,
          summary: `all ${targets.length} targets of alias ${alias} are unavailable (${targets.join(', ')})`,
        });
      }
      return out;
    },
  };
}
