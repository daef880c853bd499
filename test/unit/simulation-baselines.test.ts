import { describe, expect, it } from 'vitest';
import { simulate } from '../../modules/lab/index.js';
import { createSeededRandom, type ErrorKind, makeUsage, type TargetView } from '../../src/index.js';
import { fakeContext, fakeInit, fakeOutcome, fakeTargets } from '../../strategies/testing.js';
import {
  LITELLM_ROUTER,
  litellmBaselines,
  litellmLatencyBased,
  litellmLeastBusy,
  litellmRouter,
} from '../bench/baselines/index.js';
import { scenarios } from '../bench/scenarios/index.js';

/** A success of `latencyMs` with `tokens` output tokens (so s/token = latency ÷ tokens). */
const success = (target: TargetView, latencyMs: number, tokens: number, ttftMs?: number) => ({
  ...fakeOutcome(target, { latencyMs }),
  usage: makeUsage(10, tokens),
  ...(ttftMs === undefined ? {} : { stream: true, ttftMs }),
});
const stream = { ...fakeContext(), stream: true };
const scores = (s: ReturnType<ReturnType<typeof litellmLatencyBased>>, ctx = fakeContext()) =>
  s.describe?.(fakeTargets(3), ctx).map((d) => d.score) ?? [];

describe('litellm-latency-based (LiteLLM as of 2026)', () => {
  it('tries deployments without samples first (score 0), then the lowest latency per token', () => {
    const targets = fakeTargets(3);
    const s = litellmLatencyBased()(fakeInit(targets));
    expect(s.name).toBe('litellm-latency-based');
    s.observe?.(success(targets[0]!, 1000, 100)); // 0.01 s/token
    s.observe?.(success(targets[1]!, 1000, 10)); // 0.1 s/token
    expect(s.pick(targets, fakeContext()).id).toBe('c');
    s.observe?.(success(targets[2]!, 1000, 20)); // 0.05 s/token
    for (let i = 0; i < 20; i++)
      expect(s.pick(targets, fakeContext({ random: createSeededRandom(i) })).id).toBe('a');
    expect(scores(s)).toEqual([0.01, 0.1, 0.05]);
  });

  it('picks uniformly at random within the buffer of the best', () => {
    const targets = fakeTargets(3);
    const s = litellmLatencyBased({ buffer: 0.5 })(fakeInit(targets));
    s.observe?.(success(targets[0]!, 1000, 100)); // 0.010
    s.observe?.(success(targets[1]!, 1400, 100)); // 0.014: within 1.5 × best
    s.observe?.(success(targets[2]!, 2000, 100)); // 0.020: outside
    const picks = new Map<string, number>();
    const random = createSeededRandom(9);
    for (let i = 0; i < 2000; i++) {
      const id = s.pick(targets, fakeContext({ random })).id;
      picks.set(id, (picks.get(id) ?? 0) + 1);
    }
    expect(picks.get('c')).toBeUndefined();
    expect((picks.get('a') ?? 0) / 2000).toBeCloseTo(0.5, 1);
  });

  it('keeps a true sliding window of the last 10 samples', () => {
    const targets = fakeTargets(3);
    const s = litellmLatencyBased()(fakeInit(targets));
    for (let i = 0; i < 12; i++) s.observe?.(success(targets[0]!, 100, 100)); // 0.001 s/token
    for (let i = 0; i < 12; i++) s.observe?.(success(targets[0]!, 10_000, 100)); // 0.1 s/token
    expect(scores(s)[0]).toBeCloseTo(0.1, 9);
  });

  it('records raw seconds when a response has no completion tokens', () => {
    const targets = fakeTargets(3);
    const s = litellmLatencyBased()(fakeInit(targets));
    s.observe?.(success(targets[0]!, 3000, 0));
    expect(scores(s)[0]).toBeCloseTo(3, 9);
  });

  it('ranks streams on the raw time to first token, in a list of its own', () => {
    const targets = fakeTargets(3);
    const s = litellmLatencyBased()(fakeInit(targets));
    // a: TTFT 1 s, 50 tokens; b: TTFT 3 s, 500 tokens. Per token b would look faster (0.006 < 0.02).
    s.observe?.(success(targets[0]!, 10_000, 50, 1000));
    s.observe?.(success(targets[1]!, 10_000, 500, 3000));
    s.observe?.(success(targets[2]!, 12_000, 500, 5000));
    expect(s.pick(targets, stream).id).toBe('a');
    expect(scores(s, stream)).toEqual([1, 3, 5]);
    // Completions still rank on seconds per token.
    expect(s.pick(targets, fakeContext()).id).toBe('b');
  });

  it('ranks streams on a TTFT percentile when ttft_percentile is set', () => {
    const targets = fakeTargets(2);
    const feed = (s: ReturnType<ReturnType<typeof litellmLatencyBased>>) => {
      for (const t of [100, 100, 1000]) s.observe?.(success(targets[0]!, 5000, 100, t));
      for (const t of [300, 300, 300]) s.observe?.(success(targets[1]!, 5000, 100, t));
    };
    const mean = litellmLatencyBased()(fakeInit(targets));
    const p50 = litellmLatencyBased({ ttftPercentile: 0.5 })(fakeInit(targets));
    feed(mean);
    feed(p50);
    expect(mean.pick(targets, stream).id).toBe('b'); // mean 0.4 s vs 0.3 s
    expect(p50.pick(targets, stream).id).toBe('a'); // median 0.1 s vs 0.3 s
    expect(() => litellmLatencyBased({ ttftPercentile: 0 })).toThrow(/ttftPercentile/);
  });

  it('penalises a provider timeout by 1000 s, not an attempt cut short by the call deadline', () => {
    const targets = fakeTargets(2);
    const s = litellmLatencyBased()(fakeInit(targets));
    s.observe?.(success(targets[0]!, 1000, 100));
    s.observe?.(success(targets[1]!, 1000, 100));
    s.observe?.(fakeOutcome(targets[0]!, { latencyMs: 20, errorKind: 'server' }));
    // Started 45 s into a call with a 60 s deadline: cut after 15 s. Not a provider timeout.
    s.observe?.(fakeOutcome(targets[0]!, { latencyMs: 15_000, errorKind: 'timeout' }));
    expect(scores(s)[0]).toBeCloseTo(0.01, 9);
    s.observe?.(fakeOutcome(targets[0]!, { latencyMs: 60_000, errorKind: 'timeout' }));
    expect(scores(s)[0]).toBeCloseTo(1000.01 / 2, 6);
    expect(s.pick(targets, fakeContext()).id).toBe('b');
  });
});

describe('litellm-latency-based-v1 (LiteLLM v1.51 to early 2026, lowest_latency.py at 015b9454)', () => {
  it('keeps the first 9 samples once its list of 10 is full, as that LiteLLM does', () => {
    const targets = fakeTargets(3);
    const s = litellmLatencyBased({ version: 'v1' })(fakeInit(targets));
    expect(s.name).toBe('litellm-latency-based-v1');
    for (let i = 0; i < 12; i++) s.observe?.(success(targets[0]!, 100, 100)); // 0.001 s/token
    for (let i = 0; i < 12; i++) s.observe?.(success(targets[0]!, 10_000, 100)); // 0.1 s/token
    // List: [int 0, 0.001 × 8, 0.1] → 0.108 ÷ 10.
    expect(scores(s)[0]).toBeCloseTo(0.0108, 9);
  });

  it('divides TTFT by completion tokens and loses samples without tokens', () => {
    const targets = fakeTargets(3);
    const s = litellmLatencyBased({ version: 'v1' })(fakeInit(targets));
    s.observe?.(success(targets[0]!, 10_000, 50, 1000)); // ttft 0.02 s/token
    s.observe?.(success(targets[1]!, 10_000, 500, 3000)); // ttft 0.006 s/token
    s.observe?.(success(targets[2]!, 10_000, 500, 5000)); // ttft 0.01 s/token
    expect(s.pick(targets, stream).id).toBe('b');
    s.observe?.(success(targets[2]!, 3000, 0));
    expect(scores(s)[2]).toBeCloseTo(0.02 / 2, 9); // [int 0, 0.02]: the 0-token sample is lost
  });
});

describe('litellm-least-busy (LiteLLM as of 2026)', () => {
  it('picks the healthy deployment with the fewest requests in flight by its own counters', () => {
    const targets = fakeTargets(3);
    const s = litellmLeastBusy({ ties: 'first' })(fakeInit(targets));
    expect(s.name).toBe('litellm-least-busy');
    const ctx = fakeContext({ now: 5 });
    expect([0, 1, 2, 3].map(() => s.pick(targets, ctx).id)).toEqual(['a', 'b', 'c', 'a']);
    s.observe?.(fakeOutcome(targets[1]!, { latencyMs: 10, startedAt: 5 }));
    expect(s.describe?.(targets, ctx).map((d) => d.score)).toEqual([2, 0, 1]);
    expect(s.pick(targets, ctx).id).toBe('b');
  });

  it('takes the minimum over healthy deployments only (no random step)', () => {
    const targets = fakeTargets(3);
    const s = litellmLeastBusy({ ties: 'first' })(fakeInit(targets));
    s.pick(targets, fakeContext()); // a: 1
    s.pick(targets, fakeContext()); // b: 1
    s.pick([targets[0]!, targets[1]!], fakeContext()); // a: 2 (c, with 0, is not healthy)
    expect(s.pick([targets[0]!, targets[1]!], fakeContext()).id).toBe('b'); // a: 2, b: 1
    expect(s.describe?.(targets, fakeContext()).map((d) => d.score)).toEqual([2, 2, 0]);
  });

  it('breaks ties at random', () => {
    const targets = fakeTargets(3);
    const seen = new Map<string, number>();
    const random = createSeededRandom(4);
    for (let i = 0; i < 300; i++) {
      const s = litellmLeastBusy()(fakeInit(targets));
      const id = s.pick(targets, fakeContext({ random })).id;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    for (const id of ['a', 'b', 'c']) expect(seen.get(id) ?? 0).toBeGreaterThan(70);
  });

  it('ignores outcomes of attempts it did not pick and never goes below 0', () => {
    const targets = fakeTargets(2);
    const s = litellmLeastBusy()(fakeInit(targets));
    s.pick([targets[0]!], fakeContext({ now: 1 })); // a: 1
    s.observe?.(fakeOutcome(targets[1]!, { latencyMs: 10, startedAt: 2 })); // b was never picked
    s.observe?.(fakeOutcome(targets[0]!, { latencyMs: 10, startedAt: 3 })); // no pick of a at 3
    expect(s.describe?.(targets, fakeContext()).map((d) => d.score)).toEqual([1, 0]);
    s.observe?.(fakeOutcome(targets[0]!, { latencyMs: 10, startedAt: 1 }));
    s.observe?.(fakeOutcome(targets[0]!, { latencyMs: 10, startedAt: 1 }));
    expect(s.describe?.(targets, fakeContext()).map((d) => d.score)).toEqual([0, 0]);
  });
});

describe('litellm-least-busy-v1 (LiteLLM v1.51 to early 2026, least_busy.py at 00e06b86)', () => {
  it('falls back to a random healthy deployment when the least busy one is not healthy', () => {
    const targets = fakeTargets(3);
    const s = litellmLeastBusy({ version: 'v1' })(fakeInit(targets));
    expect(s.name).toBe('litellm-least-busy-v1');
    s.pick(targets, fakeContext()); // a: 1
    s.pick(targets, fakeContext()); // b: 1
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++)
      seen.add(s.pick([targets[0]!, targets[1]!], fakeContext({ random: createSeededRandom(i) })).id);
    expect([...seen].sort()).toEqual(['a', 'b']);
  });
});

describe('litellm-router (LiteLLM cooldown)', () => {
  const setup = () => {
    const targets = fakeTargets(3);
    const s = litellmRouter(litellmLeastBusy({ ties: 'first' }))(fakeInit(targets));
    const fail = (i: number, kind: ErrorKind, at: number) =>
      s.observe?.(fakeOutcome(targets[i]!, { latencyMs: 0, errorKind: kind, startedAt: at }));
    const ok = (i: number, at: number) =>
      s.observe?.(fakeOutcome(targets[i]!, { latencyMs: 0, startedAt: at }));
    const offered = (now: number) => s.describe?.(targets, fakeContext({ now })).map((d) => d.target) ?? [];
    return { targets, s, fail, ok, offered };
  };

  it('cools a deployment down for 5 s on a 429, 401 or 404, then offers it again without a probe', () => {
    const { s, targets, fail, offered } = setup();
    expect(s.name).toBe('litellm-least-busy');
    fail(0, 'rate_limited', 1000);
    expect(offered(1000)).toEqual(['b', 'c']);
    expect(s.pick(targets, fakeContext({ now: 5999 })).id).toBe('b');
    expect(offered(6000)).toEqual(['a', 'b', 'c']);
    fail(1, 'auth', 7000);
    fail(2, 'not_found', 7000);
    expect(offered(7000)).toEqual(['a']);
  });

  it('cools down on timeouts and 5xx only when more than half of at least 5 requests this minute failed', () => {
    const { fail, ok, offered } = setup();
    for (let i = 0; i < 4; i++) fail(0, 'server', 100 + i);
    expect(offered(200)).toContain('a'); // 4 of 4: under the minimum of 5
    ok(1, 200);
    ok(1, 201);
    ok(1, 202);
    fail(1, 'timeout', 203);
    fail(1, 'timeout', 204);
    fail(1, 'timeout', 205);
    expect(offered(300)).toContain('b'); // 3 of 6: not more than half
    fail(0, 'server', 300);
    expect(offered(300)).toEqual(['b', 'c']); // 5 of 5
    // A new minute starts the count again.
    fail(2, 'server', 59_999);
    for (let i = 0; i < 4; i++) fail(2, 'server', 60_000 + i);
    expect(offered(60_100)).toContain('c');
    fail(2, 'connection', 60_200); // connection errors never cool down
    expect(offered(60_300)).toContain('c');
  });

  it('offers every candidate when all are cooling down', () => {
    const { fail, offered } = setup();
    for (const i of [0, 1, 2]) fail(i, 'rate_limited', 0);
    expect(offered(10)).toEqual(['a', 'b', 'c']);
  });
});

describe('baselines in the lab', () => {
  it('run through simulate() behind the LiteLLM router settings in a real scenario', async () => {
    const scenario = scenarios.find((s) => s.name === 'outage')!;
    for (const [name, factory] of Object.entries(litellmBaselines)) {
      const result = await simulate({
        providers: scenario.providers,
        workload: { ...scenario.workload, durationMs: 90_000 },
        router: LITELLM_ROUTER,
        strategy: factory,
        seed: 1,
      });
      expect(result.strategy).toBe(name);
      expect(result.calls.length).toBeGreaterThan(100);
      // The outage (60–120 s) is left by LiteLLM's cooldown: few calls fail in the end.
      expect(result.metrics.errorRate).toBeLessThan(0.05);
    }
  });
});
