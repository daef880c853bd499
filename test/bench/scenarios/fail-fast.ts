import { balanced, budget, premium, type Scenario, workload } from './scenario.js';

/** 3. One provider answers 30% of its calls with a 503 in 20 ms (from 60 s on). */
export const failFast: Scenario = {
  name: 'fail-fast',
  title: '`balanced` answers 30% of calls with a 503 in 20 ms from 60 s on',
  description: 'Fast failures look fast: a latency-only strategy may prefer the failing provider.',
  providers: [
    premium,
    {
      ...balanced,
      failure: { ...balanced.failure, errorLatencyMs: 20 },
      phases: [{ from: 60_000, errorRate: 0.3 }],
    },
    budget,
  ],
  workload: workload(180_000, 8),
};
