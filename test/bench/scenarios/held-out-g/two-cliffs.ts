import { type Scenario, workload } from '../scenario.js';
import { dart, marten, wren } from './profiles.js';

/**
 * G3. Two cliffs: `dart` is best up to 1,500 prompt tokens and 3× slower past them, `marten`
 * best up to 10,000 and 3× slower past them, `wren` slow and cheap throughout: three prompt
 * ranges with a different best provider each.
 */
export const twoCliffs: Scenario = {
  name: 'two-cliffs',
  title: '`dart` 3× slower past 1,500 prompt tokens, `marten` past 10,000, `wren` steady; 6 calls/s',
  description: 'Piecewise latency in the prompt size: a different best provider in each of three ranges.',
  providers: [dart, marten, wren],
  workload: workload(180_000, 6),
};
