/**
 * Held-out set A: written after the strategies' defaults were tuned on the main scenarios, so
 * that they show how much of the main figures is over-fitting. Other providers (see
 * `profiles.ts`), rates and request mixes than the main eight.
 */
import type { HeldOutSet } from '../scenario.js';
import { flapping } from './flapping.js';
import { gradualRecovery } from './gradual-recovery.js';
import { longContext } from './long-context.js';
import { lowTraffic } from './low-traffic.js';
import { manyProviders } from './many-providers.js';
import { repeatedSpikes } from './repeated-spikes.js';

/** Set A with its history. */
export const heldOutA: HeldOutSet = {
  label: 'A',
  history:
    "Written after the defaults of `adaptive` and `intelligent` were tuned on the main eight. Two changes since came from it, so it is no longer unseen: `adaptive`'s `revisitMs` probe, added after its first run showed `adaptive` starving a provider its prices ruled out in long-context (20 of 20 runs); and `intelligent`'s time-based forgetting of latency data (`latencyHalfLifeMs` 30 s, chosen among 10–60 s on the main eight and this set, 8 and 16 seeds), after gradual-recovery showed it slow to see a provider get better. Set B checks both. Later, `adaptive`'s speed ratio (a per-target latency ratio in place of one additive advantage) was developed on the main eight; this set and set B were run twice while it was built (once with a first version, once with the final one) to check that it holds here, and nothing was tuned to them. Then `adaptive`'s prompt bands (a speed factor per prompt-length band) were built on the main eight; this set was run three times as a check (a first version with absolute per-band ratios, the final one, and `adaptive`'s `forgetOnTime` change after it), with nothing tuned to it. Later, a longer default `halfLifeMs` for `adaptive` (60 s instead of 20 s) was run once on all four sets as a check and not kept: the main eight improved (0.077 → 0.063) but the held-out sets did not (this set 0.18 → 0.20: gradual-recovery 0.13 → 0.18, low-traffic 0.23 → 0.30). Then `adaptive` learned to judge a stream by its first token (the `observeFirstToken` hook, built on the main eight: 0.077 → 0.070 there, 0.076 → 0.074 on 20 more seeds); all four sets were run once as a check, with nothing tuned to them (0.18 → 0.18; repeated-spikes 0.34 → 0.30). Then `adaptive`'s `outputBandEdges` option (a speed factor per answer-cap band, off by default, so no figure in this report changed), motivated by set D's read-or-write, was run once on all four sets with it on, with nothing tuned to them (0.177 → 0.182, 20 seeds).",
  scenarios: [manyProviders, repeatedSpikes, gradualRecovery, lowTraffic, flapping, longContext],
};
