/**
 * What session affinity saves with providers that discount cached prompt prefixes: the same
 * chat workload (5 minutes at 5 calls/s over 500 sessions, each call starting with its session's
 * 3,000-token prefix) through
 * three strategies, with and without `affinity`, on simulated providers whose prompt cache bills
 * a prefix read within 5 minutes at 10% of the input price. Virtual clock: no network, no waiting.
 *
 * Run: npx tsx examples/affinity-cost.ts
 */
import 'switchyard-llm'; // registers the built-in strategies by name
import { type SimulatedProviderSpec, simulate, type WorkloadSpec } from 'switchyard-llm/lab';

const cache = { ttlMs: 300_000, cachedInputFactor: 0.1 };
const price = { inputPerMTok: 3, outputPerMTok: 15 };
const providers: SimulatedProviderSpec[] = ['east', 'west', 'north'].map((id, i) => ({
  id,
  latency: { ttftMs: 300 + 100 * i, prefillTokensPerSec: 20_000, decodeTokensPerSec: 150, loadFactor: 0.02 },
  price,
  promptCache: cache,
}));
const workload: WorkloadSpec = {
  durationMs: 300_000,
  ratePerSec: 5,
  inputTokens: { kind: 'lognormal', median: 300, sigma: 0.8, max: 4000 },
  outputTokens: { kind: 'lognormal', median: 200, sigma: 0.6, max: 1500 },
  sessions: { count: 500, prefixTokens: 3000 },
};
const seeds = [1, 2, 3];

console.log(
  'strategy            affinity  $/1k calls  cached share of input  p95 ms   (mean of seeds 1, 2, 3)',
);
for (const strategy of ['round-robin', 'least-connections', 'response-time']) {
  for (const on of [false, true]) {
    let cost = 0;
    let cachedShare = 0;
    let p95 = 0;
    for (const seed of seeds) {
      const result = await simulate({
        seed,
        strategy,
        providers,
        workload,
        router: on ? { affinity: { by: 'session' } } : {},
      });
      let input = 0;
      let cached = 0;
      for (const call of result.calls) {
        input += call.inputTokens;
        cached += call.cachedInputTokens ?? 0;
      }
      cost += result.metrics.costPer1k;
      p95 += result.metrics.p95Ms;
      cachedShare += cached / input;
    }
    const n = seeds.length;
    console.log(
      `${strategy.padEnd(20)}${(on ? 'on' : 'off').padEnd(10)}${(cost / n).toFixed(3).padStart(10)}  ${((cachedShare / n) * 100).toFixed(1).padStart(20)}%  ${(p95 / n).toFixed(0).padStart(7)}`,
    );
  }
}
