import type { CandidateScore, PickContext, Strategy, StrategyFactory, TargetView } from '../src/index.js';

/**
 * Ordered fallback: always the candidate with the lowest `priority` (ties: the one configured
 * first). The router leaves failing, ejected and full targets out of the candidates, so calls
 * move down the list only while the preferred targets are unavailable, and move back as soon as
 * they return. A target's `priority` defaults to its position, so by default this is "first
 * configured target first".
 *
 * @example
 * ```ts
 * const targets = [
 *   { id: 'primary', adapter: openai, model: 'gpt-4o-mini', priority: 0 },
 *   { id: 'backup', adapter: anthropic, model: 'claude-3-5-haiku-latest', priority: 1 },
 * ];
 * new Router({ targets, strategy: 'priority' });
 * ```
 */
export function priority(): StrategyFactory {
  return (): Strategy => new Priority();
}

class Priority implements Strategy {
  readonly name = 'priority';

  pick(candidates: readonly TargetView[]): TargetView {
    let best = candidates[0]!;
    for (let i = 1; i < candidates.length; i++) {
      const c = candidates[i]!;
      if (c.priority < best.priority || (c.priority === best.priority && c.index < best.index)) best = c;
    }
    return best;
  }

  /** Score = the candidate's priority. Lower is picked. */
  describe(candidates: readonly TargetView[], _context: PickContext): readonly CandidateScore[] {
    return candidates.map((c) => ({ target: c.id, score: c.priority, note: 'priority; lowest is picked' }));
  }
}
