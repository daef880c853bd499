import { type Scenario, workload } from '../scenario.js';
import { economy, flaky, standard, turbo, turboMirror } from './profiles.js';

/** H1. Five providers, two of them near twins, one unreliable, at twice the main request rate. */
export const manyProviders: Scenario = {
  name: 'many-providers',
  title: 'Five providers (two near twins, one failing 8% of calls), 16 requests/s',
  description: 'More choices and more load than any main scenario; nothing changes.',
  providers: [turbo, turboMirror, standard, economy, flaky],
  workload: workload(150_000, 16),
};
