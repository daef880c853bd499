import { type Scenario, workload } from '../scenario.js';
import { frugal, rapid, steady } from './profiles.js';

/** C4. The cheapest provider gets three times faster over two minutes. */
export const gettingFaster: Scenario = {
  name: 'getting-faster',
  title: '`frugal` goes from its usual speed to 3× faster between 60 s and 180 s',
  description: 'The reverse of drift: a provider that improves should win traffic as it does.',
  providers: [
    rapid,
    steady,
    {
      ...frugal,
      phases: [
        { from: 60_000, state: 'healthy', latencyFactor: 1, latencyFactorEnd: 1 / 3, rampMs: 120_000 },
      ],
    },
  ],
  workload: workload(260_000, 6),
};
