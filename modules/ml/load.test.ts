import { describe, expect, it } from 'vitest';
import { expectConfigError } from './contract.js';
import { createModel, loadModel, MODEL_FAMILIES } from './load.js';
import { featuresOf, STEP_DIMENSION, stepRows } from './test-data.js';

describe('createModel / loadModel', () => {
  it('builds every family by name and loads each back from JSON text by its family', () => {
    const rows = stepRows(200, 1);
    const probes = featuresOf(stepRows(10, 2));
    for (const family of MODEL_FAMILIES) {
      const model = createModel(family, STEP_DIMENSION, { seed: 4 } as never);
      model.fit(rows);
      const copy = loadModel(JSON.parse(JSON.stringify(model.toJSON())));
      expect(copy.family).toBe(family);
      expect(copy.constructor).toBe(model.constructor);
      for (const x of probes) expect(copy.predict(x)).toBe(model.predict(x));
    }
  });

  it('names what is wrong with a file that is not a model', () => {
    expectConfigError(
      () => createModel('xgboost' as never, 4),
      /createModel: family: expected one of "linear"/,
    );
    expectConfigError(() => loadModel([1, 2]), /loadModel: json: expected an object/);
    expectConfigError(
      () => loadModel({ format: 'other' }),
      /loadModel: json\.format: expected "switchyard-ml"/,
    );
    const json = createModel('forest', 4).toJSON();
    expectConfigError(
      () => loadModel({ ...json, family: 'xgboost' }),
      /loadModel: json\.family: expected "linear"/,
    );
    expectConfigError(() => loadModel({ ...json, version: 0 }), /json\.version: expected 1/);
  });
});
