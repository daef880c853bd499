import { type Scenario, workload } from '../scenario.js';
import { east, north, south } from './profiles.js';

/** D2. `north` slows down over 30 s to 5× its usual latency, stays there for 40 s, then recovers at once. */
export const gradualSpike: Scenario = {
  name: 'gradual-spike',
  title: '`north` slows to 5× over 30 s from 50 s, stays 5× slower until 120 s, then recovers',
  description: 'A slowdown that creeps in: notice it before it is at its worst, and come back after.',
  providers: [
    {
      ...north,
      phases: [
        { from: 50_000, until: 80_000, latencyFactor: 1, latencyFactorEnd: 5, rampMs: 30_000 },
        { from: 80_000, until: 120_000, latencyFactor: 5 },
      ],
    },
    east,
    south,
  ],
  workload: workload(220_000, 9),
};
