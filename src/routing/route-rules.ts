import { type ResolvedHedge, resolveHedge } from '../call/hedge-lane.js';
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { StrategyResolver } from '../strategy-resolver.js';
import type { TargetRuntime } from '../target-runtime.js';
import type { CompletionRequest } from '../types/request.js';
import type { RouteCondition, RouteRule } from '../types/route-rule.js';
import type { Strategy } from '../types/strategy.js';
import { estimateInputTokens, hasImages } from '../util/request-needs.js';

/** A rule, resolved at construction: its name, target set and strategy instance. */
interface ResolvedRule {
  readonly name: string;
  readonly when: RouteCondition;
  readonly targets: ReadonlySet<TargetRuntime> | undefined;
  readonly strategy: Strategy | undefined;
  readonly hedge: ResolvedHedge | false | undefined;
}

/** What a matching rule does to one call. */
export interface RouteDecision {
  readonly rule: string;
  readonly candidates: readonly TargetRuntime[];
  readonly strategy: Strategy | undefined;
  /** The rule's hedging (`false`: none), when it sets one. */
  readonly hedge: ResolvedHedge | false | undefined;
}

/** The router's conditional routes: the first rule whose condition holds shapes the call. */
export class RouteRules {
  readonly #rules: readonly ResolvedRule[];

  /**
   * @throws {SwitchyardError} `config` for a rule naming an unknown target or strategy, or a
   *   hedge with fewer than two targets to hedge across.
   */
  constructor(rules: readonly RouteRule[], targets: readonly TargetRuntime[], strategies: StrategyResolver) {
    const byId = new Map(targets.map((t) => [t.id, t]));
    this.#rules = rules.map((rule, i) => {
      const name = rule.name ?? `routes[${i}]`;
      let set: Set<TargetRuntime> | undefined;
      if (rule.targets !== undefined) {
        set = new Set();
        for (const id of rule.targets) {
          const target = byId.get(id);
          if (target === undefined) {
            throw new SwitchyardError(
              'config',
              `routes[${i}].targets: no target has id '${id}'; targets: ${[...byId.keys()].join(', ')}`,
              { retryable: false },
            );
          }
          set.add(target);
        }
      }
      let strategy: Strategy | undefined;
      if (rule.strategy !== undefined) {
        try {
          strategy = strategies.named(rule.strategy);
        } catch (error) {
          const reason = (error as Error).message.replace(/^request\.strategy: /, '');
          throw new SwitchyardError('config', `routes[${i}].strategy: ${reason}`, {
            retryable: false,
          });
        }
      }
      let hedge: ResolvedHedge | false | undefined;
      if (rule.hedge !== undefined) {
        hedge = rule.hedge === false ? false : resolveHedge(rule.hedge);
        if (hedge !== false) checkHedgeTargets(i, rule.when, set === undefined ? targets : [...set]);
      }
      return { name, when: rule.when, targets: set, strategy, hedge };
    });
  }

  /**
   * The decision of the first rule that matches the call, or `undefined` when none does.
   * @throws {SwitchyardError} `no_target` when the rule leaves none of the alias's candidates.
   */
  decide(
    request: CompletionRequest,
    stream: boolean,
    candidates: readonly TargetRuntime[],
  ): RouteDecision | undefined {
    let inputTokens = -1;
    const sizeOf = (): number => {
      if (inputTokens < 0) inputTokens = estimateInputTokens(request);
      return inputTokens;
    };
    for (const rule of this.#rules) {
      if (!matches(rule.when, request, stream, sizeOf)) continue;
      const kept = rule.targets === undefined ? candidates : candidates.filter((t) => rule.targets!.has(t));
      if (kept.length === 0) {
        throw new SwitchyardError(
          'no_target',
          `route '${rule.name}' matched, but none of its targets serves model '${request.model ?? '(any)'}'`,
          { retryable: false },
        );
      }
      return { rule: rule.name, candidates: kept, strategy: rule.strategy, hedge: rule.hedge };
    }
    return undefined;
  }
}

/** A rule's hedge needs two targets for each alias it names (or among its targets). */
function checkHedgeTargets(i: number, when: RouteCondition, pool: readonly TargetRuntime[]): void {
  const fail = (why: string) => {
    throw new SwitchyardError('config', `invalid router options: routes[${i}].hedge: ${why}`, {
      retryable: false,
    });
  };
  if (when.model === undefined) {
    if (pool.length < 2) fail(`needs at least two targets, the route has only '${pool[0]?.id}'`);
    return;
  }
  for (const model of when.model) {
    const n = pool.filter((t) => t.model === model || (t.config.aliases?.includes(model) ?? false)).length;
    if (n < 2) fail(`needs at least two targets for model '${model}', the route has ${n}`);
  }
}

function matches(
  when: RouteCondition,
  request: CompletionRequest,
  stream: boolean,
  inputTokens: () => number,
): boolean {
  if (when.stream !== undefined && when.stream !== stream) return false;
  if (when.model !== undefined && (request.model === undefined || !when.model.includes(request.model)))
    return false;
  if (when.tags !== undefined && !(request.tags?.some((t) => when.tags!.includes(t)) ?? false)) return false;
  const metadata = request.metadata;
  if (when.user !== undefined && !includesValue(when.user, metadata?.user)) return false;
  if (when.key !== undefined && !includesValue(when.key, metadata?.key)) return false;
  if (when.metadata !== undefined) {
    for (const field in when.metadata) if (metadata?.[field] !== when.metadata[field]) return false;
  }
  if (
    when.hasTools !== undefined &&
    when.hasTools !== (request.tools !== undefined && request.tools.length > 0)
  ) {
    return false;
  }
  if (when.hasImages !== undefined && when.hasImages !== hasImages(request)) return false;
  if (when.minInputTokens !== undefined && inputTokens() < when.minInputTokens) return false;
  if (when.maxInputTokens !== undefined && inputTokens() > when.maxInputTokens) return false;
  return true;
}

function includesValue(list: readonly string[], value: unknown): boolean {
  return typeof value === 'string' && list.includes(value);
}
