import { type Scenario, workload } from '../scenario.js';
import { mid, swift, thrift } from './profiles.js';

/** B1. A provider fails 30% of calls for 90 s, and its failures take 6 s each. */
export const slowErrors: Scenario = {
  name: 'slow-errors',
  title: '`mid` fails 30% of calls from 60 s to 150 s; each failure takes 6 s',
  description: 'Failures that cost time, not fast 503s: leaving must be learned from slow errors.',
  providers: [
    swift,
    {
      ...mid,
      failure: { ...mid.failure, errorLatencyMs: 6_000 },
      phases: [{ from: 60_000, until: 150_000, errorRate: 0.3 }],
    },
    thrift,
  ],
  goals: true,
  workload: workload(210_000, 6),
};
