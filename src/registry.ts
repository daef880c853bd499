import { SwitchyardError } from './errors/switchyard-error.js';
import type { StrategyFactory } from './types/strategy.js';

const NAME = /^[a-z0-9][a-z0-9._:-]*$/i;

/**
 * Strategies by name. `Router.strategies` is the global one (the `switchyard-llm` entry registers
 * the built-ins there); a router may be given its own, which falls back to a parent.
 *
 * @example
 * ```ts
 * Router.strategies.register('first', () => ({ name: 'first', pick: (c) => c[0]! }));
 * new Router({ targets, strategy: 'first' });
 * ```
 */
export class StrategyRegistry {
  readonly #factories = new Map<string, StrategyFactory>();
  readonly #parent: StrategyRegistry | undefined;

  /** @param parent a registry to look names up in when this one does not have them. */
  constructor(parent?: StrategyRegistry) {
    this.#parent = parent;
  }

  /**
   * Registers a factory under `name`. Throws a `config` error if the name is taken (pass
   * `{ replace: true }` to override) or not of letters, digits, `.`, `_`, `:` and `-`.
   */
  register(name: string, factory: StrategyFactory, options: { replace?: boolean } = {}): this {
    if (!NAME.test(name)) {
      throw new SwitchyardError(
        'config',
        `strategy name '${name}': expected letters, digits, '.', '_', ':' or '-'`,
      );
    }
    if (typeof factory !== 'function') {
      throw new SwitchyardError(
        'config',
        `strategy '${name}': expected a factory function (init) => Strategy`,
      );
    }
    if (this.#factories.has(name) && !options.replace) {
      throw new SwitchyardError(
        'config',
        `strategy '${name}' is already registered (pass { replace: true } to override)`,
      );
    }
    this.#factories.set(name, factory);
    return this;
  }

  /** Removes a name from this registry (not from its parent). */
  unregister(name: string): boolean {
    return this.#factories.delete(name);
  }

  /** Whether `name` is registered here or in a parent. */
  has(name: string): boolean {
    return this.#factories.has(name) || (this.#parent?.has(name) ?? false);
  }

  /** The factory for `name`, or `undefined`. */
  get(name: string): StrategyFactory | undefined {
    return this.#factories.get(name) ?? this.#parent?.get(name);
  }

  /** All registered names, parents' included, sorted. */
  names(): string[] {
    const all = new Set([...(this.#parent?.names() ?? []), ...this.#factories.keys()]);
    return [...all].sort();
  }
}

const GLOBAL_KEY = Symbol.for('switchyard-llm.strategies');

/**
 * The process-wide registry behind `Router.strategies`: kept on `globalThis` under a
 * `Symbol.for` key, so that the ESM and the CJS builds (or two copies of the package) loaded in
 * one process share one registry.
 */
export function sharedStrategyRegistry(): StrategyRegistry {
  const holder = globalThis as { [GLOBAL_KEY]?: StrategyRegistry };
  holder[GLOBAL_KEY] ??= new StrategyRegistry();
  return holder[GLOBAL_KEY];
}
