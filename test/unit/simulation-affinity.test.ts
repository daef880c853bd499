import { describe, expect, it } from 'vitest';
import '../../index.js'; // registers the built-in strategies
import {
  generateWorkload,
  promptOf,
  requestOf,
  SimulatedProvider,
  type SimulatedProviderSpec,
  simulate,
  type WorkloadSpec,
} from '../../modules/lab/index.js';
import { costOf, createSeededRandom } from '../../src/index.js';
import { VirtualClock } from '../../src/testing/index.js';

const spec: SimulatedProviderSpec = {
  id: 'p',
  latency: { ttftMs: 100, prefillTokensPerSec: 10_000, decodeTokensPerSec: 100, sigma: 0 },
  price: { inputPerMTok: 2, outputPerMTok: 8 },
  promptCache: { ttlMs: 60_000, cachedInputFactor: 0.1 },
};

const opts = (clock: VirtualClock) => ({
  signal: new AbortController().signal,
  target: 'p',
  clock,
  deadline: Number.POSITIVE_INFINITY,
});

const req = (key: string) => ({
  model: 'p',
  messages: [{ role: 'user' as const, content: promptOf(1500) }],
  maxOutputTokens: 256,
  providerOptions: { outputTokens: 10, cacheKey: key, prefixTokens: 1000 },
});

describe('simulated prompt cache', () => {
  it('discounts the prefix of a key served within the TTL, and only then', async () => {
    const clock = new VirtualClock();
    const p = new SimulatedProvider(spec, { random: createSeededRandom(1), clock });
    const first = await clock.run(p.complete(req('s1'), opts(clock)));
    expect(first.usage.cachedInputTokens).toBeUndefined();
    const second = await clock.run(p.complete(req('s1'), opts(clock)));
    expect(second.usage.cachedInputTokens).toBe(1000);
    const price = p.priceFor();
    expect(price.cachedInputPerMTok).toBeCloseTo(0.2);
    expect(costOf(second.usage, price)).toBeCloseTo((500 * 2 + 1000 * 0.2 + 10 * 8) / 1e6);
    expect((await clock.run(p.complete(req('s2'), opts(clock)))).usage.cachedInputTokens).toBeUndefined();
    await clock.advance(60_001);
    expect((await clock.run(p.complete(req('s1'), opts(clock)))).usage.cachedInputTokens).toBeUndefined();
  });

  it('a provider without a cache model never discounts', async () => {
    const clock = new VirtualClock();
    const { promptCache: _, ...plain } = spec;
    const p = new SimulatedProvider(plain, { random: createSeededRandom(1), clock });
    await clock.run(p.complete(req('s1'), opts(clock)));
    expect((await clock.run(p.complete(req('s1'), opts(clock)))).usage.cachedInputTokens).toBeUndefined();
    expect(p.priceFor().cachedInputPerMTok).toBeUndefined();
  });
});

describe('session workloads', () => {
  const base: WorkloadSpec = {
    durationMs: 60_000,
    ratePerSec: 2,
    inputTokens: { kind: 'fixed', value: 100 },
    outputTokens: { kind: 'fixed', value: 50 },
  };

  it('adds sessions without changing the draws of the other fields', () => {
    const plain = generateWorkload(base, createSeededRandom(3));
    const withSessions = generateWorkload(
      { ...base, sessions: { count: 4, prefixTokens: 1000 } },
      createSeededRandom(3),
    );
    expect(withSessions[0]!.at).toBe(plain[0]!.at);
    expect(withSessions[0]!.inputTokens).toBe(1100);
    expect(new Set(withSessions.map((c) => c.session))).toEqual(new Set([0, 1, 2, 3]));
    const request = requestOf(withSessions[0]!, undefined);
    expect(request.sessionId).toBe(`session-${withSessions[0]!.session}`);
    expect(requestOf(plain[0]!, undefined).sessionId).toBeUndefined();
  });

  it('affinity lowers the cost of a cached-prefix workload (same seed, same calls)', async () => {
    const providers: SimulatedProviderSpec[] = ['a', 'b', 'c'].map((id) => ({ ...spec, id }));
    const workload: WorkloadSpec = {
      durationMs: 120_000,
      ratePerSec: 3,
      inputTokens: { kind: 'fixed', value: 200 },
      outputTokens: { kind: 'fixed', value: 50 },
      sessions: { count: 150, prefixTokens: 2000 },
    };
    const run = (affinity: boolean) =>
      simulate({
        seed: 5,
        strategy: 'round-robin',
        providers,
        workload,
        router: affinity ? { affinity: {} } : {},
      });
    const off = await run(false);
    const on = await run(true);
    const cached = (r: typeof on) => r.calls.reduce((n, c) => n + (c.cachedInputTokens ?? 0), 0);
    expect(on.calls.length).toBe(off.calls.length);
    expect(cached(on)).toBeGreaterThan(cached(off) * 1.3);
    expect(on.metrics.costPer1k).toBeLessThan(off.metrics.costPer1k * 0.8);
    expect((await run(true)).metrics.costPer1k).toBe(on.metrics.costPer1k); // deterministic
  });
});
