import { describe, expect, it } from 'vitest';
import { Router, SwitchyardError } from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import {
  type BackupErrorEvent,
  decodeSnapshot,
  type SnapshotSink,
  type SnapshotWriteMeta,
  type SnapshotWrittenEvent,
  startSnapshots,
} from './index.js';

/** A sink in memory that can be made to fail or to hold a write until released. */
class MemorySink implements SnapshotSink {
  readonly entries: { data: string; meta: SnapshotWriteMeta }[] = [];
  fail: Error | undefined;
  hold: Promise<void> | undefined;

  async write(data: string, meta: SnapshotWriteMeta): Promise<string> {
    if (this.hold !== undefined) await this.hold;
    if (this.fail !== undefined) throw this.fail;
    this.entries.unshift({ data, meta });
    this.entries.splice(meta.keep);
    return `m${this.entries.length}`;
  }

  async list() {
    return this.entries.map((e, i) => ({ id: `m${i}`, read: async () => e.data }));
  }
}

function setup() {
  const clock = new VirtualClock(1_000_000);
  const adapter = new MockAdapter(() => ({ text: 'ok' }));
  const router = new Router({ targets: [{ id: 'a', adapter, model: 'm' }], clock });
  const sink = new MemorySink();
  return { clock, router, sink };
}

describe('startSnapshots', () => {
  it('writes router.snapshot() every everyMs on its clock, keeps `keep`, and a final one on stop()', async () => {
    const { clock, router, sink } = setup();
    const unrefed: unknown[] = [];
    const timerClock = Object.assign(Object.create(clock) as VirtualClock, {
      now: () => clock.now(),
      setTimeout: (fn: () => void, ms: number) => clock.setTimeout(fn, ms),
      clearTimeout: (h: unknown) => clock.clearTimeout(h),
      unref: (h: unknown) => unrefed.push(h),
    });
    const snapshots = startSnapshots(router, { sink, everyMs: 1000, keep: 3, clock: timerClock });
    const written: SnapshotWrittenEvent[] = [];
    snapshots.on('written', (e) => written.push(e));
    await clock.advance(999);
    expect(sink.entries).toHaveLength(0);
    await clock.run(router.complete({ messages: [{ role: 'user', content: 'hi' }] }));
    await clock.advance(1);
    expect(sink.entries).toHaveLength(1);
    const first = decodeSnapshot(sink.entries[0]!.data);
    expect(first.takenAt).toBe(1_001_000);
    expect(first.counters.calls).toBe(1);
    expect(sink.entries[0]!.meta).toEqual({ takenAt: 1_001_000, keep: 3 });
    expect(written[0]).toMatchObject({ id: 'm1', takenAt: 1_001_000, durationMs: 0 });
    expect(written[0]!.bytes).toBe(Buffer.byteLength(sink.entries[0]!.data));
    await clock.advance(4000);
    expect(written.map((e) => e.takenAt)).toEqual([1_001_000, 1_002_000, 1_003_000, 1_004_000, 1_005_000]);
    expect(sink.entries).toHaveLength(3);
    expect(unrefed.length).toBe(6); // the first and five more: every timer is unref'ed: it never keeps the process alive
    expect(snapshots.written).toBe(5);

    await clock.advance(500);
    await snapshots.stop();
    expect(decodeSnapshot(sink.entries[0]!.data).takenAt).toBe(1_005_500); // the final snapshot
    expect(clock.pendingTimers).toBe(0);
    await snapshots.stop(); // idempotent
    await clock.advance(5000);
    expect(snapshots.written).toBe(6);
  });

  it('reports a failing sink or snapshot as an error event, never to routing, and tries again next tick', async () => {
    const { clock, router, sink } = setup();
    const errors: BackupErrorEvent[] = [];
    const fromOption: BackupErrorEvent[] = [];
    const snapshots = startSnapshots(router, {
      sink,
      everyMs: 1000,
      clock,
      onError: (e) => fromOption.push(e),
    });
    snapshots.on('error', (e) => errors.push(e));
    sink.fail = new Error('disk full');
    await clock.advance(1000);
    expect(errors).toEqual([{ operation: 'write', error: sink.fail }]);
    expect(fromOption).toEqual(errors);
    expect(snapshots.lastError?.message).toBe('disk full');
    expect((await clock.run(router.complete({ messages: [{ role: 'user', content: 'hi' }] }))).text).toBe(
      'ok',
    );
    sink.fail = undefined;
    await clock.advance(1000);
    expect(sink.entries).toHaveLength(1);
    expect(snapshots.lastError).toBeUndefined();

    // A router whose snapshot() throws (a strategy bug), and a listener that throws.
    const broken = {
      snapshot: () => {
        throw new Error('strategy bug');
      },
    };
    const other = startSnapshots(broken, { sink, everyMs: 1000, clock });
    const otherErrors: string[] = [];
    other.on('error', (e) => otherErrors.push(`${e.operation}: ${e.error.message}`));
    snapshots.on('written', () => {
      throw new Error('listener bug');
    });
    await clock.advance(1000);
    expect(otherErrors).toEqual(['snapshot: strategy bug']);
    expect(errors.at(-1)).toMatchObject({ operation: 'listener', error: { message: 'listener bug' } });
    await expect(other.snapshotNow()).resolves.toBeUndefined();
    await Promise.all([snapshots.stop(), other.stop()]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('skips a tick that comes while a write is still in progress (writes never pile up)', async () => {
    const { clock, router, sink } = setup();
    let release!: () => void;
    sink.hold = new Promise<void>((r) => {
      release = r;
    });
    const snapshots = startSnapshots(router, { sink, everyMs: 1000, clock });
    await clock.advance(5000); // five ticks: one write, held
    expect(sink.entries).toHaveLength(0);
    sink.hold = undefined;
    release();
    await clock.advance(0);
    expect(sink.entries).toHaveLength(1);
    await clock.advance(1000);
    expect(sink.entries).toHaveLength(2);
    await snapshots.stop();
  });

  it('rejects bad options with a config error naming the field', () => {
    const { router, sink } = setup();
    const bad = (r: unknown, options: unknown) => {
      try {
        startSnapshots(r as Router, options as never);
      } catch (error) {
        expect(error).toBeInstanceOf(SwitchyardError);
        expect((error as SwitchyardError).kind).toBe('config');
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(bad({}, { sink })).toBe('startSnapshots: router: expected a Router (an object with snapshot())');
    expect(bad(router, { sink: {} })).toMatch(/^startSnapshots: sink: expected a snapshot sink/);
    expect(bad(router, { sink, everyMs: 0 })).toBe(
      'startSnapshots: everyMs: expected a positive number of milliseconds',
    );
    expect(bad(router, { sink, keep: 1.5 })).toBe('startSnapshots: keep: expected a whole number ≥ 1');
    expect(bad(router, { sink, onError: 'log' })).toBe('startSnapshots: onError: expected a function');
  });
});
