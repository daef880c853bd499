import { balanced, premium, type Scenario, workload } from './scenario.js';

/** 7. The best provider has a low requests-per-minute limit and answers 429 + Retry-After beyond it. */
export const rateLimits: Scenario = {
  name: 'rate-limits',
  title: '`capped` (fast and cheap) accepts 60 requests per minute, then 429 + Retry-After',
  description: 'Use the capped provider up to its limit, and do not hammer it while it is blocked.',
  providers: [
    premium,
    balanced,
    {
      id: 'capped',
      latency: {
        ttftMs: 300,
        prefillTokensPerSec: 15_000,
        decodeTokensPerSec: 120,
        sigma: 0.3,
        loadFactor: 0.01,
      },
      failure: { errorRate: 0.005, rpmLimit: 60, errorLatencyMs: 30 },
      price: { inputPerMTok: 0.3, outputPerMTok: 1.2 },
    },
  ],
  workload: workload(180_000, 6),
};
