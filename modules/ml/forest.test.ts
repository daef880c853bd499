import { describe, expect, it } from 'vitest';
import { familyContract } from './contract.js';
import { RandomForest } from './forest.js';
import { LinearModel } from './linear.js';
import { failureProbability, failureRows, meanAbsoluteError, STEP_DIMENSION, stepRows } from './test-data.js';

describe('RandomForest', () => {
  familyContract({
    owner: 'RandomForest',
    make: (seed) => new RandomForest(STEP_DIMENSION, { trees: 10, seed }),
    fromJSON: (json) => RandomForest.fromJSON(json),
    other: () => new LinearModel(STEP_DIMENSION),
  });

  it('learns a step and an interaction that a linear model cannot (MAE under half of linear)', () => {
    const train = stepRows(1500, 1);
    const test = stepRows(500, 2);
    const forest = new RandomForest(STEP_DIMENSION, { seed: 1 });
    const linear = new LinearModel(STEP_DIMENSION, { forgetting: 1 });
    forest.fit(train);
    linear.fit(train);
    const forestMae = meanAbsoluteError((x) => forest.predict(x), test);
    const linearMae = meanAbsoluteError((x) => linear.predict(x), test);
    expect(linearMae).toBeGreaterThan(100);
    expect(forestMae).toBeLessThan(linearMae * 0.5);
    expect(forestMae).toBeLessThan(60);
  });

  it('predicts a probability on 0/1 outcomes', () => {
    const forest = new RandomForest(STEP_DIMENSION, { seed: 2, range: [0, 1] });
    forest.fit(failureRows(3000, 3));
    let sum = 0;
    const test = failureRows(400, 4);
    for (const row of test) {
      const error = Math.abs(
        forest.predict({ values: Float64Array.from(row.features) }) - failureProbability(row),
      );
      sum += error;
      // Away from the threshold (promptK = 3) every prediction is close to the truth.
      if (Math.abs(row.features[1]! - 3) > 0.2) expect(error).toBeLessThan(0.25);
    }
    expect(sum / test.length).toBeLessThan(0.08);
  });

  it('reports the spread of its trees as uncertainty: larger where the data conflicts', () => {
    const forest = new RandomForest(STEP_DIMENSION, { seed: 4 });
    const x = (promptK: number) => ({ values: Float64Array.of(1, promptK, 0, 1) });
    expect(forest.uncertainty(x(1))).toBe(Number.POSITIVE_INFINITY);
    forest.fit(stepRows(1500, 5));
    const calm = forest.uncertainty(x(0.5));
    const edge = forest.uncertainty(x(2.0));
    expect(Number.isFinite(calm)).toBe(true);
    expect(edge).toBeGreaterThan(calm * 2);
  });

  it('gives the same uncertainty right after a prediction (reusing its walk) as on its own', () => {
    const forest = new RandomForest(STEP_DIMENSION, { seed: 4 });
    forest.fit(stepRows(1500, 5));
    const at = (promptK: number) => Float64Array.of(1, promptK, 0, 1);
    const alone = [0.5, 2.0, 3.1].map((k) => forest.uncertainty({ values: at(k) }));
    // The strategy reuses one feature array: predict, then ask the uncertainty of the same values…
    const features = { values: at(0.5) };
    forest.predict(features);
    expect(forest.uncertainty(features)).toBe(alone[0]);
    // …or of new values written into it after the prediction: never the stale spread.
    features.values.set(at(2.0));
    expect(forest.uncertainty(features)).toBe(alone[1]);
    forest.predict({ values: at(3.1) });
    expect(forest.uncertainty({ values: at(3.1) })).toBe(alone[2]);
    expect(forest.uncertainty({ values: at(0.5) })).toBe(alone[0]);
  });

  it('rejects bad options with the option named', () => {
    expect(() => new RandomForest(4, { trees: 0 })).toThrow(/RandomForest: trees: expected a whole number/);
    expect(() => new RandomForest(4, { featureFraction: 2 })).toThrow(/RandomForest: featureFraction/);
    expect(() => new RandomForest(0)).toThrow(/RandomForest: dimension/);
  });
});
