import { type Scenario, workload } from '../scenario.js';
import { kite, mako } from './profiles.js';

/**
 * G2. `mako` is fastest for plain calls at any load, but its streams slow by 25% per other call
 * in flight; half the calls stream, at 8 calls/s: an interaction of stream and load.
 */
export const streamContention: Scenario = {
  name: 'stream-contention',
  title:
    "`mako`'s streams slow by 25% per call in flight (plain calls barely); half the calls stream; 8 calls/s",
  description:
    'Latency driven by stream × load: plain calls to `mako`, streams to it only while it is quiet.',
  providers: [mako, kite, { ...kite, id: 'kite-2', price: { inputPerMTok: 0.9, outputPerMTok: 3.6 } }],
  workload: workload(180_000, 8, { streamShare: 0.5 }),
};
