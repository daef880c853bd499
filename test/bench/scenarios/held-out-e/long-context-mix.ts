import { type Scenario, workload } from '../scenario.js';
import { alpha, beta, delta } from './profiles.js';

/**
 * E5. Seven prompts in ten are long documents (20k–60k tokens), the rest chat turns: prefill
 * speed decides long prompts, the first token short ones.
 */
export const longContextMix: Scenario = {
  name: 'long-context-mix',
  title: '70% long documents (20k–60k tokens), 30% chat turns',
  description: 'Mostly long prompts: prefill speed decides, and the bands past 8k tokens matter.',
  providers: [alpha, beta, delta],
  workload: workload(200_000, 4, {
    inputTokens: {
      kind: 'mix',
      parts: [
        { weight: 3, dist: { kind: 'lognormal', median: 500, sigma: 0.8, min: 20, max: 4_000 } },
        { weight: 7, dist: { kind: 'lognormal', median: 35_000, sigma: 0.35, min: 20_000, max: 60_000 } },
      ],
    },
  }),
};
