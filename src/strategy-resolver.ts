import { userCodeError } from './call/strategy-hooks.js';
import { isSwitchyardError, SwitchyardError } from './errors/switchyard-error.js';
import type { StrategyRegistry } from './registry.js';
import type { Strategy, StrategyFactory, StrategyInit } from './types/strategy.js';

/**
 * The strategies of one router: its default, and those that requests name, each created once
 * from the registry and kept (so learning strategies keep their state across calls).
 */
export class StrategyResolver {
  readonly #registry: StrategyRegistry;
  readonly #init: StrategyInit;
  readonly #named = new Map<string, Strategy>();
  /** The router's default strategy. */
  readonly default: Strategy;

  /** @throws {SwitchyardError} `config` when `spec` names no registered strategy. */
  constructor(spec: string | Strategy | StrategyFactory, registry: StrategyRegistry, init: StrategyInit) {
    this.#registry = registry;
    this.#init = init;
    this.default = typeof spec === 'string' ? this.#create(spec, 'config') : this.#instantiate(spec);
    if (typeof spec === 'string') this.#named.set(spec, this.default);
  }

  /**
   * The strategy a request names (the default when it names the default's registered name).
   * @throws {SwitchyardError} `invalid_request` when no strategy has that name.
   */
  named(name: string): Strategy {
    let strategy = this.#named.get(name);
    if (strategy === undefined) {
      strategy = this.#create(name, 'invalid_request');
      this.#named.set(name, strategy);
    }
    return strategy;
  }

  /** Every strategy created so far: the default and those that requests named. */
  instances(): Strategy[] {
    const all = new Set<Strategy>([this.default, ...this.#named.values()]);
    return [...all];
  }

  #create(name: string, kind: 'config' | 'invalid_request'): Strategy {
    const factory = this.#registry.get(name);
    if (factory === undefined) {
      const known = this.#registry.names();
      throw new SwitchyardError(
        kind,
        `${kind === 'config' ? 'strategy' : 'request.strategy'}: unknown strategy '${name}'; registered: ${
          known.length ? known.join(', ') : '(none — import the built-ins from "switchyard-llm")'
        }`,
        { retryable: false },
      );
    }
    return this.#instantiate(factory, name);
  }

  #instantiate(spec: Strategy | StrategyFactory, name?: string): Strategy {
    if (typeof spec !== 'function') return spec;
    try {
      return spec(this.#init);
    } catch (thrown) {
      if (isSwitchyardError(thrown) && thrown.kind === 'config') throw thrown;
      throw userCodeError(
        `the factory of strategy '${name ?? (spec.name || 'anonymous')}'`,
        'create',
        thrown,
      );
    }
  }
}
