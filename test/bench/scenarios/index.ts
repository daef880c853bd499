/** Every scenario of the routing-quality lab, in report order. */
import { drift } from './drift.js';
import { failFast } from './fail-fast.js';
import { heldOutScenarios } from './held-out/index.js';
import { outage } from './outage.js';
import { prefillDecode } from './prefill-decode.js';
import { priceChange } from './price-change.js';
import { rateLimits } from './rate-limits.js';
import type { Scenario } from './scenario.js';
import { slowSpike } from './slow-spike.js';
import { stationary } from './stationary.js';

export type { Scenario };
export { heldOutScenarios };

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

/** Every scenario the lab runs (main, then held-out); jobs refer to them by index. */
export const labScenarios: readonly Scenario[] = [...scenarios, ...heldOutScenarios];
