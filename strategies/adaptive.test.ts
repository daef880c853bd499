import { describe, expect, it, vi } from 'vitest';
import {
  type CompletionRequest,
  createSeededRandom,
  type ErrorKind,
  makeUsage,
  SwitchyardError,
  type TargetView,
} from '../src/index.js';
import { callsStuckBeforeLeaving } from '../test/helpers/stuck-target.js';
import { type AdaptiveOptions, adaptive } from './adaptive.js';
import { type FakeTarget, fakeContext, fakeInit, fakeOutcome, fakeTargets, ManualClock } from './testing.js';

/** The speed ratio in a `describe` note (`speed ×1.23 of the baseline`). */
const speedOf = (note: string | undefined) => Number(/speed ×([\d.]+)/.exec(note ?? '')?.[1]);

/** A simulated world: each target's latency (ms) and failure probability can change over time. */
function world(count: number, options: AdaptiveOptions = {}, seed = 7) {
  const targets = fakeTargets(count);
  const clock = new ManualClock(0);
  const strategy = adaptive(options)(fakeInit(targets, { clock }));
  const random = createSeededRandom(seed);
  const noise = createSeededRandom(seed + 1);
  const latency = new Array<number>(count).fill(1_000);
  const failure = new Array<number>(count).fill(0);
  /** Runs `n` sequential calls `gapMs` apart; returns how many went to each target. */
  const run = (n: number, gapMs = 100, candidates: readonly TargetView[] = targets) => {
    const hits = new Array<number>(count).fill(0);
    for (let k = 0; k < n; k++) {
      const t = strategy.pick(candidates, fakeContext({ now: clock.now(), random }));
      hits[t.index]!++;
      const fails = noise() < failure[t.index]!;
      const ms = fails ? 20 : latency[t.index]! * (0.8 + 0.4 * noise());
      const startedAt = clock.now();
      strategy.observe!(
        fakeOutcome(
          t,
          fails ? { latencyMs: ms, errorKind: 'server', startedAt } : { latencyMs: ms, startedAt },
        ),
      );
      clock.advance(gapMs);
    }
    return hits;
  };
  return { targets, clock, strategy, latency, failure, run };
}

/**
 * Two targets taught on two kinds of request, 60 rounds each: `a` answers `small` in `ms[0]` and
 * `large` in `ms[1]`, `b` in `ms[2]` and `ms[3]` (±20%). Returns what it picks and how it
 * describes `b` for a request, greedy (no exploration, no probes).
 */
function taughtOnTwoSizes(
  options: AdaptiveOptions,
  small: CompletionRequest,
  large: CompletionRequest,
  ms: readonly [number, number, number, number],
  seed: number,
) {
  const targets = fakeTargets(2);
  const clock = new ManualClock(0);
  const strategy = adaptive({ exploration: 0, revisitMs: 0, ...options })(fakeInit(targets, { clock }));
  const [a, b] = targets as [TargetView, TargetView];
  const noise = createSeededRandom(seed);
  for (let i = 0; i < 60; i++) {
    for (const [request, msA, msB] of [
      [small, ms[0], ms[2]],
      [large, ms[1], ms[3]],
    ] as const) {
      const startedAt = clock.now();
      strategy.observe!({
        ...fakeOutcome(a, { latencyMs: msA * (0.8 + 0.4 * noise()), startedAt }),
        request,
      });
      strategy.observe!({
        ...fakeOutcome(b, { latencyMs: msB * (0.8 + 0.4 * noise()), startedAt }),
        request,
      });
      clock.advance(100);
    }
  }
  const context = (request: CompletionRequest) => ({ ...fakeContext({ now: clock.now() }), request });
  return {
    pick: (request: CompletionRequest) => strategy.pick(targets, context(request)).id,
    noteOfB: (request: CompletionRequest) => strategy.describe!(targets, context(request))[1]!.note,
  };
}

describe('adaptive (discounted Thompson sampling)', () => {
  it('is named adaptive', () => {
    expect(world(1).strategy.name).toBe('adaptive');
  });

  it('tries every target once first, then converges to the best one', () => {
    const w = world(3);
    w.latency.splice(0, 3, 2_000, 500, 1_500);
    const first = w.run(3);
    expect(first).toEqual([1, 1, 1]);
    w.run(200);
    const late = w.run(300);
    expect(late[1]! / 300).toBeGreaterThan(0.9);
  });

  it('shifts away from a target that degrades, within a handful of its calls with a discount', () => {
    const w = world(2, { discount: 0.95 });
    w.latency.splice(0, 2, 500, 1_500);
    w.run(300);
    w.latency[0] = 5_000; // a slow spike
    const after = w.run(100);
    expect(after[0]).toBeLessThan(20);
    const settled = w.run(200);
    expect(settled[1]! / 200).toBeGreaterThan(0.85);
  });

  it('by default forgets with time: shifts away from a target that degrades within seconds', () => {
    // Outcomes here come back at once; in a router a slow call is also seen while it hangs.
    const w = world(2);
    w.latency.splice(0, 2, 500, 1_500);
    w.run(300);
    w.latency[0] = 5_000;
    const after = w.run(100); // 10 s
    expect(after[0]).toBeLessThan(50);
    const settled = w.run(100);
    expect(settled[1]! / 100).toBeGreaterThan(0.9);
  });

  it('avoids a target that fails often', () => {
    const w = world(2);
    w.failure[0] = 0.3;
    w.latency.splice(0, 2, 500, 1_000); // a is faster but one failure costs 10 s of latency
    w.run(200);
    const late = w.run(300);
    expect(late[1]! / 300).toBeGreaterThan(0.85);
  });

  it('re-explores a recovered target within bounded time', () => {
    const w = world(2, { halfLifeMs: 5_000 });
    w.latency.splice(0, 2, 500, 1_500);
    w.run(200);
    w.failure[0] = 1; // outage: a fails fast every time
    w.run(200);
    const during = w.run(100);
    expect(during[0]).toBeLessThan(10);
    w.failure[0] = 0; // recovered
    // Within 30 s (300 calls at 100 ms), traffic is back on a.
    const back = w.run(300);
    expect(back[0]! / 300).toBeGreaterThan(0.5);
    const late = w.run(200);
    expect(late[0]! / 200).toBeGreaterThan(0.85);
  });

  it('an idle target drifts back toward the average and gets sampled again (no starvation)', () => {
    const w = world(2, { halfLifeMs: 1_000 });
    const [a, b] = w.targets as [TargetView, TargetView];
    w.latency.splice(0, 2, 5_000, 1_000);
    w.run(100);
    // Only b is a candidate for a while (a ejected by the router); a's estimate ages.
    w.run(200, 100, [b]);
    const hits = w.run(50);
    expect(hits[a.index]).toBeGreaterThan(0);
  });

  it('accounts for load: concurrent picks spread instead of herding', () => {
    const w = world(2, { loadPenalty: 0.5 });
    const [a, b] = w.targets as [FakeTarget, FakeTarget];
    w.latency.splice(0, 2, 1_000, 1_100);
    w.run(100);
    a.inFlight = 4; // 1000 × 3 vs 1100 × 1
    const random = createSeededRandom(3);
    let toB = 0;
    for (let i = 0; i < 100; i++)
      if (w.strategy.pick(w.targets, fakeContext({ now: w.clock.now(), random })) === b) toB++;
    expect(toB).toBeGreaterThan(90);
  });

  it('an untried target with an attempt in flight waits; if all are so, the least busy is picked', () => {
    const targets = fakeTargets([{ inFlight: 2 }, { inFlight: 1 }]);
    const strategy = adaptive()(fakeInit(targets));
    expect(strategy.pick(targets, fakeContext()).id).toBe('b');
    strategy.observe!(fakeOutcome(targets[0]!, { latencyMs: 300 }));
    expect(strategy.pick(targets, fakeContext()).id).toBe('a');
  });

  it('lateAfter: leaves a target whose attempts stop finishing, before their outcomes arrive', () => {
    const targets = fakeTargets(2);
    const clock = new ManualClock(0);
    const strategy = adaptive({ exploration: 0, revisitMs: 0 })(fakeInit(targets, { clock }));
    const [a, b] = targets as [TargetView, TargetView];
    const random = createSeededRandom(1);
    const ctx = () => fakeContext({ now: clock.now(), random });
    for (let i = 0; i < 20; i++) {
      for (const t of [a, b]) strategy.observe!(fakeOutcome(t, { latencyMs: t === a ? 500 : 700 }));
      clock.advance(100);
    }
    const first = strategy.pick(targets, ctx());
    expect(first.id).toBe('a');
    strategy.pick(targets, ctx()); // a again: two attempts pending on a
    clock.advance(3_000); // nothing back from a for 3 s (its usual latency is 0.5 s)
    expect(strategy.pick(targets, ctx()).id).toBe('b');
    expect(strategy.describe!(targets, ctx())[0]!.note).toMatch(/load \d+\.\d\d/);
  });

  it('lateAfter: an answer on time lets go of the attempts still hanging from before it', () => {
    const targets = fakeTargets(2);
    const clock = new ManualClock(0);
    // The overdue tracker off: only the in-flight silence is read here.
    const strategy = adaptive({ exploration: 0, revisitMs: 0, overdueAfter: 0 })(
      fakeInit(targets, { clock }),
    );
    const [a, b] = targets as [TargetView, TargetView];
    const ctx = () => fakeContext({ now: clock.now() });
    for (let i = 0; i < 20; i++) {
      for (const t of [a, b]) strategy.observe!(fakeOutcome(t, { latencyMs: t === a ? 500 : 700 }));
      clock.advance(100);
    }
    const loadOfA = () =>
      Number(/load (\d+\.\d\d)/.exec(strategy.describe!(targets, ctx())[0]!.note ?? '')?.[1]);
    for (let i = 0; i < 4; i++) strategy.pick([a], ctx()); // four attempts on a hang (a slow spell)
    clock.advance(3_000);
    expect(loadOfA()).toBeGreaterThan(3);
    // The spell ends: a probe answers in 400 ms, on time; the four old attempts still hang.
    const probeAt = clock.now();
    strategy.pick([a], ctx());
    clock.advance(400);
    strategy.observe!(fakeOutcome(a, { latencyMs: 400, startedAt: probeAt }));
    clock.advance(1_500);
    // Still counting the four, 1.5 s of silence would read as 1.5 × 4 / (0.5 × 3) = 4× late (3.7 faded).
    expect(loadOfA()).toBe(1);
  });

  it('a failure of an attempt already late when a later success started counts for less; a slow failure does not', () => {
    const scoreAfter = (failureStartedAt: number) => {
      const targets = fakeTargets(1);
      const strategy = adaptive()(fakeInit(targets));
      const [a] = targets as [TargetView];
      for (let i = 0; i < 5; i++)
        strategy.observe!({ ...fakeOutcome(a, { latencyMs: 100 }), startedAt: 100 });
      strategy.observe!({
        ...fakeOutcome(a, { latencyMs: 20, errorKind: 'server' }),
        startedAt: failureStartedAt,
      });
      return strategy.describe!(targets, fakeContext())[0]!.score;
    };
    // Successes take 100 ms: the one that started at 100 started 600 ms after the failed attempt
    // (already late then: old news, a spike that has ended) …
    expect(scoreAfter(-500)).toBeGreaterThan(scoreAfter(150) + 1);
    // … but 50 ms after it, it says nothing of the failure's time: a failure that takes longer
    // than the answers around it (issue #19 §4, failures after 8 s) counts in full.
    expect(scoreAfter(50)).toBeCloseTo(scoreAfter(150), 6);
  });

  it('a failure costs its time to fail on top of what follows, not a slower speed', () => {
    const scoreAfter = (failureMs: number) => {
      const targets = fakeTargets(1);
      const strategy = adaptive()(fakeInit(targets));
      const [a] = targets as [TargetView];
      for (let i = 0; i < 5; i++)
        strategy.observe!({ ...fakeOutcome(a, { latencyMs: 1_000 }), startedAt: 100 });
      strategy.observe!({ ...fakeOutcome(a, { latencyMs: failureMs, errorKind: 'server' }), startedAt: 200 });
      const score = strategy.describe!(targets, fakeContext())[0]!;
      return { score: score.score, note: score.note! };
    };
    const quick = scoreAfter(20);
    const slow = scoreAfter(8_000);
    // The 8 s failure costs about 8 s more (× its weight among six outcomes), the speed stays ×1.
    expect(quick.score - slow.score).toBeGreaterThan(0.5);
    expect(slow.note).toMatch(/×1\.00 overall/);
  });

  it('ignores failures that do not reflect the target', () => {
    const w = world(2);
    const [a] = w.targets as [TargetView];
    w.strategy.observe!(fakeOutcome(a, { latencyMs: 100 }));
    for (const kind of ['invalid_request', 'aborted'] as ErrorKind[]) {
      w.strategy.observe!(fakeOutcome(a, { latencyMs: 60_000, errorKind: kind }));
    }
    const score = w.strategy.describe!([a], fakeContext())[0]!;
    expect(score.score).toBeCloseTo(-0.1, 2); // the 60 s "aborted" would make it about −30
    expect(score.note).toContain('1.0 recent outcomes');
  });

  it("adds each request's cost from the live price, weighed by the utility weights", () => {
    const targets = fakeTargets(2);
    const [a, b] = targets as [FakeTarget, FakeTarget];
    a.price = { inputPerMTok: 10, outputPerMTok: 40 };
    b.price = { inputPerMTok: 0.1, outputPerMTok: 0.4 };
    const make = (costPerUsd: number) => {
      const strategy = adaptive({ weights: { costPerUsd, latencyPerSecond: 1 }, revisitMs: 0 })(
        fakeInit(targets),
      );
      strategy.observe!(fakeOutcome(a, { latencyMs: 500 }));
      strategy.observe!(fakeOutcome(b, { latencyMs: 1_000 }));
      return strategy;
    };
    // A 40,000-character prompt (10k tokens) with a 1,000-token cap, half of it used by default:
    // a costs 10k × $10 + 500 × $40 per MTok = $0.12, b $0.0012.
    const big = {
      ...fakeContext(),
      request: { messages: [{ role: 'user' as const, content: 'x'.repeat(40_000) }], maxOutputTokens: 1_000 },
    };
    const cheap = make(100);
    const [sa, sb] = cheap.describe!(targets, big);
    expect(sa!.note).toContain('cost 12.000');
    expect(sb!.note).toContain('cost 0.120');
    expect(cheap.pick(targets, big).id).toBe('b');
    // With cost weighed at 0, the faster target wins.
    const [fa, fb] = make(0).describe!(targets, big);
    expect(fa!.score).toBeGreaterThan(fb!.score);
    expect(fa!.note).toContain('cost 0.000');
  });

  it('learns the share of maxOutputTokens that answers use (and the mean output without a cap)', () => {
    const targets = fakeTargets(1);
    const [a] = targets as [FakeTarget];
    a.price = { inputPerMTok: 0, outputPerMTok: 1_000 }; // $0.001 per output token
    const strategy = adaptive({ weights: { costPerUsd: 1, latencyPerSecond: 1 } })(fakeInit(targets));
    const capped = { messages: [{ role: 'user' as const, content: 'hi' }], maxOutputTokens: 1_000 };
    const open = { messages: [{ role: 'user' as const, content: 'hi' }] };
    const costOf = (request: CompletionRequest) =>
      Number(
        /cost (\d+\.\d+)/.exec(strategy.describe!(targets, { ...fakeContext(), request })[0]!.note!)![1],
      );
    strategy.observe!(fakeOutcome(a, { latencyMs: 100 }));
    expect(costOf(capped)).toBeCloseTo(0.5, 3); // half the cap before data
    expect(costOf(open)).toBeCloseTo(0.256, 3); // 256 tokens before data
    for (let i = 0; i < 300; i++) {
      strategy.observe!({ ...fakeOutcome(a, { latencyMs: 100 }), request: capped, usage: makeUsage(1, 100) });
      strategy.observe!({ ...fakeOutcome(a, { latencyMs: 100 }), request: open, usage: makeUsage(1, 40) });
    }
    expect(costOf(capped)).toBeCloseTo(0.1, 2); // answers use 10% of the cap
    expect(costOf(open)).toBeCloseTo(0.04, 2); // 40 tokens on average
  });

  it('scores a failure as the router handles it: a fallback while attempts remain', () => {
    const targets = fakeTargets(2);
    const [a, b] = targets as [FakeTarget, FakeTarget];
    const strategy = adaptive({ exploration: 0 })(fakeInit(targets));
    const at = (attempt: number) => ({ ...fakeContext(), attempt, maxAttempts: 3 });
    const onA = (fails: boolean, attempt: number) => ({
      ...fakeOutcome(a, fails ? { latencyMs: 20, errorKind: 'server' } : { latencyMs: 1_000 }),
      attempt,
      maxAttempts: 3,
    });
    // a: 1 s, 40% fast failures (each on a call's first attempt, with fallbacks left); b: 3 s.
    for (let i = 0; i < 50; i++) {
      strategy.observe!(onA(i % 5 < 2, 1));
      strategy.observe!(fakeOutcome(b, { latencyMs: 3_000 }));
    }
    const [sa, sb] = strategy.describe!(targets, at(1));
    expect(sa!.score).toBeGreaterThan(sb!.score);
    // The same failures on last attempts carry the full penalty (10 per failure): b wins.
    const strict = adaptive({ exploration: 0 })(fakeInit(targets));
    for (let i = 0; i < 50; i++) {
      strict.observe!(onA(i % 5 < 2, 3));
      strict.observe!(fakeOutcome(b, { latencyMs: 3_000 }));
    }
    const [ta, tb] = strict.describe!(targets, at(3));
    expect(tb!.score).toBeGreaterThan(ta!.score);
  });

  it('learns a speed ratio: a slower target loses more on a long request than on a short one', () => {
    const targets = fakeTargets(2);
    const strategy = adaptive({ halfLifeMs: 1e9 })(fakeInit(targets));
    const [a, b] = targets as [TargetView, TargetView];
    const short: CompletionRequest = { messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 100 };
    const long: CompletionRequest = { ...short, maxOutputTokens: 2_000 };
    // b takes twice as long as a on every request: 1 s vs 2 s short, 10 s vs 20 s long.
    for (let i = 0; i < 100; i++) {
      for (const [request, ms] of [
        [short, 1_000],
        [long, 10_000],
      ] as const) {
        strategy.observe!({ ...fakeOutcome(a, { latencyMs: ms }), request });
        strategy.observe!({ ...fakeOutcome(b, { latencyMs: 2 * ms }), request });
      }
    }
    const gap = (request: CompletionRequest) => {
      const [sa, sb] = strategy.describe!(targets, { ...fakeContext(), request });
      return sa!.score - sb!.score;
    };
    expect(gap(short)).toBeGreaterThan(0.5);
    expect(gap(short)).toBeLessThan(2);
    // One number per target, yet the gap scales with the request: about 10× here.
    expect(gap(long) / gap(short)).toBeGreaterThan(5);
    const [sa, sb] = strategy.describe!(targets, fakeContext());
    expect(speedOf(sb!.note) / speedOf(sa!.note)).toBeCloseTo(2, 1);
  });

  it('learns speed per prompt band: picks the target that is quick on prompts of this length', () => {
    // a: a quick first token, a slow prefill (1 s on short prompts, 8 s on long ones); b the reverse.
    const prompt = (tokens: number): CompletionRequest => ({
      messages: [{ role: 'user', content: 'x'.repeat(tokens * 4) }],
      maxOutputTokens: 200,
    });
    const short = prompt(300);
    const long = prompt(12_000);
    const picks = (options: AdaptiveOptions) => {
      const taught = taughtOnTwoSizes(options, short, long, [1_000, 8_000, 2_000, 3_000], 3);
      return { short: taught.pick(short), long: taught.pick(long), noteB: taught.noteOfB(long) };
    };
    const banded = picks({});
    expect([banded.short, banded.long]).toEqual(['a', 'b']);
    expect(banded.noteB).toMatch(/in prompts of 8192–32768 tokens, ×[\d.]+ overall/);
    // One ratio per target cannot tell: the same target for both.
    const single = picks({ bandEdges: [] });
    expect(single.short).toBe(single.long);
  });

  it('outputBandEdges: learns speed per answer cap too, and picks the target that is quick on answers of this length', () => {
    // a: a quick first token, slow writing (1 s on answers capped at 256, 12 s at 4096); b: a slow
    // first token, fast writing (2.5 s and 5 s). Same prompts: only the cap tells them apart.
    const ask = (cap: number | undefined): CompletionRequest => ({
      messages: [{ role: 'user', content: 'x'.repeat(1_200) }],
      ...(cap === undefined ? {} : { maxOutputTokens: cap }),
    });
    const brief = ask(256);
    const essay = ask(4_096);
    const picks = (options: AdaptiveOptions) => {
      const taught = taughtOnTwoSizes(options, brief, essay, [1_000, 12_000, 2_500, 5_000], 5);
      return { brief: taught.pick(brief), essay: taught.pick(essay), noteFor: taught.noteOfB };
    };
    const banded = picks({ outputBandEdges: [1_024] });
    expect([banded.brief, banded.essay]).toEqual(['a', 'b']);
    expect(banded.noteFor(essay)).toMatch(
      /in prompts under 512 tokens and answers capped at 1024\+ tokens, ×/,
    );
    expect(banded.noteFor(brief)).toContain('and answers capped under 1024 tokens');
    // A request without a cap neither uses nor names an output band.
    expect(banded.noteFor(ask(undefined))).toMatch(/in prompts under 512 tokens, ×/);
    // Off by default: one factor for both caps, the same target for both.
    const single = picks({});
    expect(single.brief).toBe(single.essay);
  });

  it('a slowdown seen on one band moves the others: bands keep their shape, the ratio moves', () => {
    // a is quick on short prompts (1 s) and slow on long ones (8 s); then it becomes 3× slower for
    // 20 s, seen on short prompts only. Its long-prompt estimate follows, though no long prompt saw it.
    const targets = fakeTargets(2);
    const clock = new ManualClock(0);
    const strategy = adaptive()(fakeInit(targets, { clock }));
    const [a, b] = targets as [TargetView, TargetView];
    const prompt = (tokens: number): CompletionRequest => ({
      messages: [{ role: 'user', content: 'x'.repeat(tokens * 4) }],
    });
    const short = prompt(300);
    const long = prompt(12_000);
    const noise = createSeededRandom(9);
    const observe = (target: TargetView, request: CompletionRequest, ms: number) => {
      const outcome = fakeOutcome(target, { latencyMs: ms * (0.8 + 0.4 * noise()), startedAt: clock.now() });
      strategy.observe!({ ...outcome, request });
    };
    for (let i = 0; i < 100; i++) {
      observe(a, short, 1_000);
      observe(b, short, 2_000);
      observe(a, long, 8_000);
      observe(b, long, 3_000);
      clock.advance(100);
    }
    /** a's expected latency part on a long prompt (negative: a penalty). */
    const longLatencyOfA = () => {
      const note = strategy.describe!(targets, { ...fakeContext({ now: clock.now() }), request: long })[0]!
        .note;
      return Number(/latency (-?[\d.]+)/.exec(note ?? '')?.[1]);
    };
    const before = longLatencyOfA();
    for (let i = 0; i < 200; i++) {
      observe(a, short, 3_000);
      observe(b, short, 2_000);
      clock.advance(100);
    }
    // A third of the way there after one half-life (the shared baseline takes part of it too).
    // Learned as absolute per-band ratios, a's long band would keep its old value (×0.97 here).
    expect(longLatencyOfA() / before).toBeGreaterThan(1.25);
  });

  it('describe names the prompt band: under the first edge, between two, past the last, or all prompts', () => {
    const targets = fakeTargets(1);
    const note = (bandEdges: readonly number[] | undefined, tokens: number) => {
      const strategy = adaptive(bandEdges === undefined ? {} : { bandEdges })(fakeInit(targets));
      const request: CompletionRequest = { messages: [{ role: 'user', content: 'x'.repeat(tokens * 4) }] };
      strategy.observe!({ ...fakeOutcome(targets[0]!, { latencyMs: 1_000 }), request });
      return strategy.describe!(targets, { ...fakeContext(), request })[0]!.note;
    };
    expect(note(undefined, 100)).toContain('in prompts under 512 tokens');
    expect(note(undefined, 1_000)).toContain('in prompts of 512–2048 tokens');
    expect(note(undefined, 50_000)).toContain('in prompts of 32768+ tokens');
    expect(note([], 50_000)).toContain('in all prompts');
  });

  it("a band seen a few times leans on the target's overall ratio while its bands agree", () => {
    // b is 2× slower than a on every prompt length (both ±20%). Its short-prompt band is seen twice,
    // both times 25% slower than usual: noise, given how alike b's other bands are.
    const shortBandRatio = (bandsAgree: boolean) => {
      const targets = fakeTargets(2);
      const strategy = adaptive({ halfLifeMs: 1e9 })(fakeInit(targets));
      const [a, b] = targets as [TargetView, TargetView];
      const prompt = (tokens: number): CompletionRequest => ({
        messages: [{ role: 'user', content: 'x'.repeat(tokens * 4) }],
      });
      const noise = createSeededRandom(4);
      for (let i = 0; i < 300; i++) {
        const band = i % 3;
        const request = prompt([1_000, 5_000, 20_000][band]!);
        const slower = bandsAgree || band !== 2 ? 2 : 1;
        strategy.observe!({ ...fakeOutcome(a, { latencyMs: 1_000 * (0.8 + 0.4 * noise()) }), request });
        strategy.observe!({
          ...fakeOutcome(b, { latencyMs: slower * 1_000 * (0.8 + 0.4 * noise()) }),
          request,
        });
      }
      for (let i = 0; i < 2; i++) {
        strategy.observe!({ ...fakeOutcome(a, { latencyMs: 1_000 }), request: prompt(100) });
        strategy.observe!({ ...fakeOutcome(b, { latencyMs: 2_500 }), request: prompt(100) });
      }
      const [sa, sb] = strategy.describe!(targets, { ...fakeContext(), request: prompt(100) });
      return speedOf(sb!.note) / speedOf(sa!.note);
    };
    // With a fixed weight of 1 on the overall ratio it would be (2 × 2.5 + 2) / 3 ≈ 2.3.
    expect(shortBandRatio(true)).toBeLessThan(2.1);
    // When b is as fast as a on one band and 2× slower on the others, each band follows its own
    // outcomes (leaning on b's overall ratio, about 1.7, would give under 1.8).
    expect(shortBandRatio(false)).toBeGreaterThan(2.1);
  });

  it("a target's speed ratio does not depend on where the rest of the traffic went", () => {
    // a answers in 0.5 s and b in 1.5 s; only the mix of traffic differs between the two runs.
    const ratios = (shareToA: number) => {
      const targets = fakeTargets(2);
      const clock = new ManualClock(0);
      const strategy = adaptive()(fakeInit(targets, { clock }));
      const [a, b] = targets as [TargetView, TargetView];
      for (let i = 0; i < 400; i++) {
        const toA = (i * shareToA) % 1 < shareToA;
        strategy.observe!(fakeOutcome(toA ? a : b, { latencyMs: toA ? 500 : 1_500, startedAt: clock.now() }));
        clock.advance(50);
      }
      return strategy.describe!(targets, fakeContext({ now: clock.now() })).map((d) => speedOf(d.note));
    };
    const [aMostly, bMostly] = [ratios(0.9), ratios(0.1)];
    expect(aMostly[1]! / aMostly[0]!).toBeCloseTo(3, 0);
    // With a baseline that follows the traffic mix, a's ratio would be 0.85 in one run and 0.39 in the other.
    expect(Math.abs(aMostly[0]! - bMostly[0]!)).toBeLessThan(0.15);
    expect(Math.abs(aMostly[1]! - bMostly[1]!) / aMostly[1]!).toBeLessThan(0.2);
  });

  it('a fast failure (a quick 503) does not make a target look fast', () => {
    const targets = fakeTargets(2);
    const strategy = adaptive({ halfLifeMs: 1e9 })(fakeInit(targets));
    const [a, b] = targets as [TargetView, TargetView];
    for (let i = 0; i < 100; i++) {
      const failsFast = i % 3 === 0;
      strategy.observe!(
        failsFast
          ? fakeOutcome(a, { latencyMs: 20, errorKind: 'server' })
          : fakeOutcome(a, { latencyMs: 1_000 }),
      );
      strategy.observe!(fakeOutcome(b, { latencyMs: 1_000 }));
    }
    const [sa, sb] = strategy.describe!(targets, fakeContext());
    expect(speedOf(sa!.note)).toBeCloseTo(speedOf(sb!.note), 1);
    expect(sa!.score).toBeLessThan(sb!.score); // its failures still cost it
  });

  it('stays finite when latency does not count, or when an answer takes 0 ms', () => {
    const targets = fakeTargets(2);
    const blind = adaptive({ weights: { latencyPerSecond: 0 } })(fakeInit(targets));
    const instant = adaptive()(fakeInit(targets));
    for (let i = 0; i < 20; i++) {
      for (const strategy of [blind, instant]) {
        strategy.observe!(fakeOutcome(targets[0]!, { latencyMs: i % 2 === 0 ? 0 : 800 }));
        strategy.observe!(fakeOutcome(targets[1]!, { latencyMs: 1_000 }));
      }
    }
    for (const strategy of [blind, instant]) {
      for (const d of strategy.describe!(targets, fakeContext())) expect(Number.isFinite(d.score)).toBe(true);
      expect(targets).toContain(strategy.pick(targets, fakeContext()));
    }
    // Without a latency weight nothing tells the targets apart: speed ratios stay at the prior.
    expect(speedOf(blind.describe!(targets, fakeContext())[0]!.note)).toBe(1);
  });

  it('describe: posterior mean × load, untried = +Infinity, with a readable note', () => {
    const targets = fakeTargets(3);
    const strategy = adaptive({ loadPenalty: 0.5 })(fakeInit(targets));
    strategy.observe!(fakeOutcome(targets[0]!, { latencyMs: 2_000 }));
    strategy.observe!(fakeOutcome(targets[1]!, { latencyMs: 2_000 }));
    (targets[1] as FakeTarget).inFlight = 1;
    const scores = strategy.describe!(targets, fakeContext());
    expect(scores[0]!.score).toBeCloseTo(-2, 1);
    expect(scores[1]!.score).toBeCloseTo(-3, 1); // latency part × (1 + 0.5 × 1 in flight)
    expect(scores[0]!.note).toContain('load 1.00');
    expect(scores[1]!.note).toContain('load 1.50');
    expect(scores[2]).toMatchObject({ target: 'c', score: Number.POSITIVE_INFINITY });
  });

  it('is deterministic for a seed and never reads Date.now or Math.random', () => {
    const now = vi.spyOn(Date, 'now');
    const rnd = vi.spyOn(Math, 'random');
    const one = world(3, {}, 11);
    const two = world(3, {}, 11);
    one.latency.splice(0, 3, 900, 1_000, 1_100);
    two.latency.splice(0, 3, 900, 1_000, 1_100);
    expect(one.run(300)).toEqual(two.run(300));
    expect(now).not.toHaveBeenCalled();
    expect(rnd).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });

  it('with exploration 0 it is greedy on the estimate', () => {
    const w = world(2, { exploration: 0 });
    w.latency.splice(0, 2, 1_000, 1_500);
    w.run(20);
    const hits = w.run(100);
    expect(hits[0]).toBe(100);
  });

  it('describe scores what pick maximises: with exploration 0 the pick is always the best-scored', () => {
    // #choose and describe repeat the posterior arithmetic (for the pick budget); this keeps them in step.
    const targets = fakeTargets([{ inFlight: 0 }, { inFlight: 2 }, { inFlight: 1 }]);
    const clock = new ManualClock(0);
    // No probes: they pick a target for not having been picked, not for its score.
    const strategy = adaptive({ exploration: 0, revisitMs: 0 })(fakeInit(targets, { clock }));
    const noise = createSeededRandom(5);
    const sizes = [16, 400, 4_000];
    const prompts = ['hi', 'x'.repeat(4_000), 'x'.repeat(40_000), 'x'.repeat(200_000)];
    for (let k = 0; k < 300; k++) {
      const t = targets[k % 3]!;
      // Prompts of four bands, with a speed that depends on the band for target 2.
      const p = Math.floor(k / 3) % prompts.length;
      const request: CompletionRequest = {
        messages: [{ role: 'user', content: prompts[p]! }],
        maxOutputTokens: sizes[k % sizes.length]!,
      };
      const fails = noise() < 0.1 * t.index;
      const latencyMs =
        (500 + 300 * t.index) *
        (t.index === 2 ? 0.5 + p : 1) *
        (request.maxOutputTokens! / 400 + 0.5) *
        (0.8 + 0.4 * noise());
      strategy.observe!({
        ...fakeOutcome(
          t,
          fails
            ? { latencyMs: 50, errorKind: 'server', startedAt: clock.now() }
            : { latencyMs, startedAt: clock.now() },
        ),
        request,
      });
      clock.advance(200);
      if (k < 3) continue; // untried targets go first whatever the scores
      const context = { ...fakeContext({ now: clock.now() }), request };
      const scores = strategy.describe!(targets, context).map((d) => d.score);
      const best = scores.indexOf(Math.max(...scores));
      expect(strategy.pick(targets, context)).toBe(targets[best]);
    }
  });

  it('overdueAfter reads a slowdown from pending attempts older than expected, which fades', () => {
    const targets = fakeTargets(2);
    const clock = new ManualClock(0);
    const strategy = adaptive({ exploration: 0, lateAfter: 0, revisitMs: 0 })(fakeInit(targets, { clock }));
    const ask = (): CompletionRequest => ({
      messages: [{ role: 'user', content: 'hi' }],
      maxOutputTokens: 16,
    });
    // a stops answering: its attempts pile up, each older than the 200 ms expected for it.
    const stuck = callsStuckBeforeLeaving(strategy, targets, clock, ask);
    expect(stuck.length).toBeGreaterThanOrEqual(3);
    expect(stuck.length).toBeLessThanOrEqual(15);
    // The evidence fades once a is left alone: its attempts still hang, but after five
    // half-lives without a pick it is tried again (by its estimate, not by a revisit probe).
    const random = createSeededRandom(2);
    const pick = () =>
      strategy.pick(targets, { request: ask(), stream: false, attempt: 1, now: clock.now(), random }).id;
    expect(pick()).toBe('b');
    clock.advance(100_000);
    expect(pick()).toBe('a');
    // Off, nothing but outcomes moves it: a keeps every pick while its attempts hang.
    const blind = adaptive({ exploration: 0, lateAfter: 0, overdueAfter: 0 })(fakeInit(targets, { clock }));
    expect(callsStuckBeforeLeaving(blind, targets, clock, ask)).toHaveLength(30);
  });

  it('a stream whose first token is late is news long before the attempt ends; one whose first token came is not', () => {
    const ask = (): CompletionRequest => ({
      messages: [{ role: 'user', content: 'hi' }],
      maxOutputTokens: 500,
    });
    /** a: 200 ms to the first token of a 2 s answer; b: 300 ms of 2.6 s. Then a's streams hang. */
    const picksBeforeLeaving = (stream: boolean, firstTokenAfterMs?: number) => {
      const targets = fakeTargets(2);
      const [a, b] = targets as [FakeTarget, FakeTarget];
      const clock = new ManualClock(0);
      const strategy = adaptive({ exploration: 0, lateAfter: 0, revisitMs: 0 })(fakeInit(targets, { clock }));
      const random = createSeededRandom(1);
      const ctx = (r: CompletionRequest) => ({ request: r, stream, attempt: 1, now: clock.now(), random });
      for (let i = 0; i < 20; i++) {
        for (const t of [a, b]) {
          const r = ask();
          const startedAt = clock.now();
          strategy.pick([t, t], ctx(r));
          const ttftMs = t === a ? 200 : 300;
          if (stream) strategy.observeFirstToken!({ target: t, request: r, startedAt, ttftMs, attempt: 1 });
          strategy.observe!({
            ...fakeOutcome(t, { latencyMs: t === a ? 2_000 : 2_600 }),
            request: r,
            startedAt,
            stream,
            ...(stream ? { ttftMs } : {}),
          });
        }
      }
      const started: Array<[CompletionRequest, number]> = [];
      for (let picks = 0; picks < 60; picks++) {
        const r = ask();
        if (strategy.pick(targets, ctx(r)).id === b.id) return picks;
        started.push([r, clock.now()]);
        clock.advance(50);
        if (firstTokenAfterMs === undefined) continue;
        for (const [request, startedAt] of started) {
          if (clock.now() - startedAt === firstTokenAfterMs) {
            strategy.observeFirstToken!({
              target: a,
              request,
              startedAt,
              ttftMs: firstTokenAfterMs,
              attempt: 1,
            });
          }
        }
      }
      return 60;
    };
    const streams = picksBeforeLeaving(true);
    const completions = picksBeforeLeaving(false);
    // No first token after 3 × 200 ms: left within about a second of streams, where completions
    // wait for their 2 s to pass.
    expect(streams).toBeLessThanOrEqual(20);
    expect(completions).toBeGreaterThanOrEqual(streams + 10);
    // First tokens on time: the streams are judged on their whole 2 s, like completions.
    expect(picksBeforeLeaving(true, 200)).toBeGreaterThanOrEqual(completions - 2);
  });

  it('an outcome counts from when its attempt started: calls that ran through a spike weigh little after it', () => {
    const targets = fakeTargets(2);
    const clock = new ManualClock(0);
    const strategy = adaptive({ exploration: 0 })(fakeInit(targets, { clock }));
    const [a, b] = targets as [TargetView, TargetView];
    for (let i = 0; i < 100; i++) {
      for (const t of [a, b]) {
        strategy.observe!(fakeOutcome(t, { latencyMs: t === a ? 500 : 1_500, startedAt: clock.now() }));
      }
      clock.advance(100);
    }
    // Five calls picked a minute ago, during a spike that has ended, come back now.
    for (let i = 0; i < 5; i++) {
      strategy.observe!(fakeOutcome(a, { latencyMs: 60_000, startedAt: clock.now() - 60_000 }));
    }
    // They describe a past three half-lives old: a (0.5 s) still scores above b (1.5 s).
    const [scoreA, scoreB] = strategy.describe!(targets, fakeContext({ now: clock.now() })).map(
      (d) => d.score,
    );
    expect(scoreA).toBeGreaterThan(scoreB!);
  });

  it('revisitMs: probes a target left alone for that long, unless its price alone rules it out under the weights', () => {
    const run = (revisitMs: number, costPerUsd?: number) => {
      const targets = fakeTargets(2);
      targets[0]!.price = { inputPerMTok: 1_000, outputPerMTok: 1_000 };
      targets[1]!.price = { inputPerMTok: 0, outputPerMTok: 0 };
      const clock = new ManualClock(0);
      const weights = costPerUsd === undefined ? {} : { weights: { costPerUsd } };
      const strategy = adaptive({ revisitMs, exploration: 0, ...weights })(fakeInit(targets, { clock }));
      const random = createSeededRandom(4);
      const hits = [0, 0];
      for (let i = 0; i < 600; i++) {
        const t = strategy.pick(targets, fakeContext({ now: clock.now(), random }));
        hits[t.index]!++;
        strategy.observe!(fakeOutcome(t, { latencyMs: t.index === 0 ? 5_000 : 500, startedAt: clock.now() }));
        clock.advance(100);
      }
      return hits[0]!;
    };
    // Price nearly free, a 10× slower: 60 s is the first try, then one probe every 10 s.
    expect(run(10_000, 0.001)).toBeGreaterThanOrEqual(6);
    expect(run(10_000, 0.001)).toBeLessThanOrEqual(7);
    expect(run(0, 0.001)).toBe(1);
    // The default weights: a call to a costs more than b's whole expected utility, so a revisit
    // cannot pay off (exploration priced with the weights): only the first try, before b had data.
    expect(run(10_000)).toBe(1);
  });

  it('does not try an untried target whose price alone makes it lose under the weights', () => {
    const targets = fakeTargets(3);
    targets[0]!.price = { inputPerMTok: 0, outputPerMTok: 0 };
    targets[1]!.price = { inputPerMTok: 0, outputPerMTok: 0 };
    targets[2]!.price = { inputPerMTok: 1_000, outputPerMTok: 1_000 };
    const picks = (costPerUsd: number) => {
      const clock = new ManualClock(0);
      const strategy = adaptive({ weights: { costPerUsd } })(fakeInit(targets, { clock }));
      const random = createSeededRandom(4);
      const ids = new Set<string>();
      for (let i = 0; i < 50; i++) {
        const t = strategy.pick(targets, fakeContext({ now: clock.now(), random }));
        ids.add(t.id);
        strategy.observe!(fakeOutcome(t, { latencyMs: 500, startedAt: clock.now() }));
        clock.advance(100);
      }
      return [...ids].sort();
    };
    expect(picks(1_000)).toEqual(['a', 'b']);
    expect(picks(0)).toEqual(['a', 'b', 'c']);
  });

  it('rejects invalid options with a config error naming the field', () => {
    const bad: [AdaptiveOptions, RegExp][] = [
      [{ weights: { error: -1 } }, /adaptive: weights: .*error/],
      [{ discount: 0 }, /discount: expected a number in \(0, 1\]/],
      [{ discount: 1.1 }, /discount/],
      [{ halfLifeMs: 0 }, /halfLifeMs/],
      [{ exploration: -1 }, /exploration: expected a finite number >= 0/],
      [{ loadPenalty: Number.NaN }, /loadPenalty/],
      [{ overdueAfter: -1 }, /overdueAfter: expected a finite number >= 0/],
      [{ revisitMs: -1 }, /revisitMs: expected a finite number >= 0/],
      [
        { bandEdges: [512, 512] },
        /^adaptive: bandEdges\[1\]: expected ascending finite numbers of tokens > 0, got 512$/,
      ],
      [{ bandEdges: [0] }, /bandEdges\[0\]: .* got 0$/],
      [{ bandEdges: [Number.POSITIVE_INFINITY] }, /bandEdges\[0\]: .* got Infinity$/],
      [
        { outputBandEdges: [2048, 1024] },
        /^adaptive: outputBandEdges\[1\]: expected ascending finite numbers of tokens > 0, got 1024$/,
      ],
      [{ outputBandEdges: [-5] }, /^adaptive: outputBandEdges\[0\]: .* got -5$/],
    ];
    for (const [options, message] of bad) {
      expect(() => adaptive(options)).toThrow(SwitchyardError);
      expect(() => adaptive(options)).toThrow(message);
    }
  });
});
