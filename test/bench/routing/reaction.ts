/**
 * How late is too late: the oracle told of changes `lagMs` late, beside the learners, on the
 * scenarios where reaction time is the whole game (`npm run bench:reaction`). Prints, per
 * scenario, the regret (oracle 0, random 1, same seeds) of the oracle at each lag and of
 * `adaptive` and `intelligent`, and the median requests to leave a degraded provider and seconds
 * to come back. A learner scores like an oracle `x` s late when its regret matches that row:
 * the lag a goal allows says whether any strategy that learns from what it sees can reach it.
 *
 *   npm run bench:reaction                       # swinging, slow-failures, slow-spike; seeds 1–10
 *   npm run bench:reaction -- --scenario swinging --seeds 20 --lags 1000,2000,3000
 */
import { parseArgs } from 'node:util';
import '../../../index.js';
import { type LabStrategy, oracle, regretOf, simulate } from '../../../modules/lab/index.js';
import { labScenarios, type Scenario } from '../scenarios/index.js';

const { values: a } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'swinging,slow-failures,slow-spike' },
    seeds: { type: 'string', default: '10' },
    lags: { type: 'string', default: '1000,2000,3000,4000,6000,8000' },
    strategy: { type: 'string', default: 'adaptive,intelligent' },
  },
});

interface Row {
  readonly utility: number;
  readonly leave: number | null;
  readonly back: number | null;
}

const seeds = Array.from({ length: Number(a.seeds) }, (_, i) => i + 1);

async function runAll(scenario: Scenario, strategy: string | LabStrategy): Promise<Row> {
  let utility = 0;
  const leaves: number[] = [];
  const backs: number[] = [];
  for (const seed of seeds) {
    const result = await simulate({ ...scenario, strategy, seed });
    utility += result.metrics.utility;
    const d = result.detection[0];
    leaves.push(d?.requestsToLeave ?? Number.POSITIVE_INFINITY);
    if (d !== undefined && Number.isFinite(d.event.until))
      backs.push(d.secondsToReturn ?? Number.POSITIVE_INFINITY);
  }
  return { utility: utility / seeds.length, leave: median(leaves), back: median(backs) };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[sorted.length >> 1] ?? null;
}

const show = (x: number | null) =>
  x === null ? '—' : Number.isFinite(x) ? String(Math.round(x * 10) / 10) : 'never';

for (const name of a.scenario.split(',')) {
  const scenario = labScenarios.find((s) => s.name === name);
  if (scenario === undefined) throw new Error(`--scenario: no scenario named ${name}`);
  const best = await runAll(scenario, oracle());
  const random = await runAll(scenario, 'random');
  const rows: [string, Row][] = [];
  for (const lag of a.lags.split(',').map(Number))
    rows.push([`oracle ${lag / 1000} s late`, await runAll(scenario, oracle({ lagMs: lag }))]);
  for (const strategy of a.strategy.split(',')) rows.push([strategy, await runAll(scenario, strategy)]);
  console.log(`\n${name} (seeds 1–${seeds.length}; balanced weights)\n`);
  console.log('| strategy | regret | leave (requests, median) | return (s, median) |\n|---|--:|--:|--:|');
  for (const [label, row] of rows) {
    const regret = regretOf(row.utility, best.utility, random.utility);
    console.log(
      `| ${label} | ${regret === null ? '—' : regret.toFixed(3)} | ${show(row.leave)} | ${show(row.back)} |`,
    );
  }
}
