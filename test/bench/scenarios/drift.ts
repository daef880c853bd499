import { balanced, budget, premium, type Scenario, workload } from './scenario.js';

/** 4. The fastest provider's latency grows steadily (1× → 6×) over 10 minutes. */
export const drift: Scenario = {
  name: 'drift',
  title: '`premium` (the fastest) slows down steadily from 1× to 6× over 10 minutes',
  description: 'A slow drift: no single observation looks bad; the estimate must follow the trend.',
  providers: [
    { ...premium, phases: [{ from: 60_000, latencyFactor: 1, latencyFactorEnd: 6, rampMs: 600_000 }] },
    balanced,
    budget,
  ],
  workload: workload(660_000, 4),
};
