/**
 * Held-out set C: written after sets A and B had both been used as checks while `adaptive`'s
 * speed ratio was built, before any tuning that looks at it. Own provider profiles (see
 * `profiles.ts`), context windows, request limits, rates and failure and price patterns.
 */
import type { HeldOutSet } from '../scenario.js';
import { contextLimits } from './context-limits.js';
import { errorRamp } from './error-ramp.js';
import { gettingFaster } from './getting-faster.js';
import { heavyTail } from './heavy-tail.js';
import { priceSeesaw } from './price-seesaw.js';

/** Set C with its history. */
export const heldOutC: HeldOutSet = {
  label: 'C',
  history:
    "Written after `adaptive`'s speed ratio was built (with sets A and B as checks), before any tuning that looks at it; no strategy has been changed after seeing its figures. One scenario was replaced while the set was written, before any tuning: a first C3 (two providers with requests-per-minute quotas below the demand) left the oracle barely better than random (0.14–0.20 utility per call: the router's fallback makes a 429 cheap), so its regret measured nothing; C3 is heavy-tail instead. Then `adaptive`'s prompt bands (a speed factor per prompt-length band) were built on the main eight; this set was run three times as a check (a first version with absolute per-band ratios, the final one, and `adaptive`'s `forgetOnTime` change after it), with nothing tuned to it: it is no longer unseen, and the next round of tuning needs a set D. Later, a longer default `halfLifeMs` for `adaptive` (60 s instead of 20 s) was run once on all four sets as a check and not kept: the main eight improved (0.077 → 0.063) but the held-out sets did not (this set 0.06 → 0.07: getting-faster 0.07 → 0.14). Then `adaptive` learned to judge a stream by its first token (the `observeFirstToken` hook, built on the main eight: 0.077 → 0.070 there, 0.076 → 0.074 on 20 more seeds); all four sets were run once as a check, with nothing tuned to them (0.06 → 0.06). Then `adaptive`'s `outputBandEdges` option (a speed factor per answer-cap band, off by default, so no figure in this report changed), motivated by set D's read-or-write, was run once on all four sets with it on, with nothing tuned to them (0.061 → 0.065, 20 seeds).",
  scenarios: [contextLimits, errorRamp, heavyTail, gettingFaster, priceSeesaw],
};
