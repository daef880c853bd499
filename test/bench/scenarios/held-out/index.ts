/**
 * Held-out scenarios: written after the strategies' defaults were tuned on the main scenarios
 * and never used for tuning, so that they show how much of the main figures is over-fitting.
 * Other providers (see `profiles.ts`), rates and request mixes than the main eight.
 */
import type { Scenario } from '../scenario.js';
import { flapping } from './flapping.js';
import { gradualRecovery } from './gradual-recovery.js';
import { longContext } from './long-context.js';
import { lowTraffic } from './low-traffic.js';
import { manyProviders } from './many-providers.js';
import { repeatedSpikes } from './repeated-spikes.js';

export const heldOutScenarios: readonly Scenario[] = [
  manyProviders,
  repeatedSpikes,
  gradualRecovery,
  lowTraffic,
  flapping,
  longContext,
];
