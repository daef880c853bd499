import { balanced, budget, premium, type Scenario, workload } from './scenario.js';

/** 2. One provider becomes 10× slower for 30 s, then recovers. */
export const slowSpike: Scenario = {
  name: 'slow-spike',
  title: '`balanced` is 10× slower from 60 s to 90 s, then recovers',
  description: 'A short latency spike: leave fast, come back after it.',
  providers: [premium, { ...balanced, phases: [{ from: 60_000, until: 90_000, latencyFactor: 10 }] }, budget],
  goals: true,
  workload: workload(180_000, 8),
};
