import { type Scenario, workload } from '../scenario.js';
import { east, north, west } from './profiles.js';

/** D4. `east` becomes 6× slower and fails 20% of its calls (after 4 s) for 45 s, then recovers. */
export const slowAndFailing: Scenario = {
  name: 'slow-and-failing',
  title: '`east` is 6× slower and fails 20% of calls (slowly) from 70 s to 115 s',
  description: 'A degradation that hurts twice: leave fast, and come back after recovery.',
  providers: [
    north,
    {
      ...east,
      failure: { ...east.failure, errorLatencyMs: 4_000 },
      phases: [{ from: 70_000, until: 115_000, state: 'degraded', latencyFactor: 6, errorRate: 0.2 }],
    },
    west,
  ],
  goals: true,
  workload: workload(210_000, 8),
};
