import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../strategies/index.js';
import { GradientBoosting } from './boosting.js';
import { RandomForest } from './forest.js';
import { NeuralNetwork } from './mlp.js';
import { ManualScheduler } from './scheduler.js';
import { SupportVectorRegression } from './svr.js';
import { featuresOf, STEP_DIMENSION, stepRows } from './test-data.js';

const rows = stepRows(400, 21);
const probes = featuresOf(stepRows(20, 22));

function feed(model: { observe: RandomForest['observe'] }, from: number, to: number, now?: number): void {
  for (let i = from; i < to; i++) {
    const row = rows[i]!;
    model.observe(
      { values: Float64Array.from(row.features), ...(now === undefined ? {} : { now }) },
      { value: row.value },
    );
  }
}

describe('background refits', () => {
  it('observe never trains: the refit runs in scheduler slices and the model swaps when it ends', () => {
    const scheduler = new ManualScheduler();
    const forest = new RandomForest(STEP_DIMENSION, {
      scheduler,
      sliceMs: 0,
      minRows: 50,
      refitEvery: 100,
      trees: 5,
    });
    feed(forest, 0, 49);
    expect(forest.training).toBe(false);
    expect(scheduler.pending).toBe(0);
    // Before any fit it predicts the running mean of what it saw.
    const mean = rows.slice(0, 49).reduce((s, r) => s + r.value, 0) / 49;
    expect(forest.predict(probes[0]!)).toBeCloseTo(mean, 6);
    feed(forest, 49, 50);
    expect(forest.training).toBe(true);
    expect(forest.fits).toBe(0);
    expect(scheduler.pending).toBe(1);
    // One slice is one step (sliceMs 0): many slices, the model unchanged until the last.
    let slices = 0;
    while (forest.training) {
      expect(forest.fits).toBe(0);
      feed(forest, 50 + slices, 51 + slices); // observations keep arriving meanwhile
      expect(scheduler.runNext()).toBe(true);
      slices++;
    }
    expect(slices).toBeGreaterThan(10);
    expect(forest.fits).toBe(1);
    expect(scheduler.pending).toBe(0);
    // The first refit trained on the 50 rows of the window when it started.
    const batch = new RandomForest(STEP_DIMENSION, { trees: 5 });
    batch.fit(rows.slice(0, 50));
    for (const x of probes) expect(forest.predict(x)).toBe(batch.predict(x));
  });

  it('refits every refitEvery observations, not before', () => {
    const scheduler = new ManualScheduler();
    const gbm = new GradientBoosting(STEP_DIMENSION, { scheduler, minRows: 20, refitEvery: 100, trees: 5 });
    feed(gbm, 0, 20);
    scheduler.runAll();
    expect(gbm.fits).toBe(1);
    feed(gbm, 20, 119);
    expect(gbm.training).toBe(false);
    feed(gbm, 119, 120);
    expect(gbm.training).toBe(true);
    const before = probes.map((x) => gbm.predict(x));
    scheduler.runAll();
    expect(gbm.fits).toBe(2);
    expect(probes.map((x) => gbm.predict(x))).not.toEqual(before);
  });

  it('refits after refitIntervalMs of clock time, checked when an observation arrives', () => {
    const scheduler = new ManualScheduler();
    const clock = new ManualClock();
    const svr = new SupportVectorRegression(STEP_DIMENSION, {
      scheduler,
      clock,
      minRows: 10,
      refitEvery: 10_000,
      refitIntervalMs: 5000,
      epochs: 2,
    });
    feed(svr, 0, 10);
    scheduler.runAll();
    expect(svr.fits).toBe(1);
    clock.time = 4999;
    feed(svr, 10, 20);
    expect(svr.training).toBe(false);
    clock.time = 5000;
    feed(svr, 20, 21);
    expect(svr.training).toBe(true);
    scheduler.runAll();
    expect(svr.fits).toBe(2);
    expect(() => new SupportVectorRegression(4, { refitIntervalMs: 10 })).toThrow(/clock: expected a clock/);
  });

  it('keeps a bounded sliding window: a refit sees only the newest `window` rows', () => {
    const scheduler = new ManualScheduler();
    const net = new NeuralNetwork(STEP_DIMENSION, {
      scheduler,
      window: 60,
      minRows: 60,
      refitEvery: 300,
      maxEpochs: 5,
    });
    feed(net, 0, 60);
    scheduler.runAll();
    feed(net, 60, 360);
    scheduler.runAll();
    expect(net.fits).toBe(2);
    expect(net.samples).toBe(360);
    const batch = new NeuralNetwork(STEP_DIMENSION, {
      window: 60,
      minRows: 60,
      refitEvery: 300,
      maxEpochs: 5,
    });
    batch.fit(rows.slice(0, 60)); // fit number 0 (the seed of the first fit)
    batch.fit(rows.slice(300, 360)); // fit number 1: the window when the second refit started
    for (const x of probes) expect(net.predict(x)).toBe(batch.predict(x));
  });

  it('stop() cancels a refit in progress and keeps the model in use; fit() replaces it', () => {
    const scheduler = new ManualScheduler();
    const forest = new RandomForest(STEP_DIMENSION, { scheduler, sliceMs: 0, minRows: 30, trees: 3 });
    feed(forest, 0, 30);
    scheduler.runNext();
    forest.stop();
    expect(forest.training).toBe(false);
    expect(scheduler.pending).toBe(0);
    expect(forest.fits).toBe(0);
    forest.fit(rows.slice(0, 100));
    expect(forest.fits).toBe(1);
    expect(forest.samples).toBe(130);
  });

  it('a refit that throws is dropped and counted; the model in use stays', () => {
    const scheduler = new ManualScheduler();
    let calls = 0;
    const forest = new RandomForest(STEP_DIMENSION, {
      scheduler,
      minRows: 30,
      trees: 3,
      random: () => {
        calls++;
        if (calls > 5) throw new Error('broken random source');
        return 0.5;
      },
    });
    feed(forest, 0, 30);
    scheduler.runAll();
    expect(forest.failedFits).toBe(1);
    expect(forest.fits).toBe(0);
    expect(Number.isFinite(forest.predict(probes[0]!))).toBe(true);
  });

  it('runs on setImmediate by default without keeping the test waiting', async () => {
    const forest = new RandomForest(STEP_DIMENSION, { minRows: 30, trees: 5 });
    feed(forest, 0, 30);
    expect(forest.training).toBe(true);
    while (forest.training) await new Promise((resolve) => setImmediate(resolve));
    expect(forest.fits).toBe(1);
  });
});
