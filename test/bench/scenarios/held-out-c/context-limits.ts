import { type Scenario, workload } from '../scenario.js';
import { compact, frugal, steady } from './profiles.js';

/** C1. The best provider for short prompts cannot take long ones (an 8k context window). */
export const contextLimits: Scenario = {
  name: 'context-limits',
  title: '`compact` is quick and cheap but takes prompts of at most 8k tokens',
  description: 'The router offers `compact` only for prompts that fit; the rest must be split well.',
  providers: [compact, steady, frugal],
  workload: workload(200_000, 7),
};
