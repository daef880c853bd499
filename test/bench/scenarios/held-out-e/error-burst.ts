import { type Scenario, workload } from '../scenario.js';
import { alpha, beta, gamma } from './profiles.js';

/** E4. `beta` answers 60% of its calls with a fast 503 for 20 s (110–130 s), then is healthy again. */
export const errorBurst: Scenario = {
  name: 'error-burst',
  title: '`beta` fails 60% of calls (fast 503s) at 110–130 s',
  description: 'A short burst of errors: avoid the failing provider, then use it again.',
  providers: [
    alpha,
    {
      ...beta,
      failure: { ...beta.failure, errorLatencyMs: 30 },
      phases: [{ from: 110_000, until: 130_000, errorRate: 0.6 }],
    },
    gamma,
  ],
  workload: workload(200_000, 8),
};
