/**
 * Held-out set B: written after set A had been used to tune `adaptive` (its `revisitMs`),
 * and before any later tuning, so that it is unseen by every default in the strategies.
 * Own provider profiles (see `profiles.ts`), rates, request mixes and failure patterns.
 */
import type { HeldOutSet, Scenario } from '../scenario.js';
import { coldStart } from './cold-start.js';
import { heavyLoad } from './heavy-load.js';
import { longOutputs } from './long-outputs.js';
import { priceDrop } from './price-drop.js';
import { slowErrors } from './slow-errors.js';

export const heldOutBScenarios: readonly Scenario[] = [
  slowErrors,
  coldStart,
  priceDrop,
  heavyLoad,
  longOutputs,
];

/** Set B with its history. */
export const heldOutB: HeldOutSet = {
  label: 'B',
  history:
    "Written after set A had been used once (`adaptive`'s `revisitMs`) and before any later tuning; nothing has been changed after seeing its figures.",
  scenarios: heldOutBScenarios,
};
