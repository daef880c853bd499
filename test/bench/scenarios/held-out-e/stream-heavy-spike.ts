import { type Scenario, workload } from '../scenario.js';
import { alpha, beta, gamma } from './profiles.js';

/** E1. Seven calls in ten are streamed; `beta` is 6× slower from 70 s to 100 s, then recovers. */
export const streamHeavySpike: Scenario = {
  name: 'stream-heavy-spike',
  title: '`beta` is 6× slower at 70–100 s; 70% of the calls are streamed',
  description: 'A spike seen mostly through streams: leave fast, come back after it.',
  providers: [alpha, { ...beta, phases: [{ from: 70_000, until: 100_000, latencyFactor: 6 }] }, gamma],
  goals: true,
  workload: workload(200_000, 9, { streamShare: 0.7 }),
};
