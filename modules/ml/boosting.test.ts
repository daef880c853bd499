import { describe, expect, it } from 'vitest';
import { GradientBoosting } from './boosting.js';
import { familyContract } from './contract.js';
import { LinearModel } from './linear.js';
import { failureProbability, failureRows, meanAbsoluteError, STEP_DIMENSION, stepRows } from './test-data.js';

/** Mean log loss of `predict` on 0/1 rows. */
function logLoss(
  predict: (x: { values: Float64Array }) => number,
  rows: ReturnType<typeof failureRows>,
): number {
  let sum = 0;
  for (const row of rows) {
    const p = Math.min(1 - 1e-9, Math.max(1e-9, predict({ values: Float64Array.from(row.features) })));
    sum -= row.value * Math.log(p) + (1 - row.value) * Math.log(1 - p);
  }
  return sum / rows.length;
}

describe('GradientBoosting', () => {
  familyContract({
    owner: 'GradientBoosting',
    make: (seed) => new GradientBoosting(STEP_DIMENSION, { trees: 10, seed }),
    fromJSON: (json) => GradientBoosting.fromJSON(json),
    other: () => new LinearModel(STEP_DIMENSION),
  });

  it('learns a step and an interaction with squared loss (MAE under half of linear)', () => {
    const train = stepRows(1500, 1);
    const test = stepRows(500, 2);
    const gbm = new GradientBoosting(STEP_DIMENSION, { seed: 1, trees: 100 });
    const linear = new LinearModel(STEP_DIMENSION, { forgetting: 1 });
    gbm.fit(train);
    linear.fit(train);
    const gbmMae = meanAbsoluteError((x) => gbm.predict(x), test);
    const linearMae = meanAbsoluteError((x) => linear.predict(x), test);
    expect(gbmMae).toBeLessThan(linearMae * 0.5);
    expect(gbmMae).toBeLessThan(60);
  });

  it('with log loss predicts probabilities, with a lower log loss than the base rate', () => {
    const train = failureRows(3000, 3);
    const test = failureRows(1000, 4);
    const gbm = new GradientBoosting(STEP_DIMENSION, { seed: 2, loss: 'log' });
    gbm.fit(train);
    const rate = train.reduce((s, r) => s + r.value, 0) / train.length;
    for (const row of test) {
      const p = gbm.predict({ values: Float64Array.from(row.features) });
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
      if (Math.abs(row.features[1]! - 3) > 0.2)
        expect(Math.abs(p - failureProbability(row))).toBeLessThan(0.25);
    }
    expect(logLoss((x) => gbm.predict(x), test)).toBeLessThan(logLoss(() => rate, test) - 0.1);
  });

  it('refuses log loss on values outside [0, 1]', () => {
    const gbm = new GradientBoosting(STEP_DIMENSION, { loss: 'log' });
    expect(() => gbm.fit(stepRows(50, 1))).toThrow(/GradientBoosting\.fit: rows: training diverged/);
  });

  it('rejects bad options with the option named', () => {
    expect(() => new GradientBoosting(4, { shrinkage: 0 })).toThrow(/GradientBoosting: shrinkage/);
    expect(() => new GradientBoosting(4, { loss: 'hinge' as never })).toThrow(
      /GradientBoosting: loss: expected one of "squared", "log"/,
    );
  });
});
