import { type Scenario, workload } from '../scenario.js';
import { alpha, beta, delta } from './profiles.js';

/**
 * E2. Half the calls want a short reply (around 40 tokens), half an essay (around 1,200): `delta`
 * writes fastest but starts slowest, so the best pick depends on the answer's length.
 */
export const chatAndEssays: Scenario = {
  name: 'chat-and-essays',
  title: 'Short replies and long essays, half each; `delta` starts slowly but writes fastest',
  description: "The answer's length decides the pick; `maxOutputTokens` hints at it.",
  providers: [alpha, beta, delta],
  workload: workload(200_000, 6, {
    outputTokens: {
      kind: 'mix',
      parts: [
        { weight: 1, dist: { kind: 'lognormal', median: 40, sigma: 0.6, min: 5, max: 250 } },
        { weight: 1, dist: { kind: 'lognormal', median: 1_200, sigma: 0.4, min: 400, max: 4_000 } },
      ],
    },
  }),
};
