import { premium, type Scenario, workload } from './scenario.js';

/** 8. The cheapest provider doubles its price at 120 s (it stops being the best trade-off). */
export const priceChange: Scenario = {
  name: 'price-change',
  title: '`cheap` doubles its price at 120 s',
  description: 'Cost-aware strategies should move from `cheap` to `steady` when the price changes.',
  providers: [
    {
      id: 'cheap',
      latency: {
        ttftMs: 500,
        prefillTokensPerSec: 8_000,
        decodeTokensPerSec: 70,
        sigma: 0.3,
        loadFactor: 0.01,
      },
      failure: { errorRate: 0.005 },
      price: { inputPerMTok: 0.4, outputPerMTok: 1.6 },
      phases: [{ from: 120_000, state: 'healthy', priceFactor: 2 }],
    },
    {
      id: 'steady',
      latency: {
        ttftMs: 400,
        prefillTokensPerSec: 10_000,
        decodeTokensPerSec: 100,
        sigma: 0.3,
        loadFactor: 0.01,
      },
      failure: { errorRate: 0.005 },
      price: { inputPerMTok: 1, outputPerMTok: 4 },
    },
    premium,
  ],
  workload: workload(240_000, 6),
};
