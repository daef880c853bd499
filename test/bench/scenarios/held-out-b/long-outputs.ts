import { type Scenario, workload } from '../scenario.js';
import { mid, swift, thrift } from './profiles.js';

/** B5. Generation-heavy calls: long answers, mostly streamed; decode speed dominates. */
export const longOutputs: Scenario = {
  name: 'long-outputs',
  title: 'Answers of median 900 tokens (to 8k), 80% streamed, 4 requests/s',
  description: 'A request mix unlike the main one in the other direction from long-context.',
  providers: [swift, mid, thrift],
  workload: workload(180_000, 4, {
    outputTokens: { kind: 'lognormal', median: 900, sigma: 0.7, min: 20, max: 8_000 },
    streamShare: 0.8,
  }),
};
