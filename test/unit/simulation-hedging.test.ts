import { describe, expect, it } from 'vitest';
import '../../index.js'; // registers the built-in strategies
import { type SimulatedProviderSpec, simulate, type WorkloadSpec } from '../../modules/lab/index.js';

/** Two equal providers; `slow` is 20× slower for the middle third of the run. */
const providers: SimulatedProviderSpec[] = [
  {
    id: 'slow',
    latency: { ttftMs: 200, prefillTokensPerSec: 10_000, decodeTokensPerSec: 100, sigma: 0.2 },
    price: { inputPerMTok: 1, outputPerMTok: 4 },
    phases: [{ from: 20_000, until: 40_000, latencyFactor: 20 }],
  },
  {
    id: 'steady',
    latency: { ttftMs: 200, prefillTokensPerSec: 10_000, decodeTokensPerSec: 100, sigma: 0.2 },
    price: { inputPerMTok: 1, outputPerMTok: 4 },
  },
];
const workload: WorkloadSpec = {
  durationMs: 60_000,
  ratePerSec: 4,
  inputTokens: { kind: 'fixed', value: 400 },
  outputTokens: { kind: 'fixed', value: 50 },
  streamShare: 0.5,
};

describe('the lab with hedged requests', () => {
  it('hedges around a slow phase: lower p99, a higher cost, the same figures for the same seed', async () => {
    const run = (hedge?: { delayMs: number | 'p95' }) =>
      simulate({ providers, workload, strategy: 'round-robin', seed: 3, router: { hedge } });
    const off = await run();
    const on = await run({ delayMs: 'p95' });
    expect(on.metrics.calls).toBe(off.metrics.calls);
    expect(on.metrics.p99Ms).toBeLessThan(off.metrics.p99Ms / 2);
    expect(on.metrics.costPer1k).toBeGreaterThan(off.metrics.costPer1k);
    // Hedges are attempts: more attempts than calls reached the providers.
    expect(on.attempts.length).toBeGreaterThan(off.attempts.length);
    const again = await run({ delayMs: 'p95' });
    expect(again.metrics).toEqual(on.metrics);
  });
});
