/**
 * Try strategies before you deploy: the same three providers and workload through the real
 * Router on a virtual clock, for several strategies and the oracle, over a few seeds. One
 * provider becomes 10× slower for 30 s in the middle of the run. No API keys, no network, no
 * real waiting (three minutes of traffic take well under a second per run).
 *
 * Run: npx tsx examples/simulation.ts
 */
import 'switchyard-llm'; // registers the built-in strategies by name
import {
  callMetrics,
  type LabStrategy,
  oracle,
  regretOf,
  type SimulatedProviderSpec,
  simulate,
  type WorkloadSpec,
} from 'switchyard-llm/lab';

const providers: SimulatedProviderSpec[] = [
  {
    id: 'fast',
    latency: {
      ttftMs: 350,
      prefillTokensPerSec: 12_000,
      decodeTokensPerSec: 110,
      sigma: 0.3,
      loadFactor: 0.01,
    },
    failure: { errorRate: 0.005 },
    price: { inputPerMTok: 2.5, outputPerMTok: 10 },
    phases: [{ from: 60_000, until: 90_000, state: 'degraded', latencyFactor: 10 }],
  },
  {
    id: 'balanced',
    latency: {
      ttftMs: 500,
      prefillTokensPerSec: 8_000,
      decodeTokensPerSec: 80,
      sigma: 0.3,
      loadFactor: 0.01,
    },
    failure: { errorRate: 0.005 },
    price: { inputPerMTok: 0.8, outputPerMTok: 4 },
  },
  {
    id: 'cheap',
    latency: {
      ttftMs: 700,
      prefillTokensPerSec: 5_000,
      decodeTokensPerSec: 45,
      sigma: 0.35,
      loadFactor: 0.01,
    },
    failure: { errorRate: 0.01 },
    price: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  },
];

const workload: WorkloadSpec = {
  durationMs: 180_000,
  ratePerSec: 6,
  inputTokens: { kind: 'lognormal', median: 800, sigma: 1, max: 50_000 },
  outputTokens: { kind: 'lognormal', median: 250, sigma: 0.8, max: 4_000 },
  streamShare: 0.25,
};

const strategies: (string | LabStrategy)[] = [
  'random',
  'round-robin',
  'response-time',
  'adaptive',
  'intelligent',
  // The oracle learning of every change 5 s late: what reacting that late costs, at best.
  oracle({ lagMs: 5_000, name: 'oracle +5 s' }),
  oracle(),
];
const seeds = [1, 2, 3];

/** Calls that arrive in the first minute count as warm-up: every learning strategy starts blind. */
const warmUpMs = 60_000;

/** Mean of one metric over the seeds. */
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

const rows = [];
for (const strategy of strategies) {
  const runs = [];
  for (const seed of seeds) runs.push(await simulate({ providers, workload, strategy, seed }));
  const leave = runs.map((r) => r.detection[0]?.requestsToLeave ?? null);
  rows.push({
    name: runs[0]!.strategy,
    p95Ms: mean(runs.map((r) => r.metrics.p95Ms)),
    errorRate: mean(runs.map((r) => r.metrics.errorRate)),
    costPer1k: mean(runs.map((r) => r.metrics.costPer1k)),
    utility: mean(runs.map((r) => r.metrics.utility)),
    utilityAfterWarmUp: mean(runs.map((r) => callMetrics(r.calls.filter((c) => c.at >= warmUpMs)).utility)),
    leave: leave.map((n) => (n === null ? 'never' : String(n))).join('/'),
  });
}

const oracleRow = rows.find((r) => r.name === 'oracle')!;
const randomRow = rows.find((r) => r.name === 'random')!;
console.log(
  `${seeds.length} seeds, ${workload.ratePerSec} calls/s for ${workload.durationMs / 1000} s; 'fast' is 10× slower from 60 s to 90 s\n`,
);
console.log(
  'strategy        p95 ms   errors   $/1k   utility   regret  after 60 s   requests to leave "fast"',
);
for (const r of rows) {
  const regret = regretOf(r.utility, oracleRow.utility, randomRow.utility);
  const after = regretOf(r.utilityAfterWarmUp, oracleRow.utilityAfterWarmUp, randomRow.utilityAfterWarmUp);
  console.log(
    `${r.name.padEnd(14)} ${r.p95Ms.toFixed(0).padStart(7)} ${(r.errorRate * 100).toFixed(2).padStart(7)}% ${r.costPer1k
      .toFixed(2)
      .padStart(
        6,
      )} ${r.utility.toFixed(3).padStart(9)} ${(regret ?? Number.NaN).toFixed(2).padStart(8)} ${(after ?? Number.NaN).toFixed(2).padStart(11)}   ${r.leave}`,
  );
}
console.log(
  '\nregret: 0 = as good as the oracle, 1 = as bad as random picks; after 60 s: the same on the calls that arrive after the first minute (see docs/simulation.md)',
);
