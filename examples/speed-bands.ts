/**
 * `adaptive`'s speed bands: which provider is faster can depend on the request's size.
 *
 * 1. Prompt bands (`bandEdges`, on by default): one provider starts answering quickly but reads
 *    long prompts slowly, the other has a slow first token but a fast prefill. `adaptive` learns a
 *    speed factor per prompt-length band and sends short prompts to one, long prompts to the
 *    other; with `bandEdges: []` (one speed ratio per provider) it cannot tell them apart.
 * 2. Answer bands (`outputBandEdges`, off by default): one provider starts quickly but writes
 *    slowly, the other the reverse, and the requests' `maxOutputTokens` say how long the answer
 *    may be. With `outputBandEdges: [512]` short answers go to one and long ones to the other.
 *
 * Simulated on a virtual clock: no keys, no network.
 *
 * Run: npx tsx examples/speed-bands.ts
 */
import 'switchyard-llm'; // registers the built-in strategies by name
import {
  type CallRecord,
  type LabStrategy,
  oracle,
  regretOf,
  type SimulatedProviderSpec,
  simulate,
  type WorkloadSpec,
} from 'switchyard-llm/lab';
import { type AdaptiveOptions, adaptive } from 'switchyard-llm/strategies';

/** A provider with a first token after `ttftMs`, reading and writing at the given rates. */
function provider(id: string, ttftMs: number, prefillTokensPerSec: number, decodeTokensPerSec: number) {
  const spec: SimulatedProviderSpec = {
    id,
    latency: { ttftMs, prefillTokensPerSec, decodeTokensPerSec, sigma: 0.25, loadFactor: 0.01 },
    price: { inputPerMTok: 1, outputPerMTok: 4 },
  };
  return spec;
}

/** `adaptive` with other options, under a name of its own for the table. */
const variant = (name: string, options: AdaptiveOptions): LabStrategy => ({
  name,
  create: () => adaptive(options),
});

/**
 * Runs each strategy on three seeds and prints its regret and, over the calls that arrive after
 * the first minute, the share of `small` and of the other calls that went to provider `first`.
 */
async function compare(
  title: string,
  providers: SimulatedProviderSpec[],
  workload: WorkloadSpec,
  strategies: (string | LabStrategy)[],
  small: (call: CallRecord) => boolean,
  labels: [string, string],
): Promise<void> {
  const first = providers[0]!.id;
  const shareOfFirst = (calls: readonly CallRecord[]) =>
    calls.filter((c) => c.target === first).length / Math.max(1, calls.length);
  const seeds = [1, 2, 3];
  const rows = [];
  for (const strategy of [...strategies, 'random', oracle()]) {
    let utility = 0;
    let smallShare = 0;
    let largeShare = 0;
    for (const seed of seeds) {
      const run = await simulate({ providers, workload, strategy, seed });
      utility += run.metrics.utility / seeds.length;
      const late = run.calls.filter((c) => c.at >= 60_000);
      smallShare += shareOfFirst(late.filter(small)) / seeds.length;
      largeShare += shareOfFirst(late.filter((c) => !small(c))) / seeds.length;
    }
    rows.push({
      name: typeof strategy === 'string' ? strategy : strategy.name,
      utility,
      smallShare,
      largeShare,
    });
  }
  const oracleUtility = rows.find((r) => r.name === 'oracle')!.utility;
  const randomUtility = rows.find((r) => r.name === 'random')!.utility;
  const percent = (share: number) => `${(share * 100).toFixed(0)}%`.padStart(16);
  console.log(`\n${title}`);
  console.log(`${'strategy'.padEnd(30)}${'regret'.padStart(8)}   to ${first}: ${labels[0]} / ${labels[1]}`);
  for (const r of rows) {
    const regret = regretOf(r.utility, oracleUtility, randomUtility)?.toFixed(2) ?? 'n/a';
    console.log(`${r.name.padEnd(30)}${regret.padStart(8)}${percent(r.smallShare)}${percent(r.largeShare)}`);
  }
}

// 1. Prompt bands: two prompts in three are short (around 400 tokens), one in three long (12k).
await compare(
  '1. Prompt bands: quick-start (fast first token, slow prefill) vs fast-prefill',
  [provider('quick-start', 150, 2_500, 90), provider('fast-prefill', 900, 40_000, 90)],
  {
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
  },
  ['adaptive', variant('adaptive, bandEdges: []', { bandEdges: [] })],
  (call) => call.inputTokens < 2_000,
  ['short prompts', 'long prompts'],
);

// 2. Answer bands: half the answers are short (around 60 tokens, capped at 256), half long
//    (around 900 tokens, capped at 512 or more); prompts are alike.
await compare(
  '2. Answer bands: quick-start (fast first token, slow writing) vs fast-writer',
  [provider('quick-start', 300, 10_000, 40), provider('fast-writer', 1_500, 10_000, 150)],
  {
    durationMs: 180_000,
    ratePerSec: 5,
    inputTokens: { kind: 'lognormal', median: 500, sigma: 0.6, max: 4_000 },
    outputTokens: {
      kind: 'mix',
      parts: [
        { weight: 1, dist: { kind: 'lognormal', median: 60, sigma: 0.6, min: 5, max: 250 } },
        { weight: 1, dist: { kind: 'lognormal', median: 900, sigma: 0.5, min: 300, max: 4_000 } },
      ],
    },
  },
  ['adaptive', variant('adaptive, outputBandEdges', { outputBandEdges: [512] })],
  (call) => call.outputTokens <= 256, // capped at 256: the first output band
  ['short answers', 'long answers'],
);
