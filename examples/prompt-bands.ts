/**
 * `adaptive` with prompt bands: one provider starts answering quickly but reads long prompts
 * slowly, the other has a slow first token but a fast prefill. Which one is faster depends on
 * the prompt's length. `adaptive` learns a speed factor per prompt-length band (`bandEdges`), so
 * it sends short prompts to one and long prompts to the other; with `bandEdges: []` (one speed
 * ratio per provider) it cannot tell them apart. Simulated on a virtual clock: no keys, no network.
 *
 * Run: npx tsx examples/prompt-bands.ts
 */
import '../index.js'; // registers the built-in strategies by name
import {
  type CallRecord,
  type LabStrategy,
  oracle,
  regretOf,
  type SimulatedProviderSpec,
  simulate,
  type WorkloadSpec,
} from '../src/testing/index.js';
import { adaptive } from '../strategies/index.js';

const providers: SimulatedProviderSpec[] = [
  {
    id: 'quick-start',
    latency: {
      ttftMs: 150,
      prefillTokensPerSec: 2_500,
      decodeTokensPerSec: 90,
      sigma: 0.25,
      loadFactor: 0.01,
    },
    price: { inputPerMTok: 1, outputPerMTok: 4 },
  },
  {
    id: 'fast-prefill',
    latency: {
      ttftMs: 900,
      prefillTokensPerSec: 40_000,
      decodeTokensPerSec: 90,
      sigma: 0.25,
      loadFactor: 0.01,
    },
    price: { inputPerMTok: 1, outputPerMTok: 4 },
  },
];

/** Two prompts in three are short (around 400 tokens), one in three long (around 12k). */
const workload: WorkloadSpec = {
  durationMs: 180_000,
  ratePerSec: 6,
  inputTokens: {
    kind: 'mix',
    parts: [
      { weight: 2, dist: { kind: 'lognormal', median: 400, sigma: 0.6, max: 1_500 } },
      { weight: 1, dist: { kind: 'lognormal', median: 12_000, sigma: 0.5, min: 4_000, max: 60_000 } },
    ],
  },
  outputTokens: { kind: 'lognormal', median: 150, sigma: 0.6, max: 1_000 },
};

/** The same strategy with one speed ratio per provider, under a name of its own for the table. */
const oneRatio: LabStrategy = { name: 'adaptive, bandEdges: []', create: () => adaptive({ bandEdges: [] }) };
const strategies: (string | LabStrategy)[] = ['random', 'adaptive', oneRatio, oracle()];
const seeds = [1, 2, 3];

/** Share of the calls (arriving after the first minute) that `quick-start` answered. */
const quickStartShare = (calls: readonly CallRecord[]) =>
  calls.filter((c) => c.target === 'quick-start').length / Math.max(1, calls.length);

const rows = [];
for (const strategy of strategies) {
  let utility = 0;
  let short = 0;
  let long = 0;
  const name = typeof strategy === 'string' ? strategy : strategy.name;
  for (const seed of seeds) {
    const run = await simulate({ providers, workload, strategy, seed });
    utility += run.metrics.utility / seeds.length;
    const late = run.calls.filter((c) => c.at >= 60_000);
    short += quickStartShare(late.filter((c) => c.inputTokens < 2_000)) / seeds.length;
    long += quickStartShare(late.filter((c) => c.inputTokens >= 2_000)) / seeds.length;
  }
  rows.push({ name, utility, short, long });
}

const oracleUtility = rows.find((r) => r.name === 'oracle')!.utility;
const randomUtility = rows.find((r) => r.name === 'random')!.utility;
const percent = (share: number) => `${(share * 100).toFixed(0)}%`.padStart(16);
console.log(`${'strategy'.padEnd(26)}${'regret'.padStart(8)}   to quick-start: short prompts / long prompts`);
for (const r of rows) {
  const regret = regretOf(r.utility, oracleUtility, randomUtility)?.toFixed(2) ?? 'n/a';
  console.log(`${r.name.padEnd(26)}${regret.padStart(8)}${percent(r.short)}${percent(r.long)}`);
}
