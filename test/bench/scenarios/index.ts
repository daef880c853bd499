/** Every scenario of the routing-quality lab, in report order. */
import { drift } from './drift.js';
import { failFast } from './fail-fast.js';
import { heldOutA } from './held-out-a/index.js';
import { heldOutB } from './held-out-b/index.js';
import { heldOutC } from './held-out-c/index.js';
import { heldOutD } from './held-out-d/index.js';
import { heldOutE } from './held-out-e/index.js';
import { heldOutF } from './held-out-f/index.js';
import { heldOutG } from './held-out-g/index.js';
import { outage } from './outage.js';
import { prefillDecode } from './prefill-decode.js';
import { priceChange } from './price-change.js';
import { rateLimits } from './rate-limits.js';
import type { HeldOutSet, Scenario } from './scenario.js';
import { slowSpike } from './slow-spike.js';
import { stationary } from './stationary.js';

export type { HeldOutSet, Scenario };

export const scenarios: readonly Scenario[] = [
  stationary,
  slowSpike,
  failFast,
  drift,
  outage,
  prefillDecode,
  rateLimits,
  priceChange,
];

/** The held-out sets, oldest first (see {@link HeldOutSet}). */
export const heldOutSets: readonly HeldOutSet[] = [
  heldOutA,
  heldOutB,
  heldOutC,
  heldOutD,
  heldOutE,
  heldOutF,
  heldOutG,
];

/** Every held-out scenario, set by set. */
export const heldOutScenarios: readonly Scenario[] = heldOutSets.flatMap((set) => set.scenarios);

/** Every scenario the lab runs (main, then held-out); jobs refer to them by index. */
export const labScenarios: readonly Scenario[] = [...scenarios, ...heldOutScenarios];
