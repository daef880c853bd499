import { type Scenario, workload } from '../scenario.js';
import { lynx, otter, wren } from './profiles.js';

/**
 * G1. `lynx` is the best pick for short prompts and four times slower past 3,000 prompt tokens:
 * a step in the prompt size that a line can only average.
 */
export const longPromptCliff: Scenario = {
  name: 'long-prompt-cliff',
  title: '`lynx` is fastest, but 4× slower past 3,000 prompt tokens; 6 calls/s',
  description: 'Latency with a step in the prompt size: short prompts to `lynx`, long ones elsewhere.',
  providers: [lynx, otter, wren],
  workload: workload(180_000, 6),
};
