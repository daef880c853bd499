import type { TargetView } from '../src/index.js';

/**
 * The candidate with the fewest attempts in flight (the first of equals): the fallback of the
 * learning strategies when no candidate has data yet. `candidates` must not be empty.
 * @internal
 */
export function leastBusy(candidates: readonly TargetView[]): TargetView {
  let best = candidates[0]!;
  for (let i = 1; i < candidates.length; i++) {
    const c = candidates[i]!;
    if (c.inFlight < best.inFlight) best = c;
  }
  return best;
}
