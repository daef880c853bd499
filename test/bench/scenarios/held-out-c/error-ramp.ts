import { type Scenario, workload } from '../scenario.js';
import { frugal, rapid, steady } from './profiles.js';

/** C2. A provider's error rate climbs in steps (5%, 15%, 35%), then recovers. */
export const errorRamp: Scenario = {
  name: 'error-ramp',
  title: '`steady` fails 5% of calls from 60 s, 15% from 90 s, 35% from 120 s, then recovers at 180 s',
  description: 'A provider that gets worse bit by bit: when to leave, and coming back after.',
  providers: [
    rapid,
    {
      ...steady,
      phases: [
        { from: 60_000, until: 90_000, errorRate: 0.05 },
        { from: 90_000, until: 120_000, errorRate: 0.15 },
        { from: 120_000, until: 180_000, errorRate: 0.35 },
      ],
    },
    frugal,
  ],
  workload: workload(260_000, 6),
};
