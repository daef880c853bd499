import { type Scenario, workload } from '../scenario.js';
import { heron, kestrel, plover } from './profiles.js';

/**
 * F4. A fourth provider, `condor`, a little faster than `kestrel` at ten times its price: under
 * the balanced and cost-first weights it is never worth a call, so trying it and revisiting it
 * is pure waste; exploration must be priced with the utility.
 */
export const priceyOutlier: Scenario = {
  name: 'pricey-outlier',
  title: '`condor` is a little faster than `kestrel` at 10× its price (30 / 120 USD per MTok)',
  description: 'Exploration priced with the weights: do not keep trying a target that cannot win.',
  providers: [
    kestrel,
    heron,
    plover,
    {
      id: 'condor',
      latency: {
        ttftMs: 280,
        prefillTokensPerSec: 16_000,
        decodeTokensPerSec: 115,
        sigma: 0.3,
        loadFactor: 0.008,
      },
      failure: { errorRate: 0.004 },
      price: { inputPerMTok: 30, outputPerMTok: 120 },
    },
  ],
  workload: workload(180_000, 6),
};
