import type {
  CandidateScore,
  PickContext,
  Strategy,
  StrategyFactory,
  StrategyInit,
  TargetView,
} from '../src/index.js';
import { bestOfChoices, checkChoices, choicesScratch } from './choices.js';
import { loadWithHeadroom, tokensOf } from './headroom.js';

/** Options of {@link leastConnections}. */
export interface LeastConnectionsOptions {
  /**
   * How many distinct random candidates to compare per pick. 2 is Envoy's "power of two
   * choices": nearly as good as comparing all, without sending every call to the one target that
   * just became idle. A value at or above the candidate count compares them all.
   * @default 2
   */
  readonly choices?: number;
}

/**
 * Least connections, Envoy style: samples `choices` distinct candidates at random and takes the
 * one with the fewest attempts in flight (ties: higher weight, then lower index). With two
 * candidates it compares both; with one it returns it. A target whose provider reported little
 * rate-limit headroom left (under 10% of its window, see `TargetView.rateLimit`) counts as
 * busier in proportion, so calls move away before it answers 429.
 *
 * @example
 * ```ts
 * new Router({ targets, strategy: 'least-connections' });
 * registry.register('least-of-3', leastConnections({ choices: 3 }));
 * ```
 * @throws SwitchyardError `config` when `choices` is not a whole number >= 1.
 */
export function leastConnections(options: LeastConnectionsOptions = {}): StrategyFactory {
  const choices = checkChoices('leastConnections', options.choices ?? 2);
  return (init: StrategyInit): Strategy => new LeastConnections(choices, init.targets.length);
}

const inFlightOf = (target: TargetView): number => target.inFlight;
const hasRateLimit = (target: TargetView): boolean => target.rateLimit !== undefined;

class LeastConnections implements Strategy {
  readonly name = 'least-connections';
  readonly #choices: number;
  readonly #scratch: Int32Array;

  constructor(choices: number, targetCount: number) {
    this.#choices = choices;
    this.#scratch = choicesScratch(choices, targetCount);
  }

  pick(candidates: readonly TargetView[], context: PickContext): TargetView {
    if (!candidates.some(hasRateLimit)) {
      return bestOfChoices(candidates, this.#choices, context.random, this.#scratch, inFlightOf);
    }
    const { now } = context;
    const tokens = tokensOf(context.request);
    const loadOf = (t: TargetView) => loadWithHeadroom(t, now, tokens);
    return bestOfChoices(candidates, this.#choices, context.random, this.#scratch, loadOf);
  }

  /**
   * Score = attempts in flight, raised by low rate-limit headroom. Lower is better (among the
   * sampled candidates).
   */
  describe(candidates: readonly TargetView[], context: PickContext): readonly CandidateScore[] {
    const tokens = candidates.some(hasRateLimit) ? tokensOf(context.request) : 0;
    return candidates.map((c) => {
      const load = c.rateLimit === undefined ? c.inFlight : loadWithHeadroom(c, context.now, tokens);
      return load === c.inFlight
        ? { target: c.id, score: c.inFlight, note: 'in flight; lower is better' }
        : {
            target: c.id,
            score: load,
            note: 'in flight, raised by low rate-limit headroom; lower is better',
          };
    });
  }
}
