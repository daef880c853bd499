import { type Scenario, workload } from '../scenario.js';
import { economy, standard, turbo } from './profiles.js';

/** H2. The best trade-off is 5× slower three times, for 15 s each. */
export const repeatedSpikes: Scenario = {
  name: 'repeated-spikes',
  title: '`standard` is 5× slower at 40–55 s, 100–115 s and 160–175 s',
  description: 'Short, repeated spikes: leave each time, come back each time.',
  providers: [
    turbo,
    {
      ...standard,
      phases: [
        { from: 40_000, until: 55_000, latencyFactor: 5 },
        { from: 100_000, until: 115_000, latencyFactor: 5 },
        { from: 160_000, until: 175_000, latencyFactor: 5 },
      ],
    },
    economy,
  ],
  goals: true,
  workload: workload(220_000, 6),
};
