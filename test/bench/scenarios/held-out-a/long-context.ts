import { type Scenario, workload } from '../scenario.js';
import { economy, standard, turbo } from './profiles.js';

/** H6. Mostly long prompts, where prefill speed dominates latency. */
export const longContext: Scenario = {
  name: 'long-context',
  title: 'Prompts of 5k–60k tokens (median 20k), short answers; prefill speed dominates',
  description:
    'A request mix unlike the main one: what was learned about output-bound calls must not carry over.',
  providers: [turbo, standard, { ...economy, latency: { ...economy.latency, prefillTokensPerSec: 14_000 } }],
  workload: workload(150_000, 3, {
    inputTokens: { kind: 'lognormal', median: 20_000, sigma: 0.6, min: 5_000, max: 60_000 },
    outputTokens: { kind: 'lognormal', median: 120, sigma: 0.6, min: 5, max: 1_000 },
  }),
};
