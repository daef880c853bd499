import type { CandidateScore, PickContext, Strategy, StrategyFactory, TargetView } from '../src/index.js';

/**
 * Weighted random: each candidate is picked with probability `weight / sum(weights)` of the
 * candidates (uniform when all weights are equal). Draws from the router's random source, so a
 * router built with `createSeededRandom(seed)` makes the same choices on every run.
 *
 * @example
 * ```ts
 * new Router({ targets, strategy: 'random', random: createSeededRandom(7) });
 * ```
 */
export function random(): StrategyFactory {
  return (): Strategy => new WeightedRandom();
}

class WeightedRandom implements Strategy {
  readonly name = 'random';

  pick(candidates: readonly TargetView[], context: PickContext): TargetView {
    const n = candidates.length;
    if (n === 1) return candidates[0]!;
    let total = 0;
    for (let i = 0; i < n; i++) total += candidates[i]!.weight;
    let r = context.random() * total;
    for (let i = 0; i < n - 1; i++) {
      const c = candidates[i]!;
      r -= c.weight;
      if (r < 0) return c;
    }
    // The last one, also when rounding left r at a hair above 0.
    return candidates[n - 1]!;
  }

  /** Score = the candidate's probability of being picked. */
  describe(candidates: readonly TargetView[], _context: PickContext): readonly CandidateScore[] {
    const total = candidates.reduce((sum, c) => sum + c.weight, 0);
    return candidates.map((c) => ({ target: c.id, score: c.weight / total, note: 'probability' }));
  }
}
