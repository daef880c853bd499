import type { Scenario } from './scenario.js';
import { OUTPUT_MIX, workload } from './scenario.js';

/**
 * 6. `short-first` answers short prompts quickly but prefills slowly; `long-first` has a high
 * fixed TTFT but prefills 16× faster. Same decode speed and price: only context matters.
 */
export const prefillDecode: Scenario = {
  name: 'prefill-decode',
  title: '`short-first` is quick on short prompts, `long-first` on long ones (same price)',
  description: 'Context matters: the right pick depends on the prompt length of each call.',
  providers: [
    {
      id: 'short-first',
      latency: {
        ttftMs: 150,
        prefillTokensPerSec: 2_500,
        decodeTokensPerSec: 90,
        sigma: 0.25,
        loadFactor: 0.01,
      },
      failure: { errorRate: 0.005 },
      price: { inputPerMTok: 1, outputPerMTok: 4 },
    },
    {
      id: 'long-first',
      latency: {
        ttftMs: 900,
        prefillTokensPerSec: 40_000,
        decodeTokensPerSec: 90,
        sigma: 0.25,
        loadFactor: 0.01,
      },
      failure: { errorRate: 0.005 },
      price: { inputPerMTok: 1, outputPerMTok: 4 },
    },
  ],
  workload: workload(180_000, 8, {
    inputTokens: {
      kind: 'mix',
      parts: [
        { weight: 65, dist: { kind: 'lognormal', median: 400, sigma: 0.8, min: 20, max: 4_000 } },
        { weight: 35, dist: { kind: 'lognormal', median: 12_000, sigma: 0.6, min: 2_000, max: 120_000 } },
      ],
    },
    outputTokens: OUTPUT_MIX,
  }),
};
