import { describe, expect, it } from 'vitest';
import {
  type CompletionRequest,
  createSeededRandom,
  makeUsage,
  SwitchyardError,
  type TargetView,
} from '../src/index.js';
import { type CostOptions, cost } from './cost.js';
import { type FakeTarget, fakeInit, fakeOutcome, fakeTargets } from './testing.js';

const prompt = (tokens: number) => 'x'.repeat(tokens * 4);
const request = (inputTokens: number, maxOutputTokens?: number): CompletionRequest => ({
  messages: [{ role: 'user', content: prompt(inputTokens) }],
  ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
});
const ctx = (r: CompletionRequest) => ({
  request: r,
  stream: false,
  attempt: 1,
  now: 0,
  random: createSeededRandom(1),
});

function setup(
  prices: ({ in: number; out: number; cached?: number } | undefined)[],
  options: CostOptions = {},
) {
  const targets = fakeTargets(prices.length);
  prices.forEach((p, i) => {
    targets[i]!.price =
      p === undefined
        ? undefined
        : {
            inputPerMTok: p.in,
            outputPerMTok: p.out,
            ...(p.cached === undefined ? {} : { cachedInputPerMTok: p.cached }),
          };
  });
  const strategy = cost(options)(fakeInit(targets));
  const pick = (r: CompletionRequest, candidates: readonly TargetView[] = targets) =>
    strategy.pick(candidates, ctx(r)).id;
  const served = (t: TargetView, input: number, output: number, cached?: number) =>
    strategy.observe!({
      ...fakeOutcome(t, { latencyMs: 100 }),
      usage: makeUsage(input, output, cached === undefined ? {} : { cachedInputTokens: cached }),
    });
  return { targets, strategy, pick, served };
}

describe('cost', () => {
  it('is named cost', () => {
    expect(setup([undefined]).strategy.name).toBe('cost');
  });

  it('picks the cheapest for the token mix and switches when the mix changes', () => {
    // a: cheap input, expensive output; b: the opposite.
    const { pick } = setup([
      { in: 0.1, out: 10 },
      { in: 2, out: 1 },
    ]);
    // Long prompt, short answer: a = 10k·0.1 + 100·10 = 2000; b = 10k·2 + 100 = 20100.
    expect(pick(request(10_000, 100))).toBe('a');
    // Short prompt, long answer: a = 100·0.1 + 4000·10 = 40010; b = 200 + 4000 = 4200.
    expect(pick(request(100, 4_000))).toBe('b');
  });

  it('caps the expected output by the running mean of observed output tokens', () => {
    const { targets, pick, served } = setup([
      { in: 0.1, out: 10 },
      { in: 2, out: 1 },
    ]);
    expect(pick(request(1_000, 4_000))).toBe('b'); // a: 100 + 40000; b: 2000 + 4000
    served(targets[0]!, 1_000, 50); // a answers short: expected output 50, not 4000
    expect(pick(request(1_000, 4_000))).toBe('a'); // a: 100 + 500 = 600 < 6000
  });

  it('without a cap uses the observed mean, else defaultOutputTokens', () => {
    const { targets, strategy, served } = setup([{ in: 1, out: 1 }], {
      defaultOutputTokens: 100,
      smoothing: 0.5,
    });
    const score = () => strategy.describe!(targets, ctx(request(1_000)))[0]!.score;
    expect(score()).toBeCloseTo((1_000 + 100) / 1e6, 12);
    served(targets[0]!, 1_000, 300);
    expect(score()).toBeCloseTo((1_000 + 300) / 1e6, 12);
    served(targets[0]!, 1_000, 100); // 300·0.5 + 100·0.5
    expect(score()).toBeCloseTo((1_000 + 200) / 1e6, 12);
  });

  it("uses the target's maxOutputTokens when the request sets none", () => {
    const { targets, strategy } = setup([{ in: 0, out: 1 }]);
    (targets[0] as FakeTarget).config = { ...targets[0]!.config, maxOutputTokens: 64 };
    expect(strategy.describe!(targets, ctx(request(10)))[0]!.score).toBeCloseTo(64 / 1e6, 12);
  });

  it('blends in the cached-input price by the observed cached share', () => {
    const { targets, pick, served } = setup([
      { in: 3, out: 1, cached: 0.3 },
      { in: 1, out: 1 },
    ]);
    expect(pick(request(10_000, 10))).toBe('b');
    served(targets[0]!, 10_000, 10, 9_000); // 90% cached: 0.1·3 + 0.9·0.3 = 0.57 per MTok
    expect(pick(request(10_000, 10))).toBe('a');
    // A response without cache information leaves the share alone.
    served(targets[0]!, 10_000, 10);
    expect(pick(request(10_000, 10))).toBe('a');
  });

  it('ignores failures and responses without usage', () => {
    const { targets, strategy, pick } = setup([
      { in: 1, out: 10 },
      { in: 1, out: 2 },
    ]);
    strategy.observe!(fakeOutcome(targets[0]!, { latencyMs: 5, errorKind: 'server' }));
    strategy.observe!(fakeOutcome(targets[0]!, { latencyMs: 5 }));
    expect(pick(request(10, 1_000))).toBe('b');
  });

  it('ties go to fewer in flight, then the lower index', () => {
    const { targets, pick } = setup([
      { in: 1, out: 1 },
      { in: 1, out: 1 },
      { in: 1, out: 1 },
    ]);
    expect(pick(request(100, 100))).toBe('a');
    (targets[0] as FakeTarget).inFlight = 2;
    (targets[1] as FakeTarget).inFlight = 1;
    (targets[2] as FakeTarget).inFlight = 1;
    expect(pick(request(100, 100))).toBe('b');
  });

  it('the same prices tie whatever the running means of output tokens: load decides', () => {
    // Two replicas at one price: b's recent answers were shorter, so its expected cost is lower,
    // but that is noise; the tie goes to fewer in flight (issue #19 §4).
    const { targets, pick, served } = setup([
      { in: 1, out: 4 },
      { in: 1, out: 4 },
    ]);
    served(targets[0]!, 100, 400);
    served(targets[1]!, 100, 200);
    (targets[1] as FakeTarget).inFlight = 3;
    expect(pick(request(100, 1_000))).toBe('a');
    (targets[0] as FakeTarget).inFlight = 5;
    expect(pick(request(100, 1_000))).toBe('b');
  });

  it('costs within tieTolerance tie (broken by load); a wider gap is not a tie', () => {
    const { targets, pick } = setup([
      { in: 1, out: 1.01 },
      { in: 1, out: 1 },
    ]);
    (targets[1] as FakeTarget).inFlight = 2;
    expect(pick(request(100, 100))).toBe('a'); // 1% apart: a tie, a has fewer in flight
    const strict = setup(
      [
        { in: 1, out: 1.01 },
        { in: 1, out: 1 },
      ],
      { tieTolerance: 0 },
    );
    (strict.targets[1] as FakeTarget).inFlight = 2;
    expect(strict.pick(request(100, 100))).toBe('b');
  });

  it('a cheap target that slows down under load stops winning on price at its load limit', () => {
    // a is cheap and twice as slow per call in flight as b at 10 in flight; b costs 10×.
    const { targets, strategy, pick } = setup([
      { in: 0.1, out: 0.1 },
      { in: 1, out: 1 },
    ]);
    const served = (t: number, inFlight: number, latencyMs: number) =>
      strategy.observe!({
        ...fakeOutcome(targets[t]!, { latencyMs }),
        inFlightAtStart: inFlight,
        usage: makeUsage(100, 250),
      });
    // a: 3 s idle, +10% per call in flight (1.5× at 5 in flight).
    for (let i = 0; i < 40; i++) served(0, i % 20, 3_000 * (1 + 0.1 * (i % 20)));
    (targets[0] as FakeTarget).inFlight = 4;
    expect(pick(request(100, 256))).toBe('a');
    (targets[0] as FakeTarget).inFlight = 5;
    expect(pick(request(100, 256))).toBe('b');
    expect(strategy.describe!(targets, ctx(request(100, 256)))[0]!.note).toMatch(
      /load limit \(5 in flight\)/,
    );
    // Off with maxSlowdown: Infinity: price alone.
    const off = setup(
      [
        { in: 0.1, out: 0.1 },
        { in: 1, out: 1 },
      ],
      { maxSlowdown: Number.POSITIVE_INFINITY },
    );
    for (let i = 0; i < 40; i++) {
      off.strategy.observe!({
        ...fakeOutcome(off.targets[0]!, { latencyMs: 3_000 * (1 + 0.1 * (i % 20)) }),
        inFlightAtStart: i % 20,
        usage: makeUsage(100, 250),
      });
    }
    (off.targets[0] as FakeTarget).inFlight = 50;
    expect(off.pick(request(100, 256))).toBe('a');
  });

  it("unpriced 'skip' (default): priced candidates win; all unpriced → round robin", () => {
    const { targets, pick } = setup([undefined, { in: 100, out: 100 }, undefined]);
    expect(pick(request(100, 100))).toBe('b');
    const unpriced = [targets[0]!, targets[2]!];
    expect([pick(request(1), unpriced), pick(request(1), unpriced), pick(request(1), unpriced)]).toEqual([
      'a',
      'c',
      'a',
    ]);
  });

  it("unpriced 'free' counts unpriced targets as costing nothing", () => {
    const { targets, strategy, pick } = setup([{ in: 0.01, out: 0.01 }, undefined], { unpriced: 'free' });
    expect(pick(request(100, 100))).toBe('b');
    expect(strategy.describe!(targets, ctx(request(100, 100)))[1]).toMatchObject({ score: 0 });
  });

  it('describe gives the expected cost in USD per candidate and why', () => {
    const { targets, strategy } = setup([{ in: 1, out: 2 }, undefined]);
    const scores = strategy.describe!(targets, ctx(request(1_000, 500)));
    expect(scores[0]!.score).toBeCloseTo((1_000 * 1 + 500 * 2) / 1e6, 12);
    expect(scores[0]!.note).toContain('1000 in');
    expect(scores[0]!.note).toContain('500 out');
    expect(scores[1]).toMatchObject({ target: 'b', score: Number.POSITIVE_INFINITY });
    expect(scores[1]!.note).toContain('no price');
    const free = setup([undefined], { unpriced: 'free' });
    expect(free.strategy.describe!(free.targets, ctx(request(1)))[0]!.note).toContain('free');
  });

  it('rejects invalid options with a config error naming the field', () => {
    const bad: [CostOptions, RegExp][] = [
      [{ unpriced: 'never' as 'skip' }, /unpriced: expected 'skip' or 'free'/],
      [{ defaultOutputTokens: -1 }, /defaultOutputTokens/],
      [{ smoothing: 0 }, /smoothing: expected a number in \(0, 1\]/],
      [{ smoothing: 2 }, /smoothing/],
      [{ tieTolerance: -0.1 }, /tieTolerance: expected a finite number >= 0/],
      [{ maxSlowdown: 1 }, /maxSlowdown: expected a number > 1/],
    ];
    for (const [options, message] of bad) {
      expect(() => cost(options)).toThrow(SwitchyardError);
      expect(() => cost(options)).toThrow(message);
    }
  });
});
