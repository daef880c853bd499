import { describe, expect, it } from 'vitest';
import { createSeededRandom, Router, type Strategy, StrategyRegistry } from '../../index.js';
import {
  deriveSeed,
  drawTokens,
  expectedOutputByCap,
  generateWorkload,
  oracle,
  promptOf,
  requestOf,
  SimulatedProvider,
  type SimulatedProviderSpec,
  type SimulationOptions,
  simulate,
  sizeOf,
  type WorkloadSpec,
} from '../../modules/lab/index.js';
import { fakeContext, fakeTargets } from '../../strategies/testing.js';

const provider = (
  id: string,
  ttftMs: number,
  extra: Partial<SimulatedProviderSpec> = {},
): SimulatedProviderSpec => ({
  id,
  latency: { ttftMs, prefillTokensPerSec: 10_000, decodeTokensPerSec: 100, sigma: 0.2, loadFactor: 0.01 },
  price: { inputPerMTok: 1, outputPerMTok: 4 },
  ...extra,
});

const workload: WorkloadSpec = {
  durationMs: 20_000,
  ratePerSec: 10,
  inputTokens: { kind: 'lognormal', median: 500, sigma: 0.8 },
  outputTokens: { kind: 'uniform', min: 20, max: 200 },
  streamShare: 0.3,
};

const small = (extra: Partial<SimulationOptions> = {}): SimulationOptions => ({
  providers: [provider('a', 200), provider('b', 600)],
  workload,
  strategy: 'round-robin',
  seed: 5,
  ...extra,
});

describe('workload', () => {
  it('draws Poisson arrivals at the rate, with the request mix, deterministically', () => {
    const calls = generateWorkload({ ...workload, durationMs: 100_000 }, createSeededRandom(1));
    expect(calls.length).toBeGreaterThan(900);
    expect(calls.length).toBeLessThan(1100);
    expect(calls.every((c, i) => c.index === i && (i === 0 || c.at >= calls[i - 1]!.at))).toBe(true);
    expect(
      calls.every((c) => c.outputTokens >= 20 && c.outputTokens <= 200 && c.maxOutputTokens === 256),
    ).toBe(true);
    const streamed = calls.filter((c) => c.stream).length / calls.length;
    expect(streamed).toBeGreaterThan(0.25);
    expect(streamed).toBeLessThan(0.35);
    expect(generateWorkload(workload, createSeededRandom(1))).toEqual(
      generateWorkload(workload, createSeededRandom(1)),
    );
  });

  it('draws every kind of token distribution', () => {
    const random = createSeededRandom(2);
    expect(drawTokens({ kind: 'fixed', value: 12.4 }, random)).toBe(12);
    expect(
      drawTokens({ kind: 'lognormal', median: 100, sigma: 3, min: 50, max: 60 }, random),
    ).toBeGreaterThanOrEqual(50);
    const mix = {
      kind: 'mix' as const,
      parts: [
        { weight: 1, dist: { kind: 'fixed' as const, value: 1 } },
        { weight: 3, dist: { kind: 'fixed' as const, value: 2 } },
      ],
    };
    const draws = Array.from({ length: 4000 }, () => drawTokens(mix, random));
    expect(draws.filter((d) => d === 2).length / 4000).toBeCloseTo(0.75, 1);
    expect(() => drawTokens({ kind: 'mix', parts: [] }, random)).toThrow(/at least one part/);
  });

  it('builds requests whose prompt has 4 characters per token and carries the output size', () => {
    expect(promptOf(3000)).toHaveLength(12_000);
    const request = requestOf(
      { index: 3, at: 0, inputTokens: 10, outputTokens: 7, maxOutputTokens: 256, stream: false },
      ['x'],
    );
    expect(sizeOf(request)).toEqual({ inputTokens: 10, outputTokens: 7 });
    expect(request.tags).toEqual(['x']);
    expect(sizeOf({ messages: [{ role: 'user', content: 'abcd' }] })).toEqual({
      inputTokens: 1,
      outputTokens: 256,
    });
  });

  it('rejects a bad rate or duration', () => {
    expect(() => generateWorkload({ ...workload, ratePerSec: 0 }, createSeededRandom(1))).toThrow(
      /ratePerSec/,
    );
    expect(() => generateWorkload({ ...workload, durationMs: Number.NaN }, createSeededRandom(1))).toThrow(
      /durationMs/,
    );
  });

  it('derives independent streams per label and seed', () => {
    expect(deriveSeed(1, 'workload')).toBe(deriveSeed(1, 'workload'));
    expect(deriveSeed(1, 'workload')).not.toBe(deriveSeed(2, 'workload'));
    expect(deriveSeed(1, 'workload')).not.toBe(deriveSeed(1, 'router'));
  });
});

describe('simulate', () => {
  it('runs every call through the real router and records calls and attempts', async () => {
    const result = await simulate(small());
    expect(result.strategy).toBe('round-robin');
    expect(result.calls.length).toBeGreaterThan(150);
    expect(result.calls.every((c) => c.ok && c.attempts === 1 && c.costUsd > 0)).toBe(true);
    expect(result.attempts).toHaveLength(result.calls.length);
    expect(Math.abs(result.providers[0]!.attempts - result.providers[1]!.attempts)).toBeLessThanOrEqual(1);
    expect(result.metrics.errorRate).toBe(0);
    expect(result.metrics.p50Ms).toBeGreaterThan(200);
    expect(result.detection).toEqual([]);
    expect(result.endMs).toBeGreaterThanOrEqual(workload.durationMs - 1000);
  });

  it('is deterministic: the same seed gives identical records, another seed different ones', async () => {
    const one = await simulate(small({ strategy: 'response-time' }));
    const again = await simulate(small({ strategy: 'response-time' }));
    const other = await simulate(small({ strategy: 'response-time', seed: 6 }));
    expect(again.calls).toEqual(one.calls);
    expect(again.attempts).toEqual(one.attempts);
    expect(other.calls).not.toEqual(one.calls);
  });

  it('keeps the workload independent of the strategy', async () => {
    const rr = await simulate(small());
    const random = await simulate(small({ strategy: 'random' }));
    expect(random.calls.map((c) => [c.at, c.inputTokens, c.outputTokens, c.stream])).toEqual(
      rr.calls.map((c) => [c.at, c.inputTokens, c.outputTokens, c.stream]),
    );
  });

  it('retries failures, ejects a target in an outage and never sends to it while ejected', async () => {
    const result = await simulate(
      small({
        providers: [
          provider('a', 200, { phases: [{ from: 5_000, until: 12_000, state: 'outage' }] }),
          provider('b', 600),
        ],
      }),
    );
    expect(result.metrics.firstAttemptErrorRate).toBeGreaterThan(0);
    expect(result.metrics.errorRate).toBe(0);
    expect(result.providers.every((p) => p.attemptsWhileEjected === 0)).toBe(true);
    const [event] = result.detection;
    expect(event?.event).toMatchObject({ provider: 'a', state: 'outage', from: 5_000, until: 12_000 });
    expect(event?.requestsToLeave).not.toBeNull();
    expect(event?.secondsToReturn).not.toBeNull();
  });

  it('answers 429 beyond a provider RPM limit and the router honours Retry-After', async () => {
    const result = await simulate(
      small({ providers: [provider('a', 200, { failure: { rpmLimit: 30 } }), provider('b', 600)] }),
    );
    const onA = result.attempts.filter((a) => a.provider === 0);
    // At most 30 accepted per minute plus the few 429s before the router blocks it.
    expect(onA.length).toBeLessThan(45);
    expect(result.metrics.errorRate).toBe(0);
  });

  it('takes strategy objects, factories and a registry, and lets the caller see the router', async () => {
    const first: Strategy = { name: 'first', pick: (c) => c[0]! };
    let seen: Router | undefined;
    const result = await simulate(small({ strategy: first, onRouter: (r) => (seen = r) }));
    expect(seen).toBeInstanceOf(Router);
    expect(result.providers[0]!.share).toBe(1);
    const registry = new StrategyRegistry();
    registry.register('last', () => ({ name: 'last', pick: (c) => c.at(-1)! }));
    const viaRegistry = await simulate(small({ strategy: 'last', router: { strategies: registry } }));
    expect(viaRegistry.providers[1]!.share).toBe(1);
  });

  it('reports a healthy target that gets no traffic late in the run as starved', async () => {
    const first: Strategy = { name: 'first', pick: (c) => c[0]! };
    const result = await simulate(small({ strategy: first }));
    expect(result.providers.map((p) => p.starved)).toEqual([false, true]);
  });

  it('does not call a target starved while the router kept it away (a Retry-After block)', async () => {
    // a takes 100 calls a minute: at 10 calls/s it is full after ~10 s and answers 429 with a
    // Retry-After of ~50 s, so the router blocks it for the rest of the 20 s run.
    const first: Strategy = { name: 'first', pick: (c) => c[0]! };
    const capped = provider('a', 200, { failure: { rpmLimit: 100 } });
    const result = await simulate(small({ strategy: first, providers: [capped, provider('b', 600)] }));
    expect(result.providers[0]!.lastAttemptAt).toBeLessThan(15_000);
    expect(result.providers.map((p) => p.starved)).toEqual([false, false]);
  });

  it("does not call a target starved while the breaker's probe to it is still in flight", async () => {
    // a never answers within the 10 s timeout: ejected at ~10 s after 3 timeouts; its probe at
    // ~11 s hangs past the end of the 20 s run, and meanwhile the router offers a to no strategy.
    const first: Strategy = { name: 'first', pick: (c) => c[0]! };
    const hanging = provider('a', 60_000);
    const result = await simulate(
      small({
        strategy: first,
        providers: [hanging, provider('b', 600)],
        router: { timeoutMs: 10_000, breaker: { failureThreshold: 3, cooldownMs: 1_000 } },
      }),
    );
    const a = result.providers[0]!;
    expect(a.attempts).toBeGreaterThan(0);
    expect(a.lastAttemptAt).toBeLessThan(15_000); // no attempt in the last quarter…
    expect(a.starved).toBe(false); // …because its last probe was still hanging through it
  });

  it('checks provider specs and names the bad field', async () => {
    const bad = provider('x', 100, { latency: { ttftMs: 1, prefillTokensPerSec: 0, decodeTokensPerSec: 1 } });
    await expect(simulate(small({ providers: [bad] }))).rejects.toThrow(
      /providers\[0\] \(x\): latency.prefillTokensPerSec/,
    );
    const badRate = provider('y', 100, { failure: { errorRate: 2 } });
    await expect(simulate(small({ providers: [badRate] }))).rejects.toThrow(
      /failure.errorRate: expected a probability/,
    );
    const badPhase = provider('z', 100, { phases: [{ from: 10, until: 5 }] });
    await expect(simulate(small({ providers: [badPhase] }))).rejects.toThrow(/phases\[0\].until/);
    const badRamp = provider('w', 100, { phases: [{ from: 10, latencyFactorEnd: 2 }] });
    await expect(simulate(small({ providers: [badRamp] }))).rejects.toThrow(/needs rampMs/);
    const latency = { ttftMs: 1, prefillTokensPerSec: 1, decodeTokensPerSec: 1 };
    const badLong = provider('v', 100, {
      latency: { ...latency, longPrompt: { aboveInputTokens: 10, factor: 0 } },
    });
    await expect(simulate(small({ providers: [badLong] }))).rejects.toThrow(/latency.longPrompt.factor/);
    const badStream = provider('u', 100, { latency: { ...latency, streamLoadFactor: -1 } });
    await expect(simulate(small({ providers: [badStream] }))).rejects.toThrow(/latency.streamLoadFactor/);
  });
});

/** Simulated providers for `specs`, their targets and a strategy init (time 0). */
function labOf(specs: readonly SimulatedProviderSpec[]) {
  const providers = specs.map((s) => new SimulatedProvider(s));
  const targets = fakeTargets(specs.length);
  const init = {
    targets,
    clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => {} },
    random: Math.random,
  };
  return { providers, targets, init };
}

describe('oracle', () => {
  it('picks the provider with the best expected utility for this call, now', () => {
    const specs = [
      provider('slow', 3000),
      provider('fast', 100),
      provider('down', 10, { phases: [{ from: 0, until: 1000, state: 'outage' }] }),
    ];
    const providers = specs.map((s) => new SimulatedProvider(s));
    const strategy = oracle().create(providers)({
      targets: fakeTargets(3),
      clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => {} },
      random: Math.random,
    });
    const targets = fakeTargets(3);
    expect(strategy.pick(targets, fakeContext()).id).toBe('b');
    // Once the outage is over, the instant one wins.
    expect(strategy.pick(targets, fakeContext({ now: 1000 })).id).toBe('c');
    // On the last attempt too, it never picks the one that is down.
    expect(strategy.pick([targets[0]!, targets[2]!], fakeContext({ attempt: 3 })).id).toBe('a');
    const scores = strategy.describe?.(targets, fakeContext()) ?? [];
    expect(scores.map((s) => s.target)).toEqual(['a', 'b', 'c']);
    expect(scores[1]!.score).toBeLessThan(scores[0]!.score);
  });

  it('sees a call as a router does: the mean output of its maxOutputTokens, unless told `exact`', () => {
    // Uniform 1..1000 output tokens; the workload caps each call at the next power of two ≥ 256.
    const means = expectedOutputByCap({ kind: 'uniform', min: 1, max: 1000 });
    expect([...means.keys()].sort((a, b) => a - b)).toEqual([256, 512, 1024]);
    expect(means.get(256)).toBeCloseTo(128.5, -1);
    expect(means.get(512)).toBeCloseTo(384.5, -1);
    expect(means.get(1024)).toBeCloseTo(756, -1);
    expect(expectedOutputByCap({ kind: 'uniform', min: 1, max: 1000 })).not.toBe(means); // per object
    // a: quick to start, slow to decode; b: the reverse. The planned output decides between them,
    // and only the clairvoyant oracle knows it.
    const specs = [
      provider('a', 100, { latency: { ttftMs: 100, prefillTokensPerSec: 10_000, decodeTokensPerSec: 20 } }),
      provider('b', 1500, {
        latency: { ttftMs: 1500, prefillTokensPerSec: 10_000, decodeTokensPerSec: 200 },
      }),
    ];
    const { providers, targets, init } = labOf(specs);
    const spec: WorkloadSpec = { ...workload, outputTokens: { kind: 'uniform', min: 1, max: 256 } };
    const shortCall = {
      ...fakeContext(),
      request: {
        messages: [{ role: 'user' as const, content: 'hi' }],
        maxOutputTokens: 256,
        providerOptions: { simulated: { outputTokens: 10 } },
      },
    };
    // Mean output 128.5: a takes 100 + 6425 ms, b 1500 + 643 ms → b. Exactly 10 tokens: a (600 ms).
    expect(oracle().create(providers, spec)(init).pick(targets, shortCall).id).toBe('b');
    expect(oracle({ outputTokens: 'exact' }).create(providers, spec)(init).pick(targets, shortCall).id).toBe(
      'a',
    );
    expect(() => oracle({ outputTokens: 'mean' as 'exact' })).toThrow(
      /oracle: outputTokens: expected 'expected' or 'exact', got "mean"/,
    );
    // Without a workload the oracle can only use the planned size.
    expect(oracle().create(providers)(init).pick(targets, shortCall).id).toBe('a');
  });

  it('lagMs: sees phases and prices as they were that long ago (load as it is)', () => {
    // b is the better one until it becomes 20× slower at 10 s.
    const specs = [provider('a', 600), provider('b', 200, { phases: [{ from: 10_000, latencyFactor: 20 }] })];
    const { providers, targets, init } = labOf(specs);
    const pickAt = (lagMs: number, now: number) =>
      oracle({ lagMs }).create(providers)(init).pick(targets, fakeContext({ now })).id;
    expect(pickAt(0, 12_000)).toBe('a');
    expect(pickAt(5_000, 12_000)).toBe('b'); // still sees 7 s: before the slowdown
    expect(pickAt(5_000, 15_000)).toBe('a');
    expect(pickAt(5_000, 1_000)).toBe('b'); // before the run starts it sees the start
    expect(
      providers[1]!.expected({ inputTokens: 100, outputTokens: 10 }, 12_000, 5_000).latencyMs,
    ).toBeLessThan(providers[1]!.expected({ inputTokens: 100, outputTokens: 10 }, 12_000).latencyMs / 10);
    for (const lagMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => oracle({ lagMs })).toThrow(/^oracle: lagMs: expected a finite number of ms >= 0, got /);
    }
  });

  it('routes to the truly best provider through the router', async () => {
    const result = await simulate(small({ strategy: oracle() }));
    expect(result.strategy).toBe('oracle');
    expect(result.providers[0]!.share).toBeGreaterThan(0.95);
  });

  it('weighs cost with the given weights', () => {
    const specs = [
      provider('pricey', 100, { price: { inputPerMTok: 100, outputPerMTok: 400 } }),
      provider('cheap', 600),
    ];
    const { providers, targets, init } = labOf(specs);
    expect(oracle().create(providers)(init).pick(targets, fakeContext()).id).toBe('b');
    const latencyOnly = oracle({ weights: { costPerUsd: 0 }, name: 'fastest' }).create(providers)(init);
    expect(latencyOnly.name).toBe('fastest');
    expect(latencyOnly.pick(targets, fakeContext()).id).toBe('a');
  });
});
