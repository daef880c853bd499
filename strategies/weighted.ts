import type {
  CandidateScore,
  PickContext,
  Strategy,
  StrategyFactory,
  StrategyInit,
  TargetView,
} from '../src/index.js';

/**
 * Smooth weighted round robin, as nginx does it: each target gets picks in proportion to its
 * `weight`, spread out evenly instead of in bursts (weights 5, 1, 1 give `a a b a c a a`).
 *
 * Every pick adds each candidate's weight to its running score, takes the highest score (ties:
 * lower index) and subtracts the candidates' total weight from the winner. Over any full cycle
 * of `sum(weights)` picks each target is chosen exactly `weight` times. A target that is not a
 * candidate keeps its score, like a peer that nginx marks down, and resumes from it.
 *
 * @example
 * ```ts
 * const targets = [
 *   { id: 'big', adapter, model: 'm', weight: 5 },
 *   { id: 'small', adapter, model: 'm', weight: 1 },
 * ];
 * new Router({ targets, strategy: 'weighted' });
 * ```
 */
export function weighted(): StrategyFactory {
  return (init: StrategyInit): Strategy => new Weighted(init.targets.length);
}

class Weighted implements Strategy {
  readonly name = 'weighted';
  /** nginx's `current_weight`, by target index. */
  readonly #current: Float64Array;

  constructor(targetCount: number) {
    this.#current = new Float64Array(targetCount);
  }

  pick(candidates: readonly TargetView[]): TargetView {
    const current = this.#current;
    let total = 0;
    let best = candidates[0]!;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i]!;
      const score = current[c.index]! + c.weight;
      current[c.index] = score;
      total += c.weight;
      if (score > bestScore || (score === bestScore && c.index < best.index)) {
        best = c;
        bestScore = score;
      }
    }
    current[best.index] = bestScore - total;
    return best;
  }

  /** Score = the running score the candidate would compete with now. Higher is picked. */
  describe(candidates: readonly TargetView[], _context: PickContext): readonly CandidateScore[] {
    return candidates.map((c) => ({
      target: c.id,
      score: this.#current[c.index]! + c.weight,
      note: `weight ${c.weight}; highest is picked`,
    }));
  }
}
