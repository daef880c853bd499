import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../src/index.js';
import { ManualClock } from '../../strategies/index.js';
import { expectConfigError, familyContract } from './contract.js';
import type { TrainingRow } from './data.js';
import { Hybrid, type HybridOptions } from './hybrid.js';
import { LinearModel } from './linear.js';
import { createModel, loadModel } from './load.js';
import { ManualScheduler } from './scheduler.js';
import { featuresOf, STEP_DIMENSION, stepRows } from './test-data.js';

/** `latency = 200 + 50·promptK + 120·stream + 10·load + noise`: a truth linear in the features. */
function linearRows(n: number, seed: number, noise = 20): TrainingRow[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: n }, () => {
    const promptK = 4 * random();
    const stream = random() < 0.5 ? 1 : 0;
    const load = 6 * random();
    const value = 200 + 50 * promptK + 120 * stream + 10 * load + noise * (2 * random() - 1);
    return { features: [1, promptK, stream, load], value };
  });
}

/** Online, one-step-ahead: mean absolute error of each prediction made before the row is learned. */
function prequential(
  model: { predict: Hybrid['predict']; observe: Hybrid['observe'] },
  rows: readonly TrainingRow[],
  scheduler: ManualScheduler,
  from = 0,
): number {
  let sum = 0;
  let count = 0;
  rows.forEach((row, i) => {
    const x = { values: Float64Array.from(row.features) };
    if (i >= from) {
      sum += Math.abs(row.value - model.predict(x));
      count++;
    }
    model.observe(x, { value: row.value });
    scheduler.runAll();
  });
  return sum / count;
}

const online = (scheduler: ManualScheduler, extra: HybridOptions = {}): Hybrid =>
  new Hybrid(STEP_DIMENSION, { scheduler, residual: { refitEvery: 100, trees: 30 }, ...extra });

describe('Hybrid', () => {
  familyContract({
    owner: 'Hybrid',
    make: (seed) => new Hybrid(STEP_DIMENSION, { seed, residual: { trees: 10 } }),
    fromJSON: (json) => Hybrid.fromJSON(json),
    other: () => new LinearModel(STEP_DIMENSION),
  });

  it('on a linear truth it is no worse than the linear model alone (the residual weight stays small)', () => {
    for (const seed of [1, 2, 3]) {
      const rows = linearRows(1500, seed);
      const scheduler = new ManualScheduler();
      const hybrid = online(scheduler);
      const linear = new LinearModel(STEP_DIMENSION, { forgetting: 0.995, ridge: 0.01 });
      const hybridError = prequential(hybrid, rows, scheduler, 200);
      const linearError = prequential(linear, rows, scheduler, 200);
      expect(hybridError).toBeLessThan(linearError * 1.02);
      expect(hybrid.residual.fits).toBeGreaterThan(5);
      expect(hybrid.alpha).toBeLessThan(0.5);
    }
  });

  it('on a step truth it beats the linear model alone (the residual weight goes toward 1)', () => {
    const rows = stepRows(1500, 4);
    const scheduler = new ManualScheduler();
    const hybrid = online(scheduler);
    const linear = new LinearModel(STEP_DIMENSION, { forgetting: 0.995, ridge: 0.01 });
    const hybridError = prequential(hybrid, rows, scheduler, 300);
    const linearError = prequential(linear, rows, scheduler, 300);
    expect(hybridError).toBeLessThan(linearError * 0.5);
    expect(hybrid.alpha).toBeGreaterThan(0.8);
  });

  it('follows a level shift as fast as the linear model (the residual model does not hold the old level)', () => {
    const shifted = stepRows(1600, 5).map((r, i) => (i < 800 ? r : { ...r, value: r.value + 800 }));
    const scheduler = new ManualScheduler();
    const hybrid = online(scheduler);
    const linear = new LinearModel(STEP_DIMENSION, { forgetting: 0.995, ridge: 0.01 });
    // Error over the 200 observations after the shift, then over the rest.
    const h = [0, 0];
    const l = [0, 0];
    shifted.forEach((row, i) => {
      const x = { values: Float64Array.from(row.features) };
      const slot = i < 800 ? -1 : i < 1000 ? 0 : 1;
      if (slot >= 0) {
        h[slot]! += Math.abs(row.value - hybrid.predict(x));
        l[slot]! += Math.abs(row.value - linear.predict(x));
      }
      hybrid.observe(x, { value: row.value });
      linear.observe(x, { value: row.value });
      scheduler.runAll();
    });
    expect(h[0]!).toBeLessThan(l[0]! * 1.1);
    expect(h[1]!).toBeLessThan(l[1]! * 0.6);
  });

  it('learns the residuals in the background: observe never trains, predictions change when a refit swaps', () => {
    const scheduler = new ManualScheduler();
    const hybrid = new Hybrid(STEP_DIMENSION, {
      scheduler,
      warmup: 10,
      residual: { minRows: 50, refitEvery: 100, trees: 5, sliceMs: 0 },
    });
    const rows = stepRows(200, 6);
    const probe = featuresOf(stepRows(1, 7))[0]!;
    for (const row of rows.slice(0, 59)) hybrid.observe({ values: Float64Array.from(row.features) }, row);
    expect(hybrid.residual.training).toBe(false);
    hybrid.observe({ values: Float64Array.from(rows[59]!.features) }, rows[59]!);
    // 60 observations, the first 10 went to the linear model only: 50 residuals start a refit.
    expect(hybrid.residual.samples).toBe(50);
    expect(hybrid.residual.training).toBe(true);
    expect(hybrid.residual.fits).toBe(0);
    expect(scheduler.pending).toBe(1);
    expect(hybrid.alpha).toBe(0);
    const before = hybrid.predict(probe);
    expect(before).toBe(hybrid.linear.predict(probe));
    scheduler.runAll();
    expect(hybrid.residual.fits).toBe(1);
    // α stays 0 until the fitted residual model has been scored on new observations.
    expect(hybrid.alpha).toBe(0);
    for (const row of rows.slice(60)) hybrid.observe({ values: Float64Array.from(row.features) }, row);
    expect(hybrid.alpha).toBeGreaterThan(0);
    expect(hybrid.predict(probe)).not.toBe(hybrid.linear.predict(probe));
    hybrid.stop();
  });

  it('batch fit scores the residual model on the newest rows; the JSON brings back α and both parts', () => {
    const hybrid = new Hybrid(STEP_DIMENSION, { residual: { trees: 20 } });
    hybrid.fit(stepRows(800, 8));
    expect(hybrid.alpha).toBeGreaterThan(0.7);
    const copy = loadModel(JSON.parse(JSON.stringify(hybrid.toJSON()))) as Hybrid;
    expect(copy).toBeInstanceOf(Hybrid);
    expect(copy.alpha).toBe(hybrid.alpha);
    for (const x of featuresOf(stepRows(20, 9))) expect(copy.predict(x)).toBe(hybrid.predict(x));
    const linearOnly = new Hybrid(STEP_DIMENSION, { residual: { trees: 20 } });
    linearOnly.fit(linearRows(800, 8));
    expect(linearOnly.alpha).toBeLessThan(0.5);
  });

  it('clamps into range and keeps the linear uncertainty', () => {
    const hybrid = createModel('hybrid', STEP_DIMENSION, { range: [0, 500] }) as Hybrid;
    hybrid.fit(stepRows(300, 10));
    for (const x of featuresOf(stepRows(30, 11))) {
      const p = hybrid.predict(x);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(500);
      expect(hybrid.uncertainty(x)).toBe(hybrid.linear.uncertainty(x));
    }
  });

  it('rejects bad options with a config error naming the field', () => {
    expectConfigError(
      () => new Hybrid(4, { residualFamily: 'mlp' as never }),
      /^Hybrid: residualFamily: expected one of "boosting", "forest"/,
    );
    expectConfigError(
      () => new Hybrid(4, { decay: 0 }),
      /^Hybrid: decay: expected a finite number in \(0, 1\]/,
    );
    expectConfigError(() => new Hybrid(4, { evidence: -1 }), /^Hybrid: evidence/);
    expectConfigError(() => new Hybrid(4, { warmup: 1.5 }), /^Hybrid: warmup/);
    expectConfigError(() => new Hybrid(4, { range: [2, 1] }), /^Hybrid: range/);
    expectConfigError(
      () => new Hybrid(4, { residual: { trees: -1 } }),
      /^Hybrid: residual: GradientBoosting: trees/,
    );
    expectConfigError(
      () => new Hybrid(4, { linear: { forgetting: 2 } }),
      /^Hybrid: linear: LinearModel: forgetting/,
    );
    expectConfigError(
      () => new Hybrid(4, { residual: { refitIntervalMs: 1000 } }),
      /^Hybrid: residual: GradientBoosting: clock/,
    );
    expect(
      () => new Hybrid(4, { residual: { refitIntervalMs: 1000 }, clock: new ManualClock() }),
    ).not.toThrow();
    const forest = new Hybrid(4, { residualFamily: 'forest' });
    expectConfigError(
      () => new Hybrid(4).restore(forest.toJSON()),
      /json\.model\.residual\.family: expected "boosting"/,
    );
  });
});
