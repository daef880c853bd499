import type { HeldOutSet } from '../scenario.js';
import { equalReplicas } from './equal-replicas.js';
import { priceyOutlier } from './pricey-outlier.js';
import { slowFailures } from './slow-failures.js';
import { swinging } from './swinging.js';

/** Set F with its history. */
export const heldOutF: HeldOutSet = {
  label: 'F',
  history:
    'Written for issue #19 §4 (routing weaknesses found outside the lab), before the fixes were built or tuned: F1 `cost` piling onto one of two replicas at the same price, F2 failures that take 8 s, F3 a provider swinging between fast and slow every 15 s, F4 a fast provider at ten times the price (exploration priced with the weights). Unlike sets A–E it is the check the fixes were built against, so it is not an independent check of them: its figures before and after are in docs/decisions/0011-routing-weaknesses.md.',
  scenarios: [equalReplicas, slowFailures, swinging, priceyOutlier],
};
