import { type Scenario, workload } from '../scenario.js';
import { frugal, rapid, steady } from './profiles.js';

/** C5. The fastest provider's price drops to 40% for a minute, twice. */
export const priceSeesaw: Scenario = {
  name: 'price-seesaw',
  title: "`rapid`'s price is 40% of usual from 60 s to 120 s and from 180 s to 240 s",
  description: 'Prices that move back and forth: follow them both ways.',
  providers: [
    {
      ...rapid,
      phases: [
        { from: 60_000, until: 120_000, state: 'healthy', priceFactor: 0.4 },
        { from: 180_000, until: 240_000, state: 'healthy', priceFactor: 0.4 },
      ],
    },
    steady,
    frugal,
  ],
  workload: workload(300_000, 5),
};
