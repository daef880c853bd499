/**
 * A child process of the SIGKILL backup test. One JSON line per fact on stdout (written
 * synchronously, so every line is out before a SIGKILL can land).
 *
 * `first <dir>`: serves calls in a loop ({@link CONCURRENCY} at a time, on a virtual clock,
 * paced by a few real milliseconds) and snapshots every 200 ms (real time) to a file sink in
 * `<dir>`, until killed. Lines: `start`, `done` (with its cost), `fail`, `taken` (a snapshot was
 * taken), `written`, `error`.
 *
 * `second <dir>`: restores the newest valid snapshot of `<dir>`, moves its clock to one second
 * after it, makes 20 calls one by one (line `picks`: the target of every attempt), then serves
 * until the budget refuses (line `end`).
 */
import { writeSync } from 'node:fs';
import type { SwitchyardError } from '../../index.js';
import { FileSnapshotSink, restoreLatest, startSnapshots } from '../../modules/backup/index.js';
import { VirtualClock } from '../../src/testing/index.js';
import { backupWorld, CONCURRENCY, request, WORLD_START } from './backup-world.js';

const out = (line: Record<string, unknown>): void => {
  writeSync(1, `${JSON.stringify(line)}\n`);
};
const [mode, dir] = process.argv.slice(2) as [string, string];
const clock = new VirtualClock(WORLD_START);
const sink = new FileSnapshotSink({ dir });

async function first(): Promise<void> {
  const { router } = backupWorld(clock, 1);
  let taken = 0;
  const snapshotted = {
    snapshot() {
      const snapshot = router.snapshot();
      out({ type: 'taken', k: ++taken, takenAt: snapshot.takenAt });
      return snapshot;
    },
  };
  const snapshots = startSnapshots(snapshotted, { sink, everyMs: 200, keep: 5 });
  snapshots.on('written', (e) => out({ type: 'written', id: e.id, takenAt: e.takenAt }));
  snapshots.on('error', (e) => out({ type: 'error', message: e.error.message }));
  for (let n = 0; ; ) {
    const batch: Promise<void>[] = [];
    for (let i = 0; i < CONCURRENCY; i++, n++) {
      const k = n;
      out({ type: 'start', n: k });
      batch.push(
        router.complete(request(k)).then(
          (res) => out({ type: 'done', n: k, target: res.target, cost: res.costUsd }),
          (error: SwitchyardError) => out({ type: 'fail', n: k, kind: error.kind }),
        ),
      );
    }
    await clock.run(Promise.all(batch));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function second(): Promise<void> {
  const { router, calls } = backupWorld(clock, 2);
  const result = await restoreLatest(router, sink);
  out({ type: 'restored', restored: result.restored, skipped: result.skipped });
  if (result.restored === undefined) throw new Error('nothing restored');
  await clock.advanceTo(result.restored.takenAt + 1000);
  const picks: string[] = [];
  const onStart = (e: { target: string }) => picks.push(e.target);
  router.on('attempt:start', onStart);
  let spent = 0;
  for (let k = 0; k < 20; k++) spent += (await clock.run(router.complete(request(100_000 + k)))).costUsd ?? 0;
  router.off('attempt:start', onStart);
  out({ type: 'picks', picks, deadCalls: calls.dead, budget: router.budgets()[0] });
  let refused = 0;
  for (let n = 100_020; refused < CONCURRENCY; ) {
    const batch: Promise<void>[] = [];
    for (let i = 0; i < CONCURRENCY; i++, n++) {
      batch.push(
        router.complete(request(n)).then(
          (res) => {
            spent += res.costUsd ?? 0;
          },
          (error: SwitchyardError) => {
            if (error.kind !== 'budget_exceeded') throw error;
            refused++;
          },
        ),
      );
    }
    await clock.run(Promise.all(batch));
  }
  out({ type: 'end', spent, deadCalls: calls.dead, budget: router.budgets()[0] });
}

(mode === 'first' ? first() : second()).then(
  () => process.exit(0),
  (error: unknown) => {
    out({ type: 'crash', message: String(error) });
    process.exit(1);
  },
);
