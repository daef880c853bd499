import { describe, expect, it } from 'vitest';
import {
  describedBesideNewTarget,
  restoredWorld,
  restoreErrorOf,
  type SnapshotJson,
  SnapshotWorld,
  twins,
} from '../test/helpers/snapshot-world.js';
import { adaptive } from './adaptive.js';

describe('adaptive snapshot', () => {
  it('restored into a fresh strategy with the targets reordered: same describe, same next 200 picks', () => {
    const { original, twin } = twins(adaptive(), 150);
    expect(twin.describeAll()).toEqual(original.describeAll());
    expect(twin.run(200)).toEqual(original.run(200));
    expect(twin.describeAll()).toEqual(original.describeAll());
  });

  it('with output bands on, too', () => {
    const { original, twin } = twins(adaptive({ outputBandEdges: [512, 2048] }), 150);
    expect(twin.describeAll()).toEqual(original.describeAll());
    expect(twin.run(200)).toEqual(original.run(200));
  });

  it('survives JSON exactly: a stored snapshot restored and taken again is the same', () => {
    const { twin, snapshot } = twins(adaptive(), 150);
    expect(twin.storedSnapshot()).toEqual(snapshot);
    expect(JSON.stringify(snapshot)).not.toContain('null');
  });

  it('keeps clock times absolute and leaves attempts in flight out', () => {
    const world = new SnapshotWorld(adaptive()).reseed(1);
    world.run(40);
    const snapshot = world.storedSnapshot() as SnapshotJson;
    expect(snapshot.version).toBe(1);
    const a = snapshot.targets.a;
    expect(a.at).toBeGreaterThan(1_700_000_000_000);
    expect(Object.keys(a.inFlight).sort()).toEqual([
      'freshAt',
      'lastOutcomeAt',
      'lastPickAt',
      'meanLatencyMs',
    ]);
  });

  it('ignores unknown ids; targets the snapshot does not name start fresh (untried)', () => {
    const [a, e] = describedBesideNewTarget(adaptive());
    expect(a!.score).toBeLessThan(0);
    expect(e).toMatchObject({ target: 'e', score: Number.POSITIVE_INFINITY });
  });

  it('band factors learned on other band edges start fresh; the rest is restored', () => {
    const { original } = twins(adaptive(), 150);
    const stored = original.storedSnapshot() as SnapshotJson;
    const world = restoredWorld(adaptive({ bandEdges: [1_000] }), original);
    const restored = world.storedSnapshot() as SnapshotJson;
    expect(restored.targets.a.ratio).toBe(stored.targets.a.ratio);
    expect(restored.baseLatency).toEqual(stored.baseLatency);
    expect(restored.targets.a.promptBands).toEqual({
      n: [0, 0],
      sums: [0, 0],
      squares: [0, 0],
      weight: 0,
      total: 0,
      prior: 64,
    });
  });

  it('a malformed snapshot or another version throws a config error naming the field, and changes nothing', () => {
    const { original, twin } = twins(adaptive(), 150);
    const stored = original.storedSnapshot();
    const before = twin.describeAll();
    const broken = (edit: (s: SnapshotJson) => void) => restoreErrorOf(twin.strategy, stored, edit);
    expect(broken((s) => (s.targets.d.ratio = -1))).toBe(
      'adaptive: snapshot.targets["d"].ratio: expected a finite number >= 0, got -1',
    );
    expect(broken((s) => (s.targets.gone = { ...s.targets.a, freshest: null }))).toBe(
      'adaptive: snapshot.targets["gone"].freshest: expected a clock time in ms (a finite number, or "-Infinity" for never), got null',
    );
    expect(broken((s) => (s.baseLatency.coefficients[1] = 'x'))).toBe(
      'adaptive: snapshot.baseLatency.coefficients[1]: expected a finite number, got "x"',
    );
    expect(broken((s) => delete s.targets.b.firstToken)).toBe(
      'adaptive: snapshot.targets["b"].firstToken: expected an object, got undefined',
    );
    expect(broken((s) => (s.targets.c.promptBands.n = [1]))).toBe(
      'adaptive: snapshot.targets["c"].promptBands.n: expected an array of 5 numbers, got [1]',
    );
    expect(broken((s) => (s.ratioSpread.started = 1))).toBe(
      'adaptive: snapshot.ratioSpread.started: expected true or false, got 1',
    );
    expect(broken((s) => (s.version = 2))).toBe(
      'adaptive: snapshot.version: expected 1 (the snapshot format this version of adaptive reads; start fresh or restore it with the version that wrote it), got 2',
    );
    expect(twin.describeAll()).toEqual(before);
  });
});
