/**
 * The behaviour every family shares, as a vitest suite each family's test file runs (not
 * exported): determinism, JSON round trip, bad input, no NaN.
 */
import { expect, it } from 'vitest';
import { isSwitchyardError, type JsonValue } from '../../src/index.js';
import type { TrainingRow } from './data.js';
import type { MlPredictor } from './online-model.js';
import { featuresOf, STEP_DIMENSION, stepRows } from './test-data.js';

/** Expects `run` to throw a `config` SwitchyardError whose message matches `message`. */
export function expectConfigError(run: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(isSwitchyardError(caught), String(caught)).toBe(true);
  expect((caught as { kind: string }).kind).toBe('config');
  expect((caught as Error).message).toMatch(message);
}

export interface ContractOptions {
  /** A new model of the family, with `seed` (ignored by deterministic families). */
  readonly make: (seed: number) => MlPredictor;
  /** The family's `fromJSON`. */
  readonly fromJSON: (json: JsonValue) => MlPredictor;
  /** Owner name in error messages (e.g. `RandomForest`). */
  readonly owner: string;
  /** Another family's model, for the wrong-family check. */
  readonly other: () => MlPredictor;
  /** Whether different seeds give different models. @default true */
  readonly seeded?: boolean;
}

/** Registers the shared tests (call inside a `describe`). */
export function familyContract(options: ContractOptions): void {
  const rows: TrainingRow[] = stepRows(300, 11);
  const probes = featuresOf(stepRows(50, 12));

  it('is deterministic: the same seed and rows give the same JSON', () => {
    const a = options.make(5);
    const b = options.make(5);
    a.fit(rows);
    b.fit(rows);
    expect(JSON.stringify(a.toJSON())).toBe(JSON.stringify(b.toJSON()));
    if (options.seeded !== false) {
      const c = options.make(6);
      c.fit(rows);
      expect(JSON.stringify(c.toJSON())).not.toBe(JSON.stringify(a.toJSON()));
    }
  });

  it('round-trips through JSON text with the same predictions', () => {
    const model = options.make(3);
    model.fit(rows);
    const json = model.toJSON();
    expect(json.family).toBe(model.family);
    expect(json.version).toBe(1);
    const copy = options.fromJSON(JSON.parse(JSON.stringify(json)) as JsonValue);
    expect(copy.family).toBe(model.family);
    expect(copy.samples).toBe(model.samples);
    for (const x of probes) expect(copy.predict(x)).toBe(model.predict(x));
    expect(JSON.stringify(copy.toJSON())).toBe(JSON.stringify(json));
  });

  it('rejects bad rows with a config error naming the row and field', () => {
    const model = options.make(1);
    expectConfigError(
      () => model.fit([]),
      new RegExp(`^${options.owner}\\.fit: rows: expected at least one`),
    );
    const nan = rows.slice(0, 5).map((r, i) => (i === 3 ? { ...r, value: Number.NaN } : r));
    expectConfigError(() => model.fit(nan), /rows\[3\]\.value: expected a finite number, got NaN/);
    const inf = rows
      .slice(0, 5)
      .map((r, i) => (i === 2 ? { ...r, features: [1, Number.POSITIVE_INFINITY, 0, 0] } : r));
    expectConfigError(
      () => model.fit(inf),
      /rows\[2\]\.features\[1\]: expected a finite number, got Infinity/,
    );
    const short = rows.slice(0, 5).map((r, i) => (i === 1 ? { ...r, features: [1, 2] } : r));
    expectConfigError(() => model.fit(short), /rows\[1\]\.features: expected 4 features .* got 2/);
    expect(model.samples).toBe(0);
  });

  it('rejects JSON that is not its model with a config error naming the field', () => {
    const model = options.make(1);
    model.fit(rows);
    const json = model.toJSON();
    expectConfigError(() => options.fromJSON({ hello: 'world' }), /json\.format: expected "switchyard-ml"/);
    expectConfigError(() => options.fromJSON(42), /json: expected an object, got 42/);
    expectConfigError(() => options.fromJSON({ ...json, version: 2 }), /json\.version: expected 1 .* got 2/);
    expectConfigError(() => options.fromJSON(options.other().toJSON()), /json\.family: expected "/);
    expectConfigError(
      () => model.restore({ ...json, dimension: STEP_DIMENSION + 1 }),
      /json\.dimension: expected 4, got 5/,
    );
    const broken = JSON.parse(JSON.stringify(json)) as { model: Record<string, unknown> };
    const key = Object.keys(broken.model)[0]!;
    broken.model[key] = 'oops';
    expectConfigError(() => options.fromJSON(broken as unknown as JsonValue), /json\.model/);
    // A failed restore leaves the model as it was.
    const before = model.predict(probes[0]!);
    expect(() => model.restore(broken as unknown as JsonValue)).toThrow();
    expect(model.predict(probes[0]!)).toBe(before);
  });

  it('never predicts NaN: bad features fall back to the prior and are counted', () => {
    const model = options.make(1);
    model.fit(rows);
    const before = model.fallbacks;
    const values = [
      Float64Array.of(1, Number.NaN, 0, 0),
      Float64Array.of(1, Number.POSITIVE_INFINITY, 1, Number.NEGATIVE_INFINITY),
      Float64Array.of(1, 2),
    ];
    for (const v of values) {
      const p = model.predict({ values: v });
      expect(Number.isFinite(p)).toBe(true);
    }
    expect(model.fallbacks).toBe(before + values.length);
  });
}
