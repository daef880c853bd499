import type { ProviderPhase } from '../../../../modules/lab/index.js';
import { type Scenario, workload } from '../scenario.js';
import { heron, kestrel, plover } from './profiles.js';

/** Slow spells of `heron`: 15 s slow (5×) every 30 s, from 30 s on. */
const swings: ProviderPhase[] = Array.from({ length: 7 }, (_, i) => ({
  from: 30_000 + i * 30_000,
  until: 45_000 + i * 30_000,
  latencyFactor: 5,
}));

/** F3. `heron` swings between its usual speed and 5× slower every 15 s. */
export const swinging: Scenario = {
  name: 'swinging',
  title: '`heron` is 5× slower for 15 s of every 30 s from 30 s on',
  description: 'A provider that keeps changing: follow each change within seconds, not half a spell late.',
  providers: [kestrel, { ...heron, phases: swings }, plover],
  workload: workload(240_000, 8),
};
