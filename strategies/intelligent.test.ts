import { describe, expect, it, vi } from 'vitest';
import {
  type CompletionRequest,
  createSeededRandom,
  makeUsage,
  type PickContext,
  type PredictionFeatures,
  type Predictor,
  SwitchyardError,
  type TargetView,
} from '../src/index.js';
import { callsStuckBeforeLeaving } from '../test/helpers/stuck-target.js';
import { type IntelligentOptions, intelligent } from './intelligent.js';
import { defaultPredictors, type PredictorSpec } from './predictors/factory.js';
import { FEATURE } from './predictors/features.js';
import { type FakeTarget, fakeContext, fakeInit, fakeOutcome, fakeTargets, ManualClock } from './testing.js';

const request = (inputTokens: number, maxOutputTokens = 256, tags?: string[]): CompletionRequest => ({
  messages: [{ role: 'user', content: 'x'.repeat(inputTokens * 4) }],
  maxOutputTokens,
  ...(tags === undefined ? {} : { tags }),
});

type LatencyOf = (target: TargetView, r: CompletionRequest, inputTokens: number) => number;

function world(count: number, latencyOf: LatencyOf, options: IntelligentOptions = {}, seed = 3) {
  const targets = fakeTargets(count);
  const clock = new ManualClock(0);
  const strategy = intelligent({ epsilon: 0, ...options })(fakeInit(targets, { clock }));
  const random = createSeededRandom(seed);
  const ctx = (r: CompletionRequest, stream = false): PickContext => ({
    request: r,
    stream,
    attempt: 1,
    now: clock.now(),
    random,
  });
  const failing = new Set<number>();
  const call = (r: CompletionRequest, inputTokens: number, candidates: readonly TargetView[] = targets) => {
    const t = strategy.pick(candidates, ctx(r));
    const fails = failing.has(t.index);
    const latencyMs = fails ? 20 : latencyOf(t, r, inputTokens);
    strategy.observe!({
      ...fakeOutcome(t, fails ? { latencyMs, errorKind: 'server' } : { latencyMs }),
      request: r,
      startedAt: clock.now(),
      ...(fails ? {} : { usage: makeUsage(inputTokens, 100) }),
    });
    clock.advance(100);
    return t;
  };
  return { targets, clock, strategy, ctx, call, failing };
}

describe('intelligent (contextual prediction)', () => {
  it('is named intelligent', () => {
    expect(world(1, () => 1).strategy.name).toBe('intelligent');
  });

  it('learns that A is fast on short prompts and B on long ones, and picks accordingly', () => {
    // a: fast start, slow prefill; b: slow start, fast prefill.
    const latencyOf: LatencyOf = (t, _r, input) => (t.index === 0 ? 200 + 0.5 * input : 800 + 0.02 * input);
    const w = world(2, latencyOf);
    const random = createSeededRandom(1);
    for (let i = 0; i < 200; i++) {
      const input = random() < 0.5 ? 50 + Math.floor(random() * 200) : 4_000 + Math.floor(random() * 4_000);
      w.call(request(input), input);
    }
    let short = 0;
    let long = 0;
    for (let i = 0; i < 50; i++) {
      if (w.call(request(100), 100).id === 'a') short++;
      if (w.call(request(6_000), 6_000).id === 'b') long++;
    }
    expect(short).toBeGreaterThanOrEqual(48);
    expect(long).toBeGreaterThanOrEqual(48);
    const notes = w.strategy.describe!(w.targets, w.ctx(request(6_000)));
    expect(notes[0]!.note).toMatch(/latency 3\d{3} ms/); // ≈ 200 + 0.5·6000 = 3200
    expect(notes[1]!.note).toMatch(/latency 9\d\d ms/); // ≈ 800 + 0.02·6000 = 920
  });

  it('tries untried targets first, one at a time', () => {
    const targets = fakeTargets([{ inFlight: 1 }, {}, {}]);
    const strategy = intelligent({ epsilon: 0 })(fakeInit(targets));
    const ctx = { request: request(10), stream: false, attempt: 1, now: 0, random: createSeededRandom(1) };
    expect(strategy.pick(targets, ctx).id).toBe('b');
    const busy = fakeTargets([{ inFlight: 3 }, { inFlight: 1 }]);
    expect(intelligent()(fakeInit(busy)).pick(busy, ctx).id).toBe('b');
  });

  it('avoids a failing target and retries it once its failures have aged', () => {
    const w = world(2, (t) => (t.index === 0 ? 300 : 900));
    for (let i = 0; i < 50; i++) w.call(request(100), 100);
    w.failing.add(0);
    let toA = 0;
    for (let i = 0; i < 100; i++) if (w.call(request(100), 100).id === 'a') toA++;
    expect(toA).toBeLessThan(10);
    w.failing.delete(0);
    // The failure rate halves every 10 s without news: within 30 s a gets calls again.
    let back = -1;
    for (let i = 0; i < 300; i++) {
      if (w.call(request(100), 100).id === 'a') {
        back = i;
        break;
      }
    }
    expect(back).toBeGreaterThanOrEqual(0);
    expect(back).toBeLessThan(300);
    let late = 0;
    for (let i = 0; i < 100; i++) if (w.call(request(100), 100).id === 'a') late++;
    expect(late).toBeGreaterThan(90);
  });

  it('predicts cost from the live price and the predicted tokens', () => {
    const w = world(2, () => 500, { weights: { costPerUsd: 1_000_000 } });
    (w.targets[0] as FakeTarget).price = { inputPerMTok: 10, outputPerMTok: 10 };
    (w.targets[1] as FakeTarget).price = { inputPerMTok: 1, outputPerMTok: 1 };
    for (let i = 0; i < 20; i++) w.call(request(1_000), 1_000);
    expect(w.call(request(1_000), 1_000).id).toBe('b');
    (w.targets[1] as FakeTarget).price = { inputPerMTok: 100, outputPerMTok: 100 }; // price jumps
    expect(w.call(request(1_000), 1_000).id).toBe('a');
    const notes = w.strategy.describe!(w.targets, w.ctx(request(1_000)));
    // Output tokens predicted from usage (100 per call), input estimated at 1000.
    expect(notes[0]!.note).toMatch(/cost \$0\.0110/);
    expect(notes[0]!.note).toContain('(100 out tokens)');
  });

  it('uses the in-flight count: a loaded target is predicted slower when load made it slow', () => {
    const w = world(2, (t) => 500 + 400 * t.inFlight);
    const [a, b] = w.targets as [FakeTarget, FakeTarget];
    const random = createSeededRandom(2);
    for (let i = 0; i < 200; i++) {
      a.inFlight = Math.floor(random() * 5);
      b.inFlight = Math.floor(random() * 5);
      w.call(request(100), 100);
    }
    a.inFlight = 4;
    b.inFlight = 0;
    expect(w.strategy.pick(w.targets, w.ctx(request(100))).id).toBe('b');
    a.inFlight = 0;
    b.inFlight = 4;
    expect(w.strategy.pick(w.targets, w.ctx(request(100))).id).toBe('a');
  });

  it('looks one failure ahead: a target that fails fast is worth trying while attempts remain', () => {
    // a: 1 s, but 40% of its attempts fail in 20 ms; b: 3 s and reliable.
    const targets = fakeTargets(2);
    const clock = new ManualClock(0);
    const strategy = intelligent({ epsilon: 0, optimism: 0, revisitMs: 0 })(fakeInit(targets, { clock }));
    const r = request(100);
    for (let i = 0; i < 100; i++) {
      const aFails = i % 5 < 2;
      for (const [t, failed, latencyMs] of [
        [targets[0]!, aFails, aFails ? 20 : 1_000],
        [targets[1]!, false, 3_000],
      ] as const) {
        strategy.observe!({
          ...fakeOutcome(t, failed ? { latencyMs, errorKind: 'server' } : { latencyMs }),
          request: r,
          startedAt: clock.now(),
          ...(failed ? {} : { usage: makeUsage(100, 100) }),
        });
      }
      clock.advance(10);
    }
    const at = (attempt: number, maxAttempts?: number): PickContext => ({
      request: r,
      stream: false,
      attempt,
      ...(maxAttempts === undefined ? {} : { maxAttempts }),
      now: clock.now(),
      random: createSeededRandom(1),
    });
    // With a fallback left, a's failure costs 20 ms plus b: −(0.6·1 + 0.4·(0.02 + 3)) ≈ −1.8 > −3.
    expect(strategy.pick(targets, at(1, 3)).id).toBe('a');
    const [a, b] = strategy.describe!(targets, at(1, 3));
    expect(a!.score).toBeGreaterThan(b!.score);
    expect(a!.note).toMatch(/failure (3[5-9]|4[0-5])\.\d%/);
    // On the last attempt a failure fails the call (penalty 10): b.
    expect(strategy.pick(targets, at(3, 3)).id).toBe('b');
    // Without maxAttempts in the context, every failure is taken as final.
    expect(strategy.pick(targets, at(1)).id).toBe('b');
  });

  it('fits relative error: long, noisy calls do not drown the short ones', () => {
    // Latency = (300 ms + 2 ms per input token + 10 ms per output token) × lognormal noise (σ 0.4):
    // a short call takes ≈ 0.5 s ± 0.2 s, a long one up to 50 s ± 20 s. Mean error over 10 worlds.
    const truth = (input: number, out: number) => 300 + 2 * input + 10 * out;
    let error = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const targets = fakeTargets(1);
      const clock = new ManualClock(0);
      const strategy = intelligent({ epsilon: 0 })(fakeInit(targets, { clock }));
      const random = createSeededRandom(seed);
      const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      for (let i = 0; i < 400; i++) {
        const long = random() < 0.5;
        const input = long ? Math.round(random() * 5_000) : 50;
        const out = long ? 20 + Math.round(random() * 3_980) : 20;
        strategy.observe!({
          ...fakeOutcome(targets[0]!, { latencyMs: truth(input, out) * Math.exp(0.4 * gaussian() - 0.08) }),
          request: request(input, out <= 256 ? 256 : 4096),
          startedAt: clock.now(),
          usage: makeUsage(input, out),
        });
        clock.advance(10);
      }
      const short = request(50, 256);
      const note = strategy.describe!(targets, { ...fakeContext(), request: short, now: clock.now() })[0]!
        .note!;
      const [, latency, tokens] = /latency (\d+) ms.*\((\d+) out tokens\)/.exec(note)!;
      error += Math.abs(Number(latency) / truth(50, Number(tokens)) - 1) / 10;
    }
    expect(error).toBeLessThan(0.08); // 0.19 with plain least squares
  });

  it('tag features let it learn per-tag behaviour', () => {
    const slowForBatch: LatencyOf = (t, r) =>
      t.index === 0 && r.tags?.includes('batch') ? 5_000 : 500 + t.index * 100;
    const w = world(2, slowForBatch, { tags: ['batch'] });
    for (let i = 0; i < 200; i++) w.call(request(100, 256, i % 2 === 0 ? ['batch'] : []), 100);
    expect(w.strategy.pick(w.targets, w.ctx(request(100, 256, ['batch']))).id).toBe('b');
    expect(w.strategy.pick(w.targets, w.ctx(request(100))).id).toBe('a');
  });

  it('epsilon picks a random candidate that often', () => {
    const w = world(2, (t) => (t.index === 0 ? 100 : 5_000), { epsilon: 0.2 });
    for (let i = 0; i < 20; i++) w.call(request(10), 10);
    let toB = 0;
    for (let i = 0; i < 1_000; i++) if (w.call(request(10), 10).id === 'b') toB++;
    expect(toB).toBeGreaterThan(60); // ≈ 0.2 × 1/2 = 10%
    expect(toB).toBeLessThan(150);
  });

  it('lateAfter reads a slowdown from attempts still in flight', () => {
    const targets = fakeTargets(2);
    const clock = new ManualClock(0);
    const strategy = intelligent({ epsilon: 0, optimism: 0, lateAfter: 1.5 })(fakeInit(targets, { clock }));
    const random = createSeededRandom(1);
    const ctx = () => ({ request: request(10), stream: false, attempt: 1, now: clock.now(), random });
    const [a, b] = targets as [TargetView, TargetView];
    for (let i = 0; i < 20; i++) {
      for (const t of [a, b]) {
        strategy.pick([t, t], ctx()); // counts as a pending attempt on t
        strategy.observe!({ ...fakeOutcome(t, { latencyMs: t === a ? 200 : 400 }), startedAt: clock.now() });
      }
    }
    expect(strategy.pick(targets, ctx()).id).toBe('a'); // now pending on a
    clock.advance(1_000); // a's attempt is 1 s old: 5× its usual 200 ms
    expect(strategy.pick(targets, ctx()).id).toBe('b');
    strategy.observe!({ ...fakeOutcome(a, { latencyMs: 1_000 }), startedAt: 0 });
  });

  it('overdueAfter reads a slowdown from pending attempts older than predicted', () => {
    const targets = fakeTargets(2);
    const clock = new ManualClock(0);
    const strategy = intelligent({ epsilon: 0, optimism: 0, lateAfter: 0 })(fakeInit(targets, { clock }));
    const random = createSeededRandom(1);
    const ctx = (r: CompletionRequest) => ({
      request: r,
      stream: false,
      attempt: 1,
      now: clock.now(),
      random,
    });
    const [a] = targets as [TargetView, TargetView];
    // a stops answering: its attempts pile up, each older than the 200 ms predicted for it.
    const stuck = callsStuckBeforeLeaving(strategy, targets, clock, () => request(10), 20);
    expect(stuck.length).toBeGreaterThanOrEqual(3);
    expect(stuck.length).toBeLessThanOrEqual(12); // within about 3 predicted latencies
    const note = strategy.describe!(targets, ctx(request(10)))[0]!.note;
    expect(note).toMatch(/in-flight attempts late/);
    // The newest stuck attempt answers on time: the older ones are no longer evidence.
    const last = stuck[stuck.length - 1]!;
    strategy.observe!({ ...fakeOutcome(a, { latencyMs: 200 }), request: last, startedAt: clock.now() - 50 });
    expect(strategy.pick(targets, ctx(request(10))).id).toBe('a');
  });

  it('follows a target that got better while it was picked rarely (its data forgets with time)', () => {
    const run = (options: IntelligentOptions) => {
      let bSlow = true;
      const w = world(2, (t) => (t.index === 0 ? 1_000 : bSlow ? 3_000 : 300), options);
      for (let i = 0; i < 100; i++) w.call(request(100), 100, [w.targets[1]!]); // b: 100 slow calls
      for (let i = 0; i < 200; i++) w.call(request(100), 100); // 20 s: a wins
      bSlow = false;
      let toB = 0;
      for (let i = 0; i < 1_500; i++) if (w.call(request(100), 100).id === 'b' && i >= 1_200) toB++;
      return toB / 300; // b's share 120–150 s after it got better
    };
    // Probes every 30 s bring one fast outcome each; the 100 slow ones lose half their weight
    // every 30 s, so within a few probes b wins. Without time forgetting it never does.
    expect(run({})).toBeGreaterThan(0.9);
    expect(
      run({ predictors: defaultPredictors({ latencyHalfLifeMs: Number.POSITIVE_INFINITY }) }),
    ).toBeLessThan(0.1);
  });

  it('an answer 3× faster than predicted after 5 s without one restarts the latency memory', () => {
    const predictedAfterFastAnswer = (gapMs: number, fastMs: number) => {
      let fast = false;
      const w = world(1, () => (fast ? fastMs : 3_000));
      for (let i = 0; i < 60; i++) w.call(request(100), 100);
      w.clock.advance(gapMs);
      fast = true;
      w.call(request(100), 100);
      const note = w.strategy.describe!(w.targets, w.ctx(request(100)))[0]!.note!;
      return Number(/latency (\d+) ms/.exec(note)![1]);
    };
    const restarted = predictedAfterFastAnswer(6_000, 500);
    const noGap = predictedAfterFastAnswer(1_000, 500);
    const notFastEnough = predictedAfterFastAnswer(6_000, 1_500); // only 2× faster
    // Restarted, the one new answer weighs about a third; otherwise one among 61 (a few %).
    expect(3_000 - restarted).toBeGreaterThan(10 * (3_000 - noGap));
    expect(3_000 - restarted).toBeGreaterThan(10 * (3_000 - notFastEnough));
    expect(noGap).toBeGreaterThan(2_900);
  });

  it('neither tries nor probes a target whose price alone makes it lose under the weights', () => {
    const picksOfC = (costPerUsd: number) => {
      const w = world(3, () => 500, { revisitMs: 2_000, weights: { costPerUsd } });
      (w.targets[2] as FakeTarget).price = { inputPerMTok: 1_000, outputPerMTok: 1_000 };
      let hits = 0;
      for (let i = 0; i < 100; i++) if (w.call(request(10), 10).id === 'c') hits++;
      return hits;
    };
    expect(picksOfC(1_000)).toBe(0); // $0.1+ a call: worse than a's whole expected utility
    expect(picksOfC(0)).toBeGreaterThanOrEqual(3); // free: tried, then probed every 2 s
  });

  it('probes a target not picked for revisitMs (no starvation)', () => {
    const w = world(2, (t) => (t.index === 0 ? 100 : 5_000), { revisitMs: 2_000 });
    const picks: string[] = [];
    for (let i = 0; i < 60; i++) picks.push(w.call(request(10), 10).id); // 100 ms apart
    const probes = picks.slice(2).filter((id) => id === 'b').length;
    expect(probes).toBeGreaterThanOrEqual(2); // every ~2 s over ~6 s
    expect(probes).toBeLessThanOrEqual(4);
  });

  it('a failure of an attempt already late when a later success started counts for less; a slow failure does not', () => {
    const failureAfter = (failureStartedAt: number) => {
      const w = world(1, () => 100);
      const [a] = w.targets as [TargetView];
      w.strategy.observe!({ ...fakeOutcome(a, { latencyMs: 100 }), startedAt: 100, usage: makeUsage(1, 1) });
      w.strategy.observe!({
        ...fakeOutcome(a, { latencyMs: 60_000, errorKind: 'timeout' }),
        startedAt: failureStartedAt,
      });
      const note = w.strategy.describe!([a], w.ctx(request(10)))[0]!.note!;
      return Number(/failure ([\d.]+)%/.exec(note)![1]);
    };
    // Successes take 100 ms: the one that started at 100 started 600 ms after the failed attempt,
    // which was already late then: old news (a timeout from a spike that has ended).
    const stale = failureAfter(-500);
    const fresh = failureAfter(150);
    expect(stale).toBeLessThan(fresh / 3);
    // 50 ms before it: the failure merely took longer than the answer (issue #19 §4): in full.
    expect(failureAfter(50)).toBeCloseTo(fresh, 6);
  });

  it('ignores failures that do not reflect the target', () => {
    const w = world(1, () => 100);
    const [a] = w.targets as [TargetView];
    w.strategy.observe!({ ...fakeOutcome(a, { latencyMs: 100 }), usage: makeUsage(10, 10) });
    w.strategy.observe!(fakeOutcome(a, { latencyMs: 60_000, errorKind: 'invalid_request' }));
    expect(w.strategy.describe!([a], w.ctx(request(10)))[0]!.note).toContain('failure 1.0%'); // prior 2% shrunk by one success
  });

  it('plugs in another predictor family through the factory', () => {
    const seen: PredictorSpec[] = [];
    class Constant implements Predictor {
      samples = 0;
      constructor(readonly value: number) {}
      observe(_f: PredictionFeatures): void {
        this.samples++;
      }
      predict(f: PredictionFeatures): number {
        expect(f.values.length).toBe(6);
        return this.value;
      }
    }
    const base = defaultPredictors();
    const targets = fakeTargets(2);
    const strategy = intelligent({
      revisitMs: 0,
      predictors: (spec) => {
        seen.push(spec);
        return spec.quantity === 'latency' ? new Constant(spec.target.index === 0 ? 900 : 100) : base(spec);
      },
    })(fakeInit(targets));
    expect(seen.map((s) => `${s.quantity}:${s.target.id}`)).toEqual([
      'latency:a',
      'latency:b',
      'outputTokens:a',
      'outputTokens:b',
      'failure:a',
      'failure:b',
    ]);
    for (const t of targets)
      strategy.observe!({ ...fakeOutcome(t, { latencyMs: 1 }), usage: makeUsage(1, 1) });
    const ctx = { request: request(10), stream: false, attempt: 1, now: 0, random: createSeededRandom(1) };
    expect(strategy.pick(targets, ctx).id).toBe('b');
    expect(strategy.describe!(targets, ctx)[0]!.note).toContain('latency 900 ms');
  });

  it('records the output tokens and failure latency it learns from', () => {
    const w = world(1, () => 100);
    const [a] = w.targets as [FakeTarget];
    a.config = { ...a.config, maxOutputTokens: 64 };
    const plain: CompletionRequest = { messages: [{ role: 'user', content: 'hello' }] };
    w.strategy.observe!({ ...fakeOutcome(a, { latencyMs: 100 }), request: plain }); // no usage
    w.strategy.observe!(fakeOutcome(a, { latencyMs: 30_000, errorKind: 'timeout' }));
    w.strategy.observe!(fakeOutcome(a, { latencyMs: 10_000, errorKind: 'timeout' }));
    const note = w.strategy.describe!([a], w.ctx(plain))[0]!.note!;
    expect(note).toContain('(64 out tokens)'); // the target's cap: no usage seen yet
    expect(note).toMatch(/utility -\d/);
  });

  it('adds no optimism with the default models, 0.5 σ with latency models that cannot restart', () => {
    const bonus = (options: IntelligentOptions) => {
      const w = world(1, () => 1_000, options);
      for (let i = 0; i < 5; i++) w.call(request(1_000), 1_000);
      const [note] = w.strategy.describe!(w.targets, w.ctx(request(1_000)));
      const [, utility, sigma] = /utility (-?[\d.]+) ± ([\d.]+)/.exec(note!.note!)!.map(Number);
      expect(sigma).toBeGreaterThan(0);
      return (note!.score - utility!) / sigma!;
    };
    expect(bonus({})).toBeCloseTo(0, 2);
    expect(
      bonus({ predictors: defaultPredictors({ latencyHalfLifeMs: Number.POSITIVE_INFINITY }) }),
    ).toBeCloseTo(0.5, 1);
    expect(bonus({ optimism: 0.25 })).toBeCloseTo(0.25, 1);
  });

  it('never reads Date.now or Math.random', () => {
    const now = vi.spyOn(Date, 'now');
    const rnd = vi.spyOn(Math, 'random');
    const w = world(3, (t) => 100 * (t.index + 1), { epsilon: 0.1 });
    for (let i = 0; i < 100; i++) w.call(request(100), 100);
    expect(now).not.toHaveBeenCalled();
    expect(rnd).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });

  it('builds features once per pick: the stream flag is a feature', () => {
    const w = world(2, () => 100);
    w.call(request(10), 10);
    w.call(request(10), 10);
    const ctx = w.ctx(request(10), true);
    const scores = w.strategy.describe!(w.targets, ctx);
    expect(scores).toHaveLength(2);
    expect(FEATURE.stream).toBe(3);
  });

  it('rejects invalid options with a config error naming the field', () => {
    const bad: [IntelligentOptions, RegExp][] = [
      [{ weights: { latencyPerSecond: -1 } }, /intelligent: weights/],
      [{ tags: Array.from({ length: 9 }, (_, i) => `t${i}`) }, /tags/],
      [{ optimism: -1 }, /optimism/],
      [{ epsilon: 2 }, /epsilon: expected a number in \[0, 1\]/],
      [{ staleHalfLifeMs: 0 }, /staleHalfLifeMs/],
      [{ defaultOutputTokens: Number.NaN }, /defaultOutputTokens/],
      [{ lateAfter: -1 }, /lateAfter/],
      [{ overdueAfter: -1 }, /overdueAfter/],
    ];
    for (const [options, message] of bad) {
      expect(() => intelligent(options)).toThrow(SwitchyardError);
      expect(() => intelligent(options)).toThrow(message);
    }
  });
});
