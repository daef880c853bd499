import type {
  CandidateScore,
  PickContext,
  Strategy,
  StrategyFactory,
  StrategyInit,
  TargetView,
} from '../src/index.js';
import { nextAtOrAfter } from './cursor.js';

/**
 * Round robin: takes targets in configuration order, one after the other.
 *
 * A cursor walks over target indices. With only some targets as candidates, the pick is the
 * first candidate at or after the cursor (wrapping around), and the cursor moves past it. So a
 * target that drops out is simply skipped, and when it comes back it gets its turn again at its
 * place in the cycle instead of restarting the cycle or getting extra turns. Ignores weights.
 *
 * @example
 * ```ts
 * new Router({ targets, strategy: 'round-robin' });
 * // or with its own registry:
 * registry.register('rr', roundRobin());
 * ```
 */
export function roundRobin(): StrategyFactory {
  return (init: StrategyInit): Strategy => new RoundRobin(init.targets.length);
}

class RoundRobin implements Strategy {
  readonly name = 'round-robin';
  /** Index of the target whose turn it is; may equal the target count (= wrap on next pick). */
  #cursor = 0;
  readonly #targetCount: number;

  constructor(targetCount: number) {
    this.#targetCount = targetCount;
  }

  pick(candidates: readonly TargetView[]): TargetView {
    const chosen = nextAtOrAfter(candidates, this.#cursor);
    this.#cursor = chosen.index + 1;
    return chosen;
  }

  /** Score = how many turns away the candidate is (0 = next). Lower is better. */
  describe(candidates: readonly TargetView[], _context: PickContext): readonly CandidateScore[] {
    const span = Math.max(this.#targetCount, this.#cursor, ...candidates.map((c) => c.index + 1));
    return candidates.map((c) => ({
      target: c.id,
      score: (c.index - this.#cursor + span) % span,
      note: 'turns until its slot; lower is next',
    }));
  }
}
