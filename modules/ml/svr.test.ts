import { describe, expect, it } from 'vitest';
import { familyContract } from './contract.js';
import { LinearModel } from './linear.js';
import { SupportVectorRegression } from './svr.js';
import { meanAbsoluteError, STEP_DIMENSION, stepRows } from './test-data.js';

describe('SupportVectorRegression', () => {
  familyContract({
    owner: 'SupportVectorRegression',
    make: (seed) => new SupportVectorRegression(STEP_DIMENSION, { epochs: 5, seed }),
    fromJSON: (json) => SupportVectorRegression.fromJSON(json),
    other: () => new LinearModel(STEP_DIMENSION),
  });

  it('with the RBF kernel learns a step and an interaction better than linear', () => {
    const train = stepRows(1500, 1);
    const test = stepRows(500, 2);
    const linear = new LinearModel(STEP_DIMENSION, { forgetting: 1 });
    linear.fit(train);
    const svr = new SupportVectorRegression(STEP_DIMENSION, { seed: 1, components: 64 });
    svr.fit(train);
    expect(meanAbsoluteError((x) => svr.predict(x), test)).toBeLessThan(
      meanAbsoluteError((x) => linear.predict(x), test) * 0.7,
    );
  });

  it('with the linear kernel recovers a linear function', () => {
    const rows = stepRows(1000, 3).map((r) => ({
      features: r.features,
      value: 100 + 30 * r.features[1]! - 20 * r.features[3]!,
    }));
    const svr = new SupportVectorRegression(STEP_DIMENSION, { seed: 1, kernel: 'linear', epsilon: 0.01 });
    svr.fit(rows);
    expect(meanAbsoluteError((x) => svr.predict(x), rows)).toBeLessThan(3);
  });

  it('rejects bad options with the option named', () => {
    expect(() => new SupportVectorRegression(4, { kernel: 'poly' as never })).toThrow(
      /SupportVectorRegression: kernel/,
    );
    expect(() => new SupportVectorRegression(4, { lambda: 0 })).toThrow(/SupportVectorRegression: lambda/);
  });
});
