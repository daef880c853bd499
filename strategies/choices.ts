/**
 * Internal helper of the load-aware strategies (not exported from `switchyard-llm/strategies`):
 * "power of d choices" over a candidate list, without allocating.
 */
import { type RandomSource, SwitchyardError, type TargetView } from '../src/index.js';

/** Lower is better. Called at most once per compared candidate. */
export type LoadOf = (target: TargetView) => number;

/**
 * Checks a `choices` option: a whole number of at least 1.
 * @internal
 */
export function checkChoices(strategy: string, choices: number): number {
  if (!Number.isInteger(choices) || choices < 1) {
    throw new SwitchyardError(
      'config',
      `${strategy}: choices: expected a whole number >= 1, got ${String(choices)}`,
    );
  }
  return choices;
}

/**
 * Preallocated state of {@link bestOfChoices}: room for the sampled positions. Sized once per
 * strategy: more than `targets.length` slots are never needed since `choices >= candidates`
 * compares all.
 * @internal
 */
export function choicesScratch(choices: number, targetCount: number): Int32Array {
  return new Int32Array(Math.max(0, Math.min(choices, targetCount)));
}

/**
 * Samples `choices` distinct candidates uniformly (Floyd's algorithm) and returns the one with
 * the lowest load; with `choices >= candidates.length` it compares them all. Ties go to fewer
 * in flight, then higher weight, then lower index, so the result does not depend on order.
 * @internal
 */
export function bestOfChoices(
  candidates: readonly TargetView[],
  choices: number,
  random: RandomSource,
  scratch: Int32Array,
  loadOf: LoadOf,
): TargetView {
  const n = candidates.length;
  let best = candidates[0]!;
  if (n === 1) return best;
  if (choices >= n || choices > scratch.length) {
    let bestLoad = loadOf(best);
    for (let i = 1; i < n; i++) {
      const c = candidates[i]!;
      const load = loadOf(c);
      if (isBetter(c, load, best, bestLoad)) {
        best = c;
        bestLoad = load;
      }
    }
    return best;
  }
  // Floyd: for j in [n-k, n), draw t in [0, j]; if t was drawn already, take j (never drawn yet).
  let count = 0;
  let bestLoad = Number.POSITIVE_INFINITY;
  for (let j = n - choices; j < n; j++) {
    let t = Math.min(j, Math.floor(random() * (j + 1)));
    for (let s = 0; s < count; s++) {
      if (scratch[s] === t) {
        t = j;
        break;
      }
    }
    scratch[count++] = t;
    const c = candidates[t]!;
    const load = loadOf(c);
    if (count === 1 || isBetter(c, load, best, bestLoad)) {
      best = c;
      bestLoad = load;
    }
  }
  return best;
}

function isBetter(a: TargetView, aLoad: number, b: TargetView, bLoad: number): boolean {
  if (aLoad !== bLoad) return aLoad < bLoad;
  if (a.inFlight !== b.inFlight) return a.inFlight < b.inFlight;
  if (a.weight !== b.weight) return a.weight > b.weight;
  return a.index < b.index;
}
