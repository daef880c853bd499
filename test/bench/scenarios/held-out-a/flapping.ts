import { type Scenario, workload } from '../scenario.js';
import { economy, standard, turbo } from './profiles.js';

/** H5. A provider is down for 15 s out of every 45 s. */
export const flapping: Scenario = {
  name: 'flapping',
  title: '`standard` is down (fast 503s) at 30–45 s, 75–90 s, 120–135 s and 165–180 s',
  description: 'Repeated outages: the breaker and the strategy must not stay away for good.',
  providers: [
    turbo,
    {
      ...standard,
      phases: [30_000, 75_000, 120_000, 165_000].map((from) => ({
        from,
        until: from + 15_000,
        state: 'outage' as const,
      })),
    },
    economy,
  ],
  goals: true,
  workload: workload(210_000, 6),
};
