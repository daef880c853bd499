import { type Scenario, workload } from '../scenario.js';
import { alpha, beta, gamma } from './profiles.js';

/**
 * E3. 16 calls/s: `gamma` is cheap but slows by 3% per call in flight, so sending it everything
 * makes it slow; the best split keeps it busy but not crowded.
 */
export const crowdedCheap: Scenario = {
  name: 'crowded-cheap',
  title: '16 calls/s; the cheap `gamma` slows by 3% per call in flight',
  description: 'Load matters: share traffic so that the cheap provider does not drown.',
  providers: [alpha, beta, gamma],
  workload: workload(150_000, 16),
};
