/**
 * Hedged requests in the lab: p99 latency and cost with and without hedging on the scenarios
 * where a provider is sometimes slow (`slow-spike`: one provider 10× slower for 30 s;
 * `heavy-tail`: one provider with a heavy-tailed latency). Deterministic: the same seeds give
 * the same figures. Separate from `npm run bench:routing` (which it would slow down).
 *
 *   npm run bench:hedging                       # seeds 1–10, strategies round-robin and adaptive
 *   npm run bench:hedging -- --seeds 3 --strategy adaptive
 */
import '../../../index.js'; // registers the built-in strategies
import type { HedgeOptions, RouteRule } from '../../../index.js';
import { simulate } from '../../../modules/lab/index.js';
import { labScenarios } from '../scenarios/index.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

const seeds = Array.from({ length: Number(arg('seeds') ?? 10) }, (_, i) => i + 1);
const strategies = (arg('strategy') ?? 'round-robin,adaptive').split(',');
const SCENARIOS = ['slow-spike', 'heavy-tail'];
const CONFIGS: ReadonlyArray<{
  readonly name: string;
  readonly hedge?: HedgeOptions;
  readonly routes?: readonly RouteRule[];
}> = [
  { name: 'off' },
  { name: 'p95', hedge: { delayMs: 'p95' } },
  { name: 'fixed 2 s', hedge: { delayMs: 2000 } },
  // Streams only: time to first content is short and varies little with the answer's length.
  {
    name: 'p95, streams only',
    routes: [{ name: 'hedge-streams', when: { stream: true }, hedge: { delayMs: 'p95' } }],
  },
];

interface Row {
  p50: number;
  p95: number;
  p99: number;
  streamP99: number;
  costPer1k: number;
  errorRate: number;
  hedgesPer1k: number;
  hedgeWins: number;
}

function p99Of(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? 0;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function run(
  scenarioName: string,
  strategy: string,
  config: (typeof CONFIGS)[number],
  seed: number,
): Promise<Row> {
  const scenario = labScenarios.find((s) => s.name === scenarioName)!;
  let hedges = 0;
  let hedgeWins = 0;
  const result = await simulate({
    providers: scenario.providers,
    workload: scenario.workload,
    router: { ...scenario.router, hedge: config.hedge, routes: config.routes },
    strategy,
    seed,
    onRouter: (router) => {
      router.on('hedge:start', () => hedges++);
      router.on('hedge:won', (e) => {
        if (e.hedge) hedgeWins++;
      });
    },
  });
  const m = result.metrics;
  return {
    p50: m.p50Ms,
    p95: m.p95Ms,
    p99: m.p99Ms,
    streamP99: p99Of(result.calls.filter((c) => c.stream).map((c) => c.latencyMs)),
    costPer1k: m.costPer1k,
    errorRate: m.errorRate,
    hedgesPer1k: (hedges / m.calls) * 1000,
    hedgeWins: hedges === 0 ? 0 : hedgeWins / hedges,
  };
}

const started = Date.now();
console.log(`seeds ${seeds[0]}–${seeds.at(-1)}; figures are means over the seeds\n`);
console.log(
  '| scenario | strategy | hedging | p50 ms | p95 ms | p99 ms | stream p99 ms | $/1k calls | errors | hedges /1k calls | hedges that won |',
);
console.log('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const scenario of SCENARIOS) {
  for (const strategy of strategies) {
    for (const config of CONFIGS) {
      const rows: Row[] = [];
      for (const seed of seeds) rows.push(await run(scenario, strategy, config, seed));
      const f = (k: keyof Row) => mean(rows.map((r) => r[k]));
      console.log(
        `| ${scenario} | ${strategy} | ${config.name} | ${f('p50').toFixed(0)} | ${f('p95').toFixed(0)} | ${f('p99').toFixed(0)} | ${f('streamP99').toFixed(0)} | ${f('costPer1k').toFixed(3)} | ${(f('errorRate') * 100).toFixed(2)}% | ${f('hedgesPer1k').toFixed(0)} | ${(f('hedgeWins') * 100).toFixed(0)}% |`,
      );
    }
  }
}
console.log(`\n${((Date.now() - started) / 1000).toFixed(1)} s`);
