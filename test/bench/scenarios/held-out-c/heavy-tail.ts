import { type Scenario, workload } from '../scenario.js';
import { frugal, jittery, steady } from './profiles.js';

/** C3. The provider that is fastest at the median has a heavy tail: slower on average. */
export const heavyTail: Scenario = {
  name: 'heavy-tail',
  title: '`jittery` is faster than `steady` at the median but, with a heavy tail, slower on average',
  description: 'Judge providers by what calls cost on average, not by their typical call.',
  providers: [jittery, steady, frugal],
  workload: workload(200_000, 6),
};
