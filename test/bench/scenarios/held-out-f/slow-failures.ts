import { type Scenario, workload } from '../scenario.js';
import { heron, kestrel, plover } from './profiles.js';

/** F2. `heron` fails 40% of its calls from 60 s to 180 s, and each failure takes 8 s. */
export const slowFailures: Scenario = {
  name: 'slow-failures',
  title: '`heron` fails 40% of calls from 60 s to 180 s; each failure takes 8 s',
  description:
    'A failure that costs its time to fail and the fallback after it: leave as fast as for fast failures.',
  providers: [
    kestrel,
    {
      ...heron,
      failure: { ...heron.failure, errorLatencyMs: 8_000 },
      phases: [{ from: 60_000, until: 180_000, errorRate: 0.4 }],
    },
    plover,
  ],
  goals: true,
  workload: workload(240_000, 8),
};
