import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Adapter,
  Router,
  type RouterOptions,
  type RouterSnapshot,
  SwitchyardError,
} from '../../index.js';
import { MockAdapter, VirtualClock } from '../../src/testing/index.js';
import { KeySet, keyedAdapter } from '../keys/index.js';
import {
  encodeSnapshot,
  FileSnapshotSink,
  restoreLatest,
  type SnapshotSkippedEvent,
  type SnapshotSource,
  startSnapshots,
} from './index.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync('/tmp/backup-restore-');
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

/** A router whose target `down` fails: three calls eject it (a cooldown of a minute). */
function options(clock: VirtualClock, ids = ['down', 'up']): RouterOptions {
  return {
    targets: ids.map((id) => ({
      id,
      model: 'm',
      adapter: new MockAdapter(() => (id === 'down' ? { error: { status: 503 } } : { text: 'ok' })),
    })),
    strategy: 'priority',
    breaker: { failureThreshold: 3, cooldownMs: 60_000 },
    clock,
  };
}

async function writeThree(dir: string): Promise<{ ids: string[]; snapshots: RouterSnapshot[] }> {
  const clock = new VirtualClock(1_000_000);
  const router = new Router(options(clock));
  const sink = new FileSnapshotSink({ dir });
  const ids: string[] = [];
  const snapshots: RouterSnapshot[] = [];
  for (let i = 0; i < 3; i++) {
    await clock.run(router.complete(ask));
    await clock.advance(1000);
    snapshots.push(router.snapshot());
    ids.push(await sink.write(encodeSnapshot(snapshots[i]!), { takenAt: snapshots[i]!.takenAt, keep: 5 }));
  }
  return { ids, snapshots };
}

describe('restoreLatest', () => {
  it('restores the newest snapshot: the breaker still holds the dead target out', async () => {
    const dir = tempDir();
    const { ids, snapshots } = await writeThree(dir);
    const clock = new VirtualClock(snapshots[2]!.takenAt + 5_000);
    const router = new Router(options(clock));
    const result = await restoreLatest(router, new FileSnapshotSink({ dir }));
    expect(result).toEqual({ restored: { id: ids[2], takenAt: snapshots[2]!.takenAt }, skipped: [] });
    expect(router.health().find((h) => h.id === 'down')!.state).toBe('open');
    expect(router.snapshot().counters.calls).toBe(3);
  });

  it('passes over a corrupt newest file (an event says so) and restores the previous valid one', async () => {
    const dir = tempDir();
    const { ids, snapshots } = await writeThree(dir);
    const newest = join(dir, ids[2]!);
    truncateSync(newest, readFileSync(newest).length - 20); // torn
    const middle = join(dir, ids[1]!);
    writeFileSync(middle, readFileSync(middle, 'utf8').replace('"closed"', '"CLOSED"')); // altered
    const events: SnapshotSkippedEvent[] = [];
    const clock = new VirtualClock(snapshots[2]!.takenAt);
    const router = new Router(options(clock));
    const result = await restoreLatest(router, new FileSnapshotSink({ dir }), {
      onSkip: (e) => events.push(e),
    });
    expect(events.map((e) => [e.id, e.reason])).toEqual([
      [ids[2], 'corrupt'],
      [ids[1], 'corrupt'],
    ]);
    expect(events[0]!.message).toMatch(/^truncated or extended/);
    expect(events[1]!.message).toBe('the SHA-256 checksum does not match');
    expect(result.skipped).toEqual(events);
    expect(result.restored).toEqual({ id: ids[0], takenAt: snapshots[0]!.takenAt });
    expect(router.snapshot().counters.calls).toBe(1);
  });

  it('passes over a snapshot of other targets or a newer version; starts fresh when nothing is usable', async () => {
    const dir = tempDir();
    const sink = new FileSnapshotSink({ dir });
    const clock = new VirtualClock(1_000);
    const valid = new Router(options(clock)).snapshot();
    await sink.write(encodeSnapshot(valid), { takenAt: 1, keep: 5 });
    const foreign = new Router(options(clock, ['x', 'y'])).snapshot();
    await sink.write(encodeSnapshot(foreign), { takenAt: 2, keep: 5 });
    await sink.write(encodeSnapshot({ ...valid, version: 3 }), { takenAt: 3, keep: 5 });
    const router = new Router(options(clock, ['up']));
    const result = await restoreLatest(router, sink);
    expect(result.skipped.map((e) => `${e.reason}: ${e.message}`)).toEqual([
      'version: snapshot.version: 3 is newer than this version of switchyard-llm reads (2)',
      'targets: none of its targets ("x", "y") is a target of this router',
    ]);
    expect(result.restored?.takenAt).toBe(1_000); // shares 'up' with the router

    const onlyForeign = tempDir();
    await new FileSnapshotSink({ dir: onlyForeign }).write(encodeSnapshot(foreign), { takenAt: 1, keep: 1 });
    const fresh = await restoreLatest(router, new FileSnapshotSink({ dir: onlyForeign }), {
      onSkip: () => {
        throw new Error('a listener bug does not stop the restore');
      },
    });
    expect(fresh.restored).toBeUndefined();
    expect(fresh.skipped).toHaveLength(1);
    expect(await restoreLatest(router, new FileSnapshotSink({ dir: join(dir, 'none') }))).toEqual({
      restored: undefined,
      skipped: [],
    });
  });

  it('never rejects for what the source does: a source that cannot list or read', async () => {
    const router = new Router(options(new VirtualClock()));
    const down: SnapshotSource = { list: async () => Promise.reject(new Error('ECONNREFUSED')) };
    const result = await restoreLatest(router, down);
    expect(result.restored).toBeUndefined();
    expect(result.error?.message).toBe('ECONNREFUSED');
    const unreadable: SnapshotSource = {
      list: async () => [{ id: 'gone', read: () => Promise.reject(new Error('EACCES: permission denied')) }],
    };
    expect((await restoreLatest(router, unreadable)).skipped).toEqual([
      { id: 'gone', reason: 'unreadable', message: 'EACCES: permission denied' },
    ]);
  });

  it('rejects a router or source of the wrong shape with a config error naming it', async () => {
    const router = new Router(options(new VirtualClock()));
    const kindAndMessage = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: SwitchyardError) => `${e.kind}: ${e.message}`,
      );
    expect(await kindAndMessage(restoreLatest({} as Router, { list: async () => [] }))).toBe(
      'config: restoreLatest: router: expected a Router (with restore() and targets)',
    );
    expect(await kindAndMessage(restoreLatest(router, {} as SnapshotSource))).toMatch(
      /^config: restoreLatest: source: expected a snapshot source/,
    );
    expect(
      await kindAndMessage(restoreLatest(router, { list: async () => [] }, { onSkip: 1 as never })),
    ).toBe('config: restoreLatest: onSkip: expected a function');
    expect(SwitchyardError).toBeDefined();
  });

  it('writes no secret into a snapshot (canary keys that providers echo in their errors)', async () => {
    const canaries = ['canaryBACKUPbad1f2e3d4', 'canaryBACKUPgood9a8b7c'];
    const provider = (apiKey: string): Adapter =>
      new MockAdapter(() =>
        apiKey === canaries[0]
          ? { error: { status: 401, message: `Incorrect API key provided: ${apiKey}` } }
          : { text: 'ok', usage: { inputTokens: 10, outputTokens: 10 } },
      );
    const keys = new KeySet({ keys: canaries.map((secret, i) => ({ id: `k${i}`, secret })) });
    const clock = new VirtualClock(1_000);
    const router = new Router({
      targets: [
        {
          id: 'keyed',
          model: 'm',
          adapter: keyedAdapter(keys, provider),
          price: { inputPerMTok: 1, outputPerMTok: 1 },
        },
      ],
      strategy: 'adaptive',
      budgets: [{ scope: { key: 'vk-team-a' }, limitUsd: 10, period: 'day' }],
      clock,
    });
    for (let i = 0; i < 6; i++) {
      await clock.run(router.complete({ ...ask, metadata: { key: 'vk-team-a' } })).catch(() => {});
    }
    const dir = tempDir();
    const snapshots = startSnapshots(router, { sink: new FileSnapshotSink({ dir }), clock });
    await snapshots.stop();
    const [file] = readdirSync(dir);
    const data = readFileSync(join(dir, file!), 'utf8');
    expect(data).toContain('"key=vk-team-a/day"'); // the budget, by its (virtual key id) scope
    for (const canary of [...canaries, 'canaryBACKUP']) expect(data).not.toContain(canary);
  });
});
