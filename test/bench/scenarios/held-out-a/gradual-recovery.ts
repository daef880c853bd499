import { type Scenario, workload } from '../scenario.js';
import { economy, standard, turbo } from './profiles.js';

/** H3. A provider starts 4× slow and recovers steadily over two minutes. */
export const gradualRecovery: Scenario = {
  name: 'gradual-recovery',
  title: '`standard` starts 4× slower and recovers linearly to 1× between 30 s and 150 s',
  description: 'The reverse of drift: traffic must find a provider as it gets better.',
  providers: [
    turbo,
    {
      ...standard,
      phases: [
        { from: 0, until: 30_000, latencyFactor: 4 },
        { from: 30_000, latencyFactor: 4, latencyFactorEnd: 1, rampMs: 120_000 },
      ],
    },
    economy,
  ],
  workload: workload(240_000, 6),
};
