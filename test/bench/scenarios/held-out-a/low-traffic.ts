import { type Scenario, workload } from '../scenario.js';
import { economy, standard, turbo } from './profiles.js';

/** H4. One request per second; the best trade-off is 3× slower for two minutes. */
export const lowTraffic: Scenario = {
  name: 'low-traffic',
  title: '1 request/s; `standard` is 3× slower from 120 s to 240 s',
  description: 'Little data per second: time-based forgetting meets sparse observations.',
  providers: [turbo, { ...standard, phases: [{ from: 120_000, until: 240_000, latencyFactor: 3 }] }, economy],
  goals: true,
  workload: workload(360_000, 1),
};
