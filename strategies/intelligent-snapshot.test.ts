import { describe, expect, it } from 'vitest';
import type { Predictor } from '../src/index.js';
import {
  describedBesideNewTarget,
  restoredWorld,
  restoreErrorOf,
  type SnapshotJson,
  twins,
} from '../test/helpers/snapshot-world.js';
import { intelligent } from './intelligent.js';
import { defaultPredictors, type PredictorFactory } from './predictors/factory.js';

describe('intelligent snapshot', () => {
  it('restored into a fresh strategy with the targets reordered: same describe, same next 200 picks', () => {
    const { original, twin } = twins(intelligent(), 150);
    expect(twin.describeAll()).toEqual(original.describeAll());
    expect(twin.run(200)).toEqual(original.run(200));
    expect(twin.describeAll()).toEqual(original.describeAll());
  });

  it('with tags and epsilon exploration, too', () => {
    const { original, twin, snapshot } = twins(
      intelligent({ tags: ['batch'], epsilon: 0.1, optimism: 1 }),
      150,
    );
    expect(twin.describeAll()).toEqual(original.describeAll());
    expect(twin.run(200)).toEqual(original.run(200));
    // The tag combinations each target has outcomes on travel with it (0: no tag, 1: batch).
    const combinations = (snapshot as SnapshotJson).targets.a.tagCombinations as unknown as number[];
    expect(combinations.length).toBeGreaterThan(0);
    expect(combinations.every((c) => c === 0 || c === 1)).toBe(true);
  });

  it('survives JSON exactly, with each default model and absolute clock times', () => {
    const { twin, snapshot } = twins(intelligent(), 150);
    expect(twin.storedSnapshot()).toEqual(snapshot);
    const a = (snapshot as SnapshotJson).targets.a;
    expect(Object.keys(a).sort()).toEqual([
      'failed',
      'failure',
      'failureLatencyMs',
      'freshest',
      'inFlight',
      'latency',
      'meanOutputTokens',
      'outputTokens',
      'overdueFreshAt',
    ]);
    expect(a.latency.stamp).toBeGreaterThan(1_700_000_000_000);
    expect(a.inFlight.lastPickAt).toBeGreaterThan(1_700_000_000_000);
  });

  it('ignores unknown ids; targets the snapshot does not name start fresh (untried)', () => {
    const [a, e] = describedBesideNewTarget(intelligent());
    // Restored: scored on its data (utility + optimism × σ, which may be above 0), not untried.
    expect(Number.isFinite(a!.score)).toBe(true);
    expect(e).toMatchObject({ target: 'e', score: Number.POSITIVE_INFINITY });
  });

  it('models learned with other tags start fresh; the rest is restored', () => {
    const { original } = twins(intelligent(), 150);
    const stored = original.storedSnapshot() as SnapshotJson;
    const world = restoredWorld(intelligent({ tags: ['batch'] }), original);
    const restored = world.storedSnapshot() as SnapshotJson;
    expect(restored.targets.a.latency.samples).toBe(0);
    expect(restored.targets.a.failure.samples).toBe(0);
    expect(restored.targets.a.meanOutputTokens).toBe(stored.targets.a.meanOutputTokens);
    expect(restored.global).toEqual(stored.global);
  });

  it('a model without snapshot()/restore() is left out and starts fresh', () => {
    const base = defaultPredictors();
    const predictors: PredictorFactory = (spec) => {
      const model = base(spec);
      if (spec.quantity !== 'outputTokens') return model;
      return {
        observe: (f, t) => model.observe(f, t),
        predict: (f) => model.predict(f),
        get samples() {
          return model.samples;
        },
      } satisfies Predictor;
    };
    const { original, twin, snapshot } = twins(intelligent({ predictors }), 100);
    expect(snapshot).not.toHaveProperty('targets.a.outputTokens');
    const restored = twin.storedSnapshot() as SnapshotJson;
    expect(restored.targets.a.latency).toEqual((snapshot as SnapshotJson).targets.a.latency);
    expect(restored.targets.a.latency.samples).toBeGreaterThan(0);
    expect(original.describeAll()).toHaveLength(4);
  });

  it('a malformed snapshot or another version throws a config error naming the field, and changes nothing', () => {
    const { original, twin } = twins(intelligent(), 150);
    const stored = original.storedSnapshot();
    const before = twin.describeAll();
    const broken = (edit: (s: SnapshotJson) => void) => restoreErrorOf(twin.strategy, stored, edit);
    expect(broken((s) => (s.targets.c.latency.coefficients[2] = 'x'))).toBe(
      'intelligent: snapshot.targets["c"].latency.coefficients[2]: expected a finite number, got "x"',
    );
    expect(broken((s) => (s.targets.d.failure.weight = -1))).toBe(
      'intelligent: snapshot.targets["d"].failure.weight: expected a finite number >= 0, got -1',
    );
    expect(broken((s) => (s.targets.b.meanOutputTokens = 'many'))).toBe(
      'intelligent: snapshot.targets["b"].meanOutputTokens: expected a finite number >= 0, got "many"',
    );
    expect(broken((s) => (s.targets.gone = { ...s.targets.a, inFlight: [] }))).toBe(
      'intelligent: snapshot.targets["gone"].inFlight: expected an object, got []',
    );
    expect(broken((s) => (s.tags = [1]))).toBe(
      'intelligent: snapshot.tags: expected an array of strings, got [1]',
    );
    expect(broken((s) => (s.targets.a.latency.version = 3))).toBe(
      'intelligent: snapshot.targets["a"].latency.version: expected 1 (the snapshot format this version of OnlineRidge reads; start fresh or restore it with the version that wrote it), got 3',
    );
    expect(broken((s) => (s.version = 0))).toBe(
      'intelligent: snapshot.version: expected 1 (the snapshot format this version of intelligent reads; start fresh or restore it with the version that wrote it), got 0',
    );
    expect(twin.describeAll()).toEqual(before);
  });
});
