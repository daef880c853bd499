import { describe, expect, it } from 'vitest';
import { familyContract } from './contract.js';
import { Ensemble } from './ensemble.js';
import { LinearModel } from './linear.js';
import { ManualScheduler } from './scheduler.js';
import { meanAbsoluteError, STEP_DIMENSION, stepRows } from './test-data.js';

describe('Ensemble', () => {
  familyContract({
    owner: 'Ensemble',
    make: (seed) =>
      new Ensemble(STEP_DIMENSION, {
        seed,
        members: [{ family: 'linear' }, { family: 'forest', options: { trees: 5 } }],
      }),
    fromJSON: (json) => Ensemble.fromJSON(json),
    other: () => new LinearModel(STEP_DIMENSION),
  });

  it('weights the member with the smaller held-out error, and beats linear on a non-linear truth', () => {
    const train = stepRows(1500, 1);
    const test = stepRows(500, 2);
    const blend = new Ensemble(STEP_DIMENSION);
    blend.fit(train);
    const [linear, forest, boosting] = blend.weights();
    expect(forest! + boosting!).toBeGreaterThan(0.9);
    expect(linear).toBeLessThan(0.1);
    const alone = new LinearModel(STEP_DIMENSION, { forgetting: 1 });
    alone.fit(train);
    expect(meanAbsoluteError((x) => blend.predict(x), test)).toBeLessThan(
      meanAbsoluteError((x) => alone.predict(x), test) * 0.5,
    );
  });

  it('learns its weights online from one-step-ahead residuals', () => {
    const scheduler = new ManualScheduler();
    const blend = new Ensemble(STEP_DIMENSION, {
      scheduler,
      members: [
        { family: 'linear' },
        { family: 'forest', options: { minRows: 100, refitEvery: 100, trees: 10 } },
      ],
      decay: 0.05,
    });
    expect(blend.weights()).toEqual([0.5, 0.5]);
    for (const row of stepRows(600, 3)) {
      blend.observe({ values: Float64Array.from(row.features) }, { value: row.value });
      scheduler.runAll();
    }
    const [linear, forest] = blend.weights();
    expect(forest).toBeGreaterThan(linear!);
    expect(blend.members[1]!.samples).toBe(600);
  });

  it('rejects bad members with the member named', () => {
    expect(() => new Ensemble(4, { members: [] })).toThrow(/Ensemble: members: expected at least one/);
    expect(() => new Ensemble(4, { members: [{ family: 'forest', options: { trees: -1 } }] })).toThrow(
      /Ensemble: members\[0\]: RandomForest: trees/,
    );
    expect(() => new Ensemble(4, { members: [{ family: 'ensemble' as never }] })).toThrow(
      /members\[0\]\.family/,
    );
  });
});
