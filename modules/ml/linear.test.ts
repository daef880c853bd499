import { describe, expect, it } from 'vitest';
import { ManualClock, OnlineRidge } from '../../strategies/index.js';
import { familyContract } from './contract.js';
import { RandomForest } from './forest.js';
import { LinearModel } from './linear.js';
import { STEP_DIMENSION, stepRows } from './test-data.js';

describe('LinearModel', () => {
  familyContract({
    owner: 'LinearModel',
    make: () => new LinearModel(STEP_DIMENSION, { forgetting: 0.999 }),
    fromJSON: (json) => LinearModel.fromJSON(json),
    other: () => new RandomForest(STEP_DIMENSION),
    seeded: false,
  });

  it('is the strategy’s OnlineRidge: the same observations give the same coefficients and snapshot', () => {
    const rows = stepRows(200, 1);
    const linear = new LinearModel(STEP_DIMENSION, { forgetting: 0.99, ridge: 0.5 });
    const ridge = new OnlineRidge(STEP_DIMENSION, { forgetting: 0.99, ridge: 0.5 });
    for (const row of rows) {
      const x = { values: Float64Array.from(row.features) };
      linear.observe(x, { value: row.value });
      ridge.observe(x, { value: row.value });
    }
    expect(linear.coefficients()).toEqual(ridge.coefficients());
    expect(linear.toJSON().model).toEqual(ridge.snapshot());
    const probe = { values: Float64Array.of(1, 2, 1, 3) };
    expect(linear.uncertainty(probe)).toBe(ridge.uncertainty(probe));
  });

  it('fit recovers a linear function and replaces what was learned before', () => {
    const rows = stepRows(500, 2).map((r) => ({
      features: r.features,
      value: 10 + 3 * r.features[1]! + 7 * r.features[2]!,
    }));
    const linear = new LinearModel(STEP_DIMENSION, { forgetting: 1 });
    linear.observe({ values: Float64Array.of(1, 0, 0, 0) }, { value: 1e6 });
    linear.fit(rows);
    const c = linear.coefficients();
    expect(c[0]).toBeCloseTo(10, 1);
    expect(c[1]).toBeCloseTo(3, 2);
    expect(c[2]).toBeCloseTo(7, 2);
    expect(linear.samples).toBe(500);
  });

  it('keeps the clock-time forgetting: halfLifeMs needs a clock, and fromJSON takes it at run time', () => {
    expect(() => new LinearModel(4, { halfLifeMs: 1000 })).toThrow(/LinearModel: clock: expected a clock/);
    const clock = new ManualClock();
    const linear = new LinearModel(4, { halfLifeMs: 1000, clock });
    linear.fit(stepRows(50, 3));
    const copy = LinearModel.fromJSON(JSON.parse(JSON.stringify(linear.toJSON())), { clock });
    const probe = { values: Float64Array.of(1, 1, 0, 1) };
    expect(copy.predict(probe)).toBe(linear.predict(probe));
    expect(() => LinearModel.fromJSON(linear.toJSON())).toThrow(
      /LinearModel\.fromJSON: json\.options\.clock/,
    );
  });

  it('clamps into range', () => {
    const linear = new LinearModel(4, { range: [0, 1] });
    linear.fit(stepRows(50, 3));
    expect(linear.predict({ values: Float64Array.of(1, 1, 0, 1) })).toBe(1);
  });
});
