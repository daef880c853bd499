import { balanced, budget, premium, type Scenario, workload } from './scenario.js';

/** 1. Three providers with different speed and price; nothing changes. */
export const stationary: Scenario = {
  name: 'stationary',
  title: 'Three providers with different speed and price, nothing changes',
  description: 'The steady state: does the strategy find the best trade-off and keep it?',
  providers: [premium, balanced, budget],
  workload: workload(180_000, 8),
};
