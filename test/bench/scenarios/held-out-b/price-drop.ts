import { type Scenario, workload } from '../scenario.js';
import { mid, swift, thrift } from './profiles.js';

/** B3. The fastest provider cuts its price to a quarter at 90 s. */
export const priceDrop: Scenario = {
  name: 'price-drop',
  title: '`swift` cuts its price to a quarter at 90 s',
  description: 'The reverse of price-change: traffic should move to a provider that became cheap.',
  providers: [{ ...swift, phases: [{ from: 90_000, state: 'healthy', priceFactor: 0.25 }] }, mid, thrift],
  workload: workload(240_000, 6),
};
