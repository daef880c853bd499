import type { HeldOutSet } from '../scenario.js';
import { closeCall } from './close-call.js';
import { gradualSpike } from './gradual-spike.js';
import { readOrWrite } from './read-or-write.js';
import { slowAndFailing } from './slow-and-failing.js';
import { staggeredOutages } from './staggered-outages.js';

/** Set D with its history. */
export const heldOutD: HeldOutSet = {
  label: 'D',
  history:
    "Written after `adaptive`'s prompt bands and its `forgetOnTime` change were built (with sets A, B and C as checks), before any tuning that looks at it; no strategy has been changed after seeing its figures. D1 checks the prompt bands where the answer's length matters as much as the prompt's (bands are by prompt length only). It was then run once as a check of a longer default `halfLifeMs` for `adaptive` (60 s instead of 20 s), which was not kept: the main eight improved (0.077 → 0.063) but the held-out sets did not (this set 0.22 → 0.22; 21 held-out scenarios 0.150 → 0.152). Then `adaptive` learned to judge a stream by its first token (the `observeFirstToken` hook, built on the main eight: 0.077 → 0.070 there, 0.076 → 0.074 on 20 more seeds); all four sets were run once as a check, with nothing tuned to them (0.22 → 0.22). Then D1's result (prompt bands cannot tell a fast reader from a fast writer) led to `adaptive`'s `outputBandEdges` option, a speed factor per answer-cap band; it was developed on the main eight and a scenario that is not in the lab, is off by default (no figure in this report changed), and was run once on all four sets with it on (0.219 → 0.186, read-or-write 0.340 → 0.126, 20 seeds). D1 is no longer unseen for that question.",
  scenarios: [readOrWrite, gradualSpike, staggeredOutages, slowAndFailing, closeCall],
};
