import { describe, expect, it } from 'vitest';
import { expectConfigError } from './contract.js';
import { calibration, evaluatePredictors } from './evaluate.js';
import { historyRows } from './test-data.js';

describe('evaluatePredictors', () => {
  const rows = historyRows(2000, 2);

  it('splits by time and reports MAE, p90, log loss and calibration; trees beat linear on a non-linear truth', () => {
    const linear = evaluatePredictors(rows, { family: 'linear' });
    const forest = evaluatePredictors(rows, { family: 'forest' });
    expect(linear.trainRows).toBe(1400);
    expect(linear.testRows).toBe(600);
    expect(forest.latency.count).toBeGreaterThan(500);
    expect(forest.latency.mae).toBeLessThan(linear.latency.mae * 0.6);
    expect(forest.latency.p90AbsoluteError).toBeGreaterThan(forest.latency.mae);
    expect(forest.failure.count).toBe(600);
    expect(forest.failure.logLoss).toBeLessThan(linear.failure.logLoss);
    const total = forest.failure.calibration.reduce((s, b) => s + b.count, 0);
    expect(total).toBe(600);
  });

  it('never trains on the future: shuffled input gives the same split by time', () => {
    const shuffled = [...rows].reverse();
    const a = evaluatePredictors(rows, { family: 'linear' });
    const b = evaluatePredictors(shuffled, { family: 'linear' });
    expect(b).toEqual(a);
  });

  it('online: keeps learning during the test', () => {
    const frozen = evaluatePredictors(rows, { family: 'linear' });
    const online = evaluatePredictors(rows, { family: 'linear', online: true });
    expect(online.latency.mae).not.toBe(frozen.latency.mae);
  });

  it('calibration bins hold the mean prediction and observed rate', () => {
    expect(
      calibration(
        [
          [0.05, 0],
          [0.15, 1],
          [0.95, 1],
          [1, 1],
        ],
        10,
      ),
    ).toEqual([
      { from: 0, to: 0.1, count: 1, predicted: 0.05, observed: 0 },
      { from: 0.1, to: 0.2, count: 1, predicted: 0.15, observed: 1 },
      { from: 0.9, to: 1, count: 2, predicted: 0.975, observed: 1 },
    ]);
    expectConfigError(
      () => evaluatePredictors(rows, { family: 'linear', trainFraction: 1 }),
      /trainFraction/,
    );
  });
});
