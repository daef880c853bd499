import { type Scenario, workload } from '../scenario.js';
import { bulk, mid, swift } from './profiles.js';

/** B4. Three times the main request rate, with a provider that is best only while lightly loaded. */
export const heavyLoad: Scenario = {
  name: 'heavy-load',
  title: '24 requests/s; `bulk` is quick and cheap idle but 4% slower per call in flight',
  description: 'Load decides the best pick: sending everything to the idle favourite piles calls up.',
  providers: [swift, bulk, mid],
  workload: workload(150_000, 24),
};
