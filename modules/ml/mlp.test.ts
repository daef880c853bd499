import { describe, expect, it } from 'vitest';
import { familyContract } from './contract.js';
import { LinearModel } from './linear.js';
import { NeuralNetwork } from './mlp.js';
import { failureRows, meanAbsoluteError, STEP_DIMENSION, stepRows } from './test-data.js';

describe('NeuralNetwork', () => {
  familyContract({
    owner: 'NeuralNetwork',
    make: (seed) => new NeuralNetwork(STEP_DIMENSION, { maxEpochs: 20, seed }),
    fromJSON: (json) => NeuralNetwork.fromJSON(json),
    other: () => new LinearModel(STEP_DIMENSION),
  });

  it('learns a step and an interaction (MAE under half of linear), one or two hidden layers', () => {
    const train = stepRows(1500, 1);
    const test = stepRows(500, 2);
    const linear = new LinearModel(STEP_DIMENSION, { forgetting: 1 });
    linear.fit(train);
    const linearMae = meanAbsoluteError((x) => linear.predict(x), test);
    for (const hidden of [[16], [16, 8]]) {
      const net = new NeuralNetwork(STEP_DIMENSION, { seed: 1, hidden });
      net.fit(train);
      expect(meanAbsoluteError((x) => net.predict(x), test)).toBeLessThan(linearMae * 0.5);
    }
  });

  it('stops early on the held-out slice: fewer epochs than allowed when it stops improving', () => {
    const net = new NeuralNetwork(STEP_DIMENSION, { seed: 1, maxEpochs: 2000, patience: 5 });
    net.fit(stepRows(400, 1));
    expect(net.epochs).toBeGreaterThan(5);
    expect(net.epochs).toBeLessThan(2000);
    const all = new NeuralNetwork(STEP_DIMENSION, { seed: 1, maxEpochs: 3, patience: 5 });
    all.fit(stepRows(400, 1));
    expect(all.epochs).toBe(3);
  });

  it('with log loss predicts probabilities in (0, 1)', () => {
    const net = new NeuralNetwork(STEP_DIMENSION, { seed: 2, loss: 'log' });
    net.fit(failureRows(2000, 3));
    const low = net.predict({ values: Float64Array.of(1, 1, 0, 3) });
    const high = net.predict({ values: Float64Array.of(1, 3.7, 0, 3) });
    expect(low).toBeGreaterThan(0);
    expect(low).toBeLessThan(0.15);
    expect(high).toBeGreaterThan(0.4);
    expect(high).toBeLessThan(0.8);
  });

  it('rejects bad options with the option named', () => {
    expect(() => new NeuralNetwork(4, { hidden: [] })).toThrow(/NeuralNetwork: hidden: expected one or two/);
    expect(() => new NeuralNetwork(4, { hidden: [8, 8, 8] })).toThrow(/NeuralNetwork: hidden/);
    expect(() => new NeuralNetwork(4, { hidden: [0] })).toThrow(/NeuralNetwork: hidden\[0\]/);
  });
});
