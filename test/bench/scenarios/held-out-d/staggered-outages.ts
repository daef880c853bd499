import { type Scenario, workload } from '../scenario.js';
import { east, north, south, west } from './profiles.js';

/** D3. Two providers go down in turn (fast 503s): `east` at 40–80 s, `west` at 110–150 s. */
export const staggeredOutages: Scenario = {
  name: 'staggered-outages',
  title: '`east` is down (fast 503s) at 40–80 s, then `west` at 110–150 s; four providers',
  description: 'Leave each failing provider and bring traffic back to it, one after the other.',
  providers: [
    north,
    { ...east, phases: [{ from: 40_000, until: 80_000, state: 'outage' }] },
    south,
    { ...west, phases: [{ from: 110_000, until: 150_000, state: 'outage' }] },
  ],
  goals: true,
  workload: workload(230_000, 10),
};
