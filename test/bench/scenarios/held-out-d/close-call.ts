import { type Scenario, workload } from '../scenario.js';
import { east, south, west } from './profiles.js';

/**
 * D5. Three providers close in speed and apart in price at 2 calls/s with long answers: the
 * noise is large next to the differences, and cost decides.
 */
export const closeCall: Scenario = {
  name: 'close-call',
  title: '`east` and `west` are close in speed, `south` slower and cheapest; 2 calls/s, long answers',
  description: 'Small differences under large noise: do not chase the noise, let price decide.',
  providers: [east, west, south],
  workload: workload(300_000, 2, {
    outputTokens: { kind: 'lognormal', median: 900, sigma: 0.6, min: 50, max: 4_000 },
  }),
};
