import { describe, expect, it } from 'vitest';
import { simulate } from '../../modules/lab/index.js';
import { createSeededRandom, makeUsage } from '../../src/index.js';
import { fakeContext, fakeInit, fakeOutcome, fakeTargets } from '../../strategies/testing.js';
import { litellmBaselines, litellmLatencyBased, litellmLeastBusy } from '../bench/baselines/index.js';
import { scenarios } from '../bench/scenarios/index.js';

/** A success of `latencyMs` with `tokens` output tokens (so s/token = latency ÷ tokens). */
const success = (
  target: ReturnType<typeof fakeTargets>[number],
  latencyMs: number,
  tokens: number,
  ttftMs?: number,
) => ({
  ...fakeOutcome(target, { latencyMs }),
  usage: makeUsage(10, tokens),
  ...(ttftMs === undefined ? {} : { stream: true, ttftMs }),
});

describe('litellm-latency-based', () => {
  it('tries untried deployments first (their score is 0), then picks the lowest latency per token', () => {
    const targets = fakeTargets(3);
    const s = litellmLatencyBased()(fakeInit(targets));
    expect(s.name).toBe('litellm-latency-based');
    s.observe?.(success(targets[0]!, 1000, 100)); // 0.01 s/token, mean over [0, x] = 0.005
    s.observe?.(success(targets[1]!, 1000, 10)); // 0.1 s/token
    // c is untried: 0 wins.
    expect(s.pick(targets, fakeContext()).id).toBe('c');
    s.observe?.(success(targets[2]!, 1000, 20)); // 0.05 s/token
    for (let i = 0; i < 20; i++)
      expect(s.pick(targets, fakeContext({ random: createSeededRandom(i) })).id).toBe('a');
  });

  it('picks uniformly at random within the buffer of the best', () => {
    const targets = fakeTargets(3);
    const s = litellmLatencyBased({ buffer: 0.5 })(fakeInit(targets));
    s.observe?.(success(targets[0]!, 1000, 100)); // mean 0.005
    s.observe?.(success(targets[1]!, 1400, 100)); // mean 0.007: within 1.5 × best
    s.observe?.(success(targets[2]!, 2000, 100)); // mean 0.010: outside
    const picks = new Map<string, number>();
    const random = createSeededRandom(9);
    for (let i = 0; i < 2000; i++) {
      const id = s.pick(targets, fakeContext({ random })).id;
      picks.set(id, (picks.get(id) ?? 0) + 1);
    }
    expect(picks.get('c')).toBeUndefined();
    expect((picks.get('a') ?? 0) / 2000).toBeCloseTo(0.5, 1);
    const scores = s.describe?.(targets, fakeContext()).map((d) => d.score) ?? [];
    for (const [i, x] of [0.005, 0.007, 0.01].entries()) expect(scores[i]).toBeCloseTo(x, 9);
  });

  it('keeps the first 9 samples once its list of 10 is full, as LiteLLM does', () => {
    const targets = fakeTargets(2);
    const s = litellmLatencyBased()(fakeInit(targets));
    const sliding = litellmLatencyBased({ window: 'sliding' })(fakeInit(targets));
    for (const strategy of [s, sliding]) {
      for (let i = 0; i < 12; i++) strategy.observe?.(success(targets[0]!, 100, 100)); // 0.001 s/token
      for (let i = 0; i < 12; i++) strategy.observe?.(success(targets[0]!, 10_000, 100)); // 0.1 s/token
    }
    const [litellm] = s.describe?.(targets, fakeContext()) ?? [];
    const [window] = sliding.describe?.(targets, fakeContext()) ?? [];
    // LiteLLM list: [0, 0.001 × 8, 0.1] → 0.108 ÷ 10; sliding: the last 10 samples, all 0.1.
    expect(litellm!.score).toBeCloseTo(0.0108, 9);
    expect(window!.score).toBeCloseTo(0.1, 9);
  });

  it('penalises timeouts by 1000 s and ignores other failures', () => {
    const targets = fakeTargets(2);
    const s = litellmLatencyBased()(fakeInit(targets));
    s.observe?.(success(targets[0]!, 1000, 100));
    s.observe?.(success(targets[1]!, 1000, 100));
    s.observe?.(fakeOutcome(targets[0]!, { latencyMs: 20, errorKind: 'server' }));
    s.observe?.(success(targets[0]!, 1000, 0)); // no tokens: LiteLLM cannot divide, no sample
    expect((s.describe?.(targets, fakeContext()) ?? [])[0]?.score).toBeCloseTo(0.005, 9);
    s.observe?.(fakeOutcome(targets[0]!, { latencyMs: 60_000, errorKind: 'timeout' }));
    expect((s.describe?.(targets, fakeContext()) ?? [])[0]?.score).toBeCloseTo(1000.01 / 3, 6);
    expect(s.pick(targets, fakeContext()).id).toBe('b');
  });

  it('averages TTFT per token for streams, divided by the latency list length', () => {
    const targets = fakeTargets(2);
    const s = litellmLatencyBased()(fakeInit(targets));
    s.observe?.(success(targets[0]!, 4000, 100, 100)); // latency 0.04, ttft 0.001 s/token
    s.observe?.(success(targets[1]!, 1000, 100, 900)); // latency 0.01, ttft 0.009 s/token
    expect(s.pick(targets, fakeContext()).id).toBe('b');
    const stream = { ...fakeContext(), stream: true };
    expect(s.pick(targets, stream).id).toBe('a');
    expect((s.describe?.(targets, stream) ?? [])[0]?.score).toBeCloseTo(0.0005, 9);
  });
});

describe('litellm-least-busy', () => {
  it('picks the deployment with the fewest requests in flight by its own counters', () => {
    const targets = fakeTargets(3);
    const s = litellmLeastBusy()(fakeInit(targets));
    expect(s.name).toBe('litellm-least-busy');
    const ctx = fakeContext({ now: 5 });
    expect(s.pick(targets, ctx).id).toBe('a');
    expect(s.pick(targets, ctx).id).toBe('b');
    expect(s.pick(targets, ctx).id).toBe('c');
    expect(s.pick(targets, ctx).id).toBe('a');
    s.observe?.(fakeOutcome(targets[1]!, { latencyMs: 10, startedAt: 5 }));
    expect(s.describe?.(targets, ctx).map((d) => d.score)).toEqual([2, 0, 1]);
    expect(s.pick(targets, ctx).id).toBe('b');
  });

  it('ignores outcomes of attempts it did not pick', () => {
    const targets = fakeTargets(2);
    const s = litellmLeastBusy()(fakeInit(targets));
    s.pick(targets, fakeContext({ now: 1 })); // a: 1
    s.observe?.(fakeOutcome(targets[1]!, { latencyMs: 10, startedAt: 2 })); // b was never picked
    s.observe?.(fakeOutcome(targets[0]!, { latencyMs: 10, startedAt: 3 })); // no pick of a at 3
    expect(s.describe?.(targets, fakeContext()).map((d) => d.score)).toEqual([1, 0]);
  });

  it('falls back to a random healthy candidate when the least busy one is not a candidate', () => {
    const targets = fakeTargets(3);
    const s = litellmLeastBusy()(fakeInit(targets));
    s.pick(targets, fakeContext()); // a: 1
    s.pick(targets, fakeContext()); // b: 1
    // c (0 in flight) is ejected: LiteLLM then picks at random among the healthy ones.
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++)
      seen.add(s.pick([targets[0]!, targets[1]!], fakeContext({ random: createSeededRandom(i) })).id);
    expect([...seen].sort()).toEqual(['a', 'b']);
  });
});

describe('baselines in the lab', () => {
  it('run through simulate() in a real scenario', async () => {
    const scenario = scenarios.find((s) => s.name === 'outage')!;
    for (const [name, factory] of Object.entries(litellmBaselines)) {
      const result = await simulate({
        providers: scenario.providers,
        workload: { ...scenario.workload, durationMs: 20_000 },
        strategy: factory,
        seed: 1,
      });
      expect(result.strategy).toBe(name);
      expect(result.calls.length).toBeGreaterThan(100);
      expect(result.providers.every((p) => p.attemptsWhileEjected === 0)).toBe(true);
    }
  });
});
