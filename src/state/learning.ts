import { isSwitchyardError, SwitchyardError } from '../errors/switchyard-error.js';
import type { JsonValue, PeerLearning, Strategy } from '../types/strategy.js';

/**
 * What a router's strategies learned from their own outcomes, by strategy name
 * (`Router.shareLearning()`); strategies without `share` are left out.
 */
export type LearningShare = { readonly [strategy: string]: JsonValue };

/** Another router instance's {@link LearningShare}, as `Router.mergeLearning()` receives it. */
export interface PeerRouterLearning {
  /** The peer's `router.shareLearning()`. */
  readonly strategies: LearningShare;
  /** How long ago (ms) the peer took it. */
  readonly ageMs: number;
}

/** Each strategy's `share()`, by name. Internal: `Router.shareLearning`. */
export function shareLearning(strategies: readonly Strategy[]): LearningShare {
  const out: { [name: string]: JsonValue } = {};
  for (const strategy of strategies) {
    if (typeof strategy.share !== 'function') continue;
    const shared = strategy.share();
    if (shared !== undefined) out[strategy.name] = shared;
  }
  return out;
}

/**
 * Gives each strategy with `merge` the peers' states under its name (an empty list when no peer
 * has one, so a peer that went away stops counting). A strategy whose `merge` throws is left as it
 * was; its error is returned, the other strategies still merge. Internal: `Router.mergeLearning`.
 */
export function mergeLearning(
  strategies: readonly Strategy[],
  peers: readonly PeerRouterLearning[],
): SwitchyardError[] {
  const errors: SwitchyardError[] = [];
  for (const strategy of strategies) {
    if (typeof strategy.merge !== 'function') continue;
    const states: PeerLearning[] = [];
    for (const peer of peers) {
      const state = peer.strategies[strategy.name];
      if (state !== undefined) states.push({ state, ageMs: Math.max(0, peer.ageMs) });
    }
    try {
      strategy.merge(states);
    } catch (error) {
      errors.push(
        isSwitchyardError(error)
          ? error
          : new SwitchyardError('config', `strategy '${strategy.name}': merge failed: ${String(error)}`, {
              cause: error,
              retryable: false,
            }),
      );
    }
  }
  return errors;
}
