import type { HeldOutSet } from '../scenario.js';
import { chatAndEssays } from './chat-and-essays.js';
import { crowdedCheap } from './crowded-cheap.js';
import { errorBurst } from './error-burst.js';
import { longContextMix } from './long-context-mix.js';
import { streamHeavySpike } from './stream-heavy-spike.js';

/** Set E with its history. */
export const heldOutE: HeldOutSet = {
  label: 'E',
  history:
    "Written after `adaptive`'s first-token reading of streams and its `outputBandEdges` option (off by default) were built (with sets A–D as checks), before any tuning that looks at it; no strategy has been changed after seeing its figures. E1 (mostly streamed traffic) and E2 (the answer's length decides) were written knowing those two changes, as checks of them in settings the tuning never saw. First run (20 seeds): `adaptive` 0.13 (chat-and-essays 0.43, where the answer's length decides and `outputBandEdges` is off by default), `intelligent` 0.11; both ahead of every baseline on 5 of 5. `adaptive` with `outputBandEdges: [512, 2048]` was then run once on it as the option's check: chat-and-essays 0.43 → 0.16, the other four within ±0.006, mean 0.13 → 0.08.",
  scenarios: [streamHeavySpike, chatAndEssays, crowdedCheap, errorBurst, longContextMix],
};
