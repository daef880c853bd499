import { balanced, budget, premium, type Scenario, workload } from './scenario.js';

/** 5. A provider is down for 60 s (fast 503s), then healthy again. */
export const outage: Scenario = {
  name: 'outage',
  title: '`balanced` is down (fast 503s) from 60 s to 120 s, then healthy again',
  description: 'Eject quickly, and bring traffic back after recovery (the breaker probes it).',
  providers: [premium, { ...balanced, phases: [{ from: 60_000, until: 120_000, state: 'outage' }] }, budget],
  goals: true,
  workload: workload(240_000, 8),
};
