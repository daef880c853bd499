import { type Scenario, workload } from '../scenario.js';
import { mid, swift, thrift } from './profiles.js';

/** B2. The best trade-off is down for the first 40 s of the run, then healthy for good. */
export const coldStart: Scenario = {
  name: 'cold-start',
  title: '`mid` is down (fast 503s) from 0 s to 40 s, then healthy',
  description: 'A target first seen failing must still be tried again and found to be the best.',
  providers: [swift, { ...mid, phases: [{ from: 0, until: 40_000, state: 'outage' }] }, thrift],
  workload: workload(180_000, 6),
};
