import { describe, expect, it } from 'vitest';
import { createSeededRandom, SwitchyardError } from '../../src/index.js';
import { fakeTargets, ManualClock } from '../testing.js';
import { DecayingMean } from './decaying-mean.js';
import { defaultPredictors } from './factory.js';
import { BASE_FEATURES, FEATURE, RequestFeatures } from './features.js';
import { standardNormalCdf, standardNormalQuantile } from './normal.js';
import { OnlineRidge } from './online-ridge.js';

const vec = (...v: number[]) => ({ values: new Float64Array(v) });

describe('OnlineRidge', () => {
  it('recovers known linear coefficients from noiseless data', () => {
    const model = new OnlineRidge(3, { forgetting: 1, ridge: 1e-6 });
    const random = createSeededRandom(3);
    for (let i = 0; i < 200; i++) {
      const x1 = random() * 4;
      const x2 = random() * 2;
      model.observe(vec(1, x1, x2), { value: 300 + 50 * x1 + 120 * x2 });
    }
    const [b0, b1, b2] = model.coefficients();
    expect(b0).toBeCloseTo(300, 2);
    expect(b1).toBeCloseTo(50, 2);
    expect(b2).toBeCloseTo(120, 2);
    expect(model.predict(vec(1, 2, 1))).toBeCloseTo(520, 2);
    expect(model.samples).toBe(200);
  });

  it('forgetting tracks a change of coefficients', () => {
    const tracking = new OnlineRidge(2, { forgetting: 0.95 });
    const frozen = new OnlineRidge(2, { forgetting: 1 });
    const random = createSeededRandom(5);
    const feed = (slope: number, n: number) => {
      for (let i = 0; i < n; i++) {
        const x = vec(1, random() * 3);
        const y = 100 + slope * x.values[1]!;
        tracking.observe(x, { value: y });
        frozen.observe(x, { value: y });
      }
    };
    feed(10, 300);
    feed(200, 200);
    expect(tracking.predict(vec(1, 2))).toBeCloseTo(500, 0);
    expect(Math.abs(frozen.predict(vec(1, 2)) - 500)).toBeGreaterThan(50);
  });

  it('uncertainty is infinite before data and shrinks as data accumulates', () => {
    const model = new OnlineRidge(2, { forgetting: 1 });
    const random = createSeededRandom(9);
    const x = vec(1, 1);
    expect(model.uncertainty(x)).toBe(Number.POSITIVE_INFINITY);
    const at: number[] = [];
    for (let i = 1; i <= 400; i++) {
      const xi = vec(1, random() * 2);
      model.observe(xi, { value: 10 + 5 * xi.values[1]! + (random() - 0.5) * 4 });
      if (i === 10 || i === 100 || i === 400) at.push(model.uncertainty(x));
    }
    expect(at[1]!).toBeLessThan(at[0]!);
    expect(at[2]!).toBeLessThan(at[1]!);
    expect(at[2]!).toBeGreaterThan(0);
  });

  it('keeps unexplored directions at the prior (no wind-up under forgetting)', () => {
    const model = new OnlineRidge(2, { forgetting: 0.9, ridge: 1, prior: [0, 7] });
    for (let i = 0; i < 1_000; i++) model.observe(vec(1, 0), { value: 42 });
    expect(model.coefficients()[1]).toBeCloseTo(7, 9);
    // Data weight 1/(1 − 0.9) = 10 against a ridge of 1: the intercept is shrunk by 10/11.
    expect(model.predict(vec(1, 0))).toBeCloseTo((42 * 10) / 11, 6);
    expect(Number.isFinite(model.uncertainty(vec(0, 1)))).toBe(true);
  });

  it('weights samples and ignores non-finite values and non-positive weights', () => {
    const model = new OnlineRidge(1, { ridge: 1e-9, forgetting: 1 });
    model.observe(vec(1), { value: 10, weight: 3 });
    model.observe(vec(1), { value: 50 });
    model.observe(vec(1), { value: Number.NaN });
    model.observe(vec(1), { value: 1_000, weight: 0 });
    model.observe(vec(1), { value: 1_000, weight: Number.POSITIVE_INFINITY });
    expect(model.samples).toBe(2);
    expect(model.predict(vec(1))).toBeCloseTo(20, 6);
  });

  it('with halfLifeMs, data forgets with clock time between observations', () => {
    const clock = new ManualClock(0);
    const timed = new OnlineRidge(1, { forgetting: 1, ridge: 1e-9, halfLifeMs: 1_000, clock });
    for (let i = 0; i < 10; i++) timed.observe(vec(1), { value: 100 });
    clock.advance(10_000); // 10 half-lives: the old data keeps ~1/1024 of its weight
    timed.observe(vec(1), { value: 1_000 });
    expect(timed.predict(vec(1))).toBeGreaterThan(990);
  });

  it('with halfLifeMs, forgets confidence but not the estimate: old slopes survive a quiet spell', () => {
    const clock = new ManualClock(0);
    const timed = new OnlineRidge(2, { forgetting: 1, ridge: 0.01, halfLifeMs: 1_000, clock });
    for (let i = 0; i < 40; i++) {
      clock.advance(10);
      const x = (i % 5) / 2;
      timed.observe(vec(1, x), { value: 100 + 50 * x });
    }
    clock.advance(100_000); // the data keeps ~2^-100 of its weight
    timed.observe(vec(1, 1), { value: 150 });
    // One point cannot tell intercept from slope: the model keeps the slope it had learned
    // (a ridge pulling toward the prior 0 instead would split 150 evenly: 225 at x = 2).
    expect(timed.predict(vec(1, 2))).toBeCloseTo(200, 0);
    // …and new data moves it at once: the 40 old points count for nothing against 4 new ones.
    for (let i = 0; i < 3; i++) timed.observe(vec(1, 1), { value: 300 });
    expect(timed.predict(vec(1, 1))).toBeCloseTo((150 + 3 * 300) / 4, 0);
  });

  it('rejects invalid options with a config error naming the field', () => {
    const bad: [() => unknown, RegExp][] = [
      [() => new OnlineRidge(0), /dimension/],
      [() => new OnlineRidge(2, { forgetting: 0 }), /forgetting: expected a number in \(0, 1\]/],
      [() => new OnlineRidge(2, { forgetting: 1.5 }), /forgetting/],
      [() => new OnlineRidge(2, { ridge: 0 }), /ridge/],
      [() => new OnlineRidge(2, { prior: [1] }), /prior: expected 2 coefficients, got 1/],
      [() => new OnlineRidge(1, { prior: [Number.NaN] }), /prior\[0\]/],
      [() => new OnlineRidge(1, { halfLifeMs: -1, clock: new ManualClock() }), /halfLifeMs/],
      [() => new OnlineRidge(1, { halfLifeMs: 10 }), /clock/],
    ];
    for (const [make, message] of bad) {
      expect(make).toThrow(SwitchyardError);
      expect(make).toThrow(message);
    }
  });
});

describe('DecayingMean', () => {
  it('is the prior before data, then a weighted mean shrunk toward it', () => {
    const clock = new ManualClock(0);
    const m = new DecayingMean({ clock, prior: 0.05, priorWeight: 2 });
    expect(m.predict()).toBe(0.05);
    m.observe(vec(1), { value: 1 });
    expect(m.predict()).toBeCloseTo((1 + 0.1) / 3, 12);
    expect(m.samples).toBe(1);
  });

  it('forgets with clock time: halves the data weight every half-life', () => {
    const clock = new ManualClock(0);
    const m = new DecayingMean({ clock, halfLifeMs: 1_000, prior: 0, priorWeight: 1 });
    for (let i = 0; i < 4; i++) m.observe(vec(1), { value: 1 });
    expect(m.weight()).toBe(4);
    expect(m.predict()).toBeCloseTo(0.8, 12);
    clock.advance(1_000);
    expect(m.weight()).toBeCloseTo(2, 12);
    expect(m.predict()).toBeCloseTo(2 / 3, 12);
    clock.advance(9_000);
    expect(m.predict()).toBeLessThan(0.01);
  });

  it('uncertainty shrinks with data and grows back as it ages', () => {
    const clock = new ManualClock(0);
    const m = new DecayingMean({ clock, halfLifeMs: 1_000 });
    const fresh = m.uncertainty();
    for (let i = 0; i < 50; i++) m.observe(vec(1), { value: i % 2 });
    const informed = m.uncertainty();
    clock.advance(5_000);
    expect(informed).toBeLessThan(fresh);
    expect(m.uncertainty()).toBeGreaterThan(informed);
  });

  it('ignores non-finite values and bad weights; validates its options', () => {
    const clock = new ManualClock(0);
    const m = new DecayingMean({ clock });
    m.observe(vec(1), { value: Number.NaN });
    m.observe(vec(1), { value: 1, weight: -1 });
    expect(m.samples).toBe(0);
    expect(() => new DecayingMean({ clock, halfLifeMs: 0 })).toThrow(/halfLifeMs/);
    expect(() => new DecayingMean({ clock, prior: Number.NaN })).toThrow(/prior/);
    expect(() => new DecayingMean({ clock, priorWeight: 0 })).toThrow(/priorWeight/);
    expect(() => new DecayingMean({ clock, fadeHalfLifeMs: 0 })).toThrow(/fadeHalfLifeMs/);
  });

  it('with fadeHalfLifeMs, the estimate itself returns to the prior while no data arrives', () => {
    const clock = new ManualClock(0);
    const faded = new DecayingMean({ clock, halfLifeMs: 60_000, prior: 0.02, fadeHalfLifeMs: 10_000 });
    const kept = new DecayingMean({ clock, halfLifeMs: 60_000, prior: 0.02 });
    for (const m of [faded, kept]) for (let i = 0; i < 50; i++) m.observe(vec(1), { value: 1 });
    expect(faded.predict()).toBeGreaterThan(0.95);
    clock.advance(10_000); // one fade half-life: half the distance to the prior is left
    const distance = kept.predict() - 0.02;
    expect(faded.predict() - 0.02).toBeCloseTo(distance / 2, 6);
    clock.advance(50_000);
    expect(faded.predict()).toBeLessThan(0.06);
    expect(kept.predict()).toBeGreaterThan(0.9); // weight fades, the rate stays
    // New data adds to the faded estimate: one success keeps it low, one failure moves it up.
    faded.observe(vec(1), { value: 0 });
    expect(faded.predict()).toBeLessThan(0.06);
    expect(faded.samples).toBe(51);
  });
});

describe('OnlineRidge.discount', () => {
  it('keeps the estimate but lets the next observations move it as if it had just started', () => {
    const clock = new ManualClock(0);
    const make = () => new OnlineRidge(1, { halfLifeMs: 30_000, clock });
    const discounted = make();
    const plain = make();
    for (const m of [discounted, plain]) for (let i = 0; i < 100; i++) m.observe(vec(1), { value: 3_000 });
    discounted.discount(0.05);
    expect(discounted.predict(vec(1))).toBeCloseTo(plain.predict(vec(1)), 6);
    expect(discounted.lastObservedAt).toBe(0);
    clock.advance(5_000);
    for (const m of [discounted, plain]) for (let i = 0; i < 3; i++) m.observe(vec(1), { value: 1_000 });
    const moved = (m: OnlineRidge) => 3_000 - m.predict(vec(1));
    expect(moved(plain)).toBeLessThan(150);
    expect(moved(discounted)).toBeGreaterThan(5 * moved(plain));
    expect(discounted.lastObservedAt).toBe(5_000);
  });

  it('is a no-op without a clock (a model that forgets per observation) and for keep outside [0, 1)', () => {
    const m = new OnlineRidge(1, {});
    for (let i = 0; i < 10; i++) m.observe(vec(1), { value: 10 });
    m.discount(0.01);
    m.observe(vec(1), { value: 1_000 });
    expect(m.predict(vec(1))).toBeLessThan(200);
    const timed = new OnlineRidge(1, { halfLifeMs: 1_000, clock: new ManualClock(0) });
    for (let i = 0; i < 10; i++) timed.observe(vec(1), { value: 10 });
    timed.discount(1);
    timed.observe(vec(1), { value: 1_000 });
    expect(timed.predict(vec(1))).toBeLessThan(200);
  });
});

describe('RequestFeatures', () => {
  it('fills [bias, input kTok, max output kTok, stream, inFlight, structured, ...tags]', () => {
    const f = new RequestFeatures(['batch', 'vip']);
    expect(f.dimension).toBe(BASE_FEATURES + 2);
    const request = {
      messages: [{ role: 'user' as const, content: 'x'.repeat(4_000) }],
      maxOutputTokens: 512,
      responseFormat: { type: 'json' as const },
      tags: ['vip'],
    };
    expect(f.setRequest(request, true)).toBe(1_000);
    expect(Array.from(f.values)).toEqual([1, 1, 0.512, 1, 0, 1, 0, 1]);
    f.setInFlight(3);
    f.setOutputTokens(250);
    expect(f.values[FEATURE.inFlight]).toBe(3);
    expect(f.values[FEATURE.outputKTok]).toBe(0.25);
    f.setRequest({ messages: [{ role: 'user', content: 'hi' }] }, false);
    expect(Array.from(f.values)).toEqual([1, 0.001, 0, 0, 0, 0, 0, 0]);
  });

  it('remembers the input estimate of the last request and rejects more than 8 tags', () => {
    const f = new RequestFeatures();
    const request = { messages: [{ role: 'user' as const, content: 'abcdefgh' }] };
    expect(f.inputTokensOf(request)).toBe(2);
    expect(f.inputTokensOf(request)).toBe(2);
    expect(() => new RequestFeatures(Array.from({ length: 9 }, (_, i) => `t${i}`))).toThrow(/at most 8 tags/);
  });
});

describe('defaultPredictors', () => {
  it('builds ridge models for latency and tokens, a decaying mean for failure', () => {
    const clock = new ManualClock(0);
    const factory = defaultPredictors({ latencyHalfLifeMs: 5_000 });
    const [target] = fakeTargets(1);
    const spec = { target: target!, dimension: 4, clock };
    expect(factory({ ...spec, quantity: 'latency' })).toBeInstanceOf(OnlineRidge);
    expect(factory({ ...spec, quantity: 'outputTokens' })).toBeInstanceOf(OnlineRidge);
    expect(factory({ ...spec, quantity: 'failure' })).toBeInstanceOf(DecayingMean);
    expect(factory({ ...spec, quantity: 'failure' }).predict(vec(1, 0, 0, 0))).toBe(0.02);
  });

  it('forgets latency data with clock time by default (half-life 30 s); Infinity turns it off', () => {
    const clock = new ManualClock(0);
    const [target] = fakeTargets(1);
    const spec = { target: target!, dimension: 1, clock, quantity: 'latency' as const };
    const timed = defaultPredictors()(spec);
    const untimed = defaultPredictors({ latencyHalfLifeMs: Number.POSITIVE_INFINITY })(spec);
    for (const model of [timed, untimed]) for (let i = 0; i < 20; i++) model.observe(vec(1), { value: 100 });
    clock.advance(300_000); // 10 half-lives
    for (const model of [timed, untimed]) model.observe(vec(1), { value: 1_000 });
    expect(timed.predict(vec(1))).toBeGreaterThan(950);
    expect(untimed.predict(vec(1))).toBeLessThan(200);
  });

  it('validates options when configured', () => {
    expect(() => defaultPredictors({ latencyHalfLifeMs: 0 })).toThrow(
      'defaultPredictors: latencyHalfLifeMs: expected a finite number of ms > 0, got 0',
    );
    expect(() => defaultPredictors({ outputForgetting: 0 })).toThrow(
      'defaultPredictors: outputForgetting: expected a number in (0, 1], got 0',
    );
    expect(() => defaultPredictors({ failurePrior: Number.NaN })).toThrow(
      /^defaultPredictors: failurePrior: /,
    );
    expect(() => defaultPredictors({ failureHalfLifeMs: -1 })).toThrow(SwitchyardError);
    expect(() => defaultPredictors({ latencyForgetting: 2 })).toThrow(
      /^defaultPredictors: latencyForgetting: /,
    );
    expect(() => defaultPredictors({ failureHalfLifeMs: 0 })).toThrow(
      /^defaultPredictors: failureHalfLifeMs: /,
    );
    expect(() => defaultPredictors({ ridge: -1 })).toThrow(/ridge/);
    expect(() => defaultPredictors({ failureFadeHalfLifeMs: 0 })).toThrow(
      /^defaultPredictors: failureFadeHalfLifeMs: /,
    );
  });
});

describe('standardNormalQuantile', () => {
  it('matches known quantiles and stays finite at the edges', () => {
    expect(standardNormalQuantile(0.5)).toBe(0);
    expect(standardNormalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(standardNormalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    expect(standardNormalQuantile(0.999)).toBeCloseTo(3.090232, 5);
    expect(Number.isFinite(standardNormalQuantile(0))).toBe(true);
    expect(Number.isFinite(standardNormalQuantile(1))).toBe(true);
  });
});

describe('standardNormalCdf', () => {
  it('matches known values and inverts standardNormalQuantile', () => {
    expect(standardNormalCdf(0)).toBeCloseTo(0.5, 7);
    expect(standardNormalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(standardNormalCdf(-2.326348)).toBeCloseTo(0.01, 6);
    for (const p of [0.001, 0.2, 0.5, 0.8, 0.999]) {
      expect(standardNormalCdf(standardNormalQuantile(p))).toBeCloseTo(p, 5);
    }
  });
});
