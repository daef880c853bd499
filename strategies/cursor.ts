/**
 * Internal helper of the strategies that cycle through targets (not exported from
 * `switchyard-llm/strategies`).
 */
import type { TargetView } from '../src/index.js';

/**
 * The candidate with the lowest index at or after `cursor`, wrapping around to the lowest index:
 * a subset of candidates stays fair when a target drops out and comes back. O(candidates).
 * @internal
 */
export function nextAtOrAfter(candidates: readonly TargetView[], cursor: number): TargetView {
  let atOrAfter: TargetView | undefined;
  let lowest = candidates[0]!;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    if (c.index >= cursor && (atOrAfter === undefined || c.index < atOrAfter.index)) atOrAfter = c;
    if (c.index < lowest.index) lowest = c;
  }
  return atOrAfter ?? lowest;
}
