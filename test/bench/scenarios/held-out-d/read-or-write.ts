import { type Scenario, workload } from '../scenario.js';
import { reader, writer } from './profiles.js';

/**
 * D1. `reader` prefills 14× faster, `writer` decodes 3.7× faster (same price): the right pick
 * depends on the prompt's length and on the answer's.
 */
export const readOrWrite: Scenario = {
  name: 'read-or-write',
  title: '`reader` is quick on long prompts, `writer` on long answers (same price)',
  description: 'Context matters twice: the prompt length and the answer length both decide the pick.',
  providers: [reader, writer],
  workload: workload(200_000, 7, {
    inputTokens: {
      kind: 'mix',
      parts: [
        { weight: 1, dist: { kind: 'lognormal', median: 300, sigma: 0.7, min: 20, max: 3_000 } },
        { weight: 1, dist: { kind: 'lognormal', median: 9_000, sigma: 0.6, min: 1_500, max: 80_000 } },
      ],
    },
    outputTokens: {
      kind: 'mix',
      parts: [
        { weight: 1, dist: { kind: 'lognormal', median: 60, sigma: 0.5, min: 5, max: 400 } },
        { weight: 1, dist: { kind: 'lognormal', median: 700, sigma: 0.5, min: 150, max: 3_000 } },
      ],
    },
  }),
};
