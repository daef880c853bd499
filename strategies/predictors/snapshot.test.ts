import { describe, expect, it } from 'vitest';
import { createSeededRandom, type JsonValue, SwitchyardError } from '../../src/index.js';
import { encodeNumber, SnapshotReader } from '../snapshot.js';
import { ManualClock } from '../testing.js';
import { DecayingMean } from './decaying-mean.js';
import { OnlineRidge } from './online-ridge.js';

const vec = (...v: number[]) => ({ values: new Float64Array(v) });
const viaJson = (value: JsonValue): JsonValue => JSON.parse(JSON.stringify(value));

/** Expects `run` to throw a `config` SwitchyardError with exactly `message`. */
function expectConfigError(run: () => void, message: string): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SwitchyardError);
  expect((caught as SwitchyardError).kind).toBe('config');
  expect((caught as SwitchyardError).message).toBe(message);
}

/** A ridge with clock forgetting, taught 60 observations over 3 minutes (its prior recentres). */
function taughtRidge(clock: ManualClock) {
  const model = new OnlineRidge(3, { forgetting: 0.98, ridge: 0.5, halfLifeMs: 10_000, clock });
  const random = createSeededRandom(11);
  for (let i = 0; i < 60; i++) {
    const x = vec(1, random() * 4, random() * 2);
    model.observe(x, {
      value: 300 + 80 * x.values[1]! + 40 * x.values[2]! + 50 * random(),
      weight: 0.5 + random(),
    });
    clock.advance(3_000);
  }
  return model;
}

describe('snapshot numbers', () => {
  it('encodes what JSON cannot hold as strings and reads them back', () => {
    const read = new SnapshotReader('test');
    for (const value of [-0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 0, 1.5, -2]) {
      const json = JSON.parse(JSON.stringify([encodeNumber(value)]))[0];
      if (Number.isFinite(value)) expect(Object.is(read.number(json, 'x', 'finite'), value)).toBe(true);
    }
    expect(encodeNumber(-0)).toBe('-0');
    expect(encodeNumber(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(encodeNumber(Number.NaN)).toBe('NaN');
    expect(read.number('-Infinity', 'x', 'time')).toBe(Number.NEGATIVE_INFINITY);
    expectConfigError(
      () => read.number('-Infinity', 'snapshot.x', 'finite'),
      'test: snapshot.x: expected a finite number, got "-Infinity"',
    );
    expectConfigError(
      () => read.number(1.5, 'snapshot.n', 'count'),
      'test: snapshot.n: expected a whole number >= 0, got 1.5',
    );
  });
});

describe('OnlineRidge snapshot', () => {
  it('restores into a fresh model: same predictions and uncertainty, and the same learning after', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const model = taughtRidge(clock);
    const copy = new OnlineRidge(3, { forgetting: 0.98, ridge: 0.5, halfLifeMs: 10_000, clock });
    copy.restore(viaJson(model.snapshot()));
    expect(copy.samples).toBe(60);
    expect(copy.coefficients()).toEqual(model.coefficients());
    const random = createSeededRandom(12);
    for (let i = 0; i < 40; i++) {
      const x = vec(1, random() * 4, random() * 2);
      expect(copy.predict(x)).toBe(model.predict(x));
      expect(copy.uncertainty(x)).toBe(model.uncertainty(x));
      // Spaced observations: the clock forgetting and the recentred prior both matter.
      clock.advance(7_000);
      const y = { value: 900 - 30 * x.values[1]! + 20 * random() };
      model.observe(x, y);
      copy.observe(x, y);
    }
    expect(copy.coefficients()).toEqual(model.coefficients());
    expect(copy.snapshot()).toEqual(model.snapshot());
  });

  it('refuses another dimension, another version and malformed fields, and changes nothing then', () => {
    const model = taughtRidge(new ManualClock());
    const snapshot = viaJson(model.snapshot()) as Record<string, JsonValue>;
    const fresh = new OnlineRidge(3);
    const x = vec(1, 2, 3);
    expectConfigError(
      () => new OnlineRidge(2).restore(snapshot),
      'OnlineRidge: snapshot.dimension: expected 2, got 3',
    );
    expectConfigError(
      () => fresh.restore({ ...snapshot, version: 2 }),
      'OnlineRidge: snapshot.version: expected 1 (the snapshot format this version of OnlineRidge reads; start fresh or restore it with the version that wrote it), got 2',
    );
    const gram = [...(snapshot.gram as JsonValue[])];
    gram[4] = 'NaN';
    expectConfigError(
      () => fresh.restore({ ...snapshot, gram }),
      'OnlineRidge: snapshot.gram[4]: expected a finite number, got "NaN"',
    );
    expectConfigError(
      () => fresh.restore({ ...snapshot, moment: [1, 2] }),
      'OnlineRidge: snapshot.moment: expected an array of 3 numbers, got [1,2]',
    );
    expectConfigError(() => fresh.restore([]), 'OnlineRidge: snapshot: expected an object, got []');
    expect(fresh.samples).toBe(0);
    expect(fresh.predict(x)).toBe(0);
  });
});

describe('DecayingMean snapshot', () => {
  it('restores its decayed sums and last observation time', () => {
    const clock = new ManualClock(5_000);
    const mean = new DecayingMean({ clock, halfLifeMs: 4_000, prior: 0.1, priorWeight: 2 });
    const random = createSeededRandom(4);
    for (let i = 0; i < 30; i++) {
      mean.observe(vec(), { value: random() < 0.3 ? 1 : 0, weight: random() < 0.2 ? 0.1 : 1 });
      clock.advance(700);
    }
    const copy = new DecayingMean({ clock, halfLifeMs: 4_000, prior: 0.1, priorWeight: 2 });
    copy.restore(viaJson(mean.snapshot()));
    for (let i = 0; i < 5; i++) {
      expect(copy.predict()).toBe(mean.predict());
      expect(copy.uncertainty()).toBe(mean.uncertainty());
      expect(copy.weight()).toBe(mean.weight());
      clock.advance(3_000);
    }
    expect(copy.samples).toBe(30);
  });

  it('names a malformed field', () => {
    const mean = new DecayingMean({ clock: new ManualClock() });
    const snapshot = mean.snapshot() as Record<string, JsonValue>;
    expectConfigError(
      () => mean.restore({ ...snapshot, weight: -1 }),
      'DecayingMean: snapshot.weight: expected a finite number >= 0, got -1',
    );
    expectConfigError(
      () => mean.restore({ ...snapshot, version: undefined as never }),
      'DecayingMean: snapshot.version: expected 1 (the snapshot format this version of DecayingMean reads; start fresh or restore it with the version that wrote it), got undefined',
    );
  });
});
