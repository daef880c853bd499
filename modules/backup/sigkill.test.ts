/**
 * Disaster recovery end to end: a process serving traffic with `adaptive`, a budget and a dead
 * target, snapshotting every 200 ms to a file sink, is killed with SIGKILL mid-traffic; its
 * newest snapshot file is torn on top of that; a fresh process restores the newest valid snapshot
 * and continues. Children: test/helpers/backup-child.ts (run with `node --import tsx`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/testing/index.js';
import {
  backupWorld,
  CONCURRENCY,
  COST_USD,
  LIMIT_USD,
  request,
  WORLD_START,
} from '../../test/helpers/backup-world.js';
import { decodeSnapshot, FileSnapshotSink } from './index.js';

const CHILD = join(import.meta.dirname, '../../test/helpers/backup-child.ts');
type Line = Record<string, unknown> & { type: string };

/** A child process whose stdout lines are parsed as they come. */
function child(mode: 'first' | 'second', dir: string) {
  const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Line[] = [];
  const waiters: Array<() => void> = [];
  let buffered = '';
  proc.stdout!.setEncoding('utf8');
  proc.stdout!.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const part of parts) lines.push(JSON.parse(part) as Line);
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  // Bounded in time: a child that hangs is killed.
  const guard = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  void exited.then(() => clearTimeout(guard));
  return {
    proc,
    lines,
    exited,
    /** Resolves once `check` holds over the lines seen (rejects if the child exits first). */
    async until(check: (lines: Line[]) => boolean): Promise<void> {
      let done = false;
      void exited.then(() => {
        done = true;
        for (const w of waiters.splice(0)) w();
      });
      while (!check(lines)) {
        if (done) throw new Error(`child ${mode} exited early: ${JSON.stringify(lines.slice(-3))}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

const sum = (lines: Line[]) => lines.reduce((s, l) => s + (l.cost as number), 0);

describe('SIGKILL mid-traffic, then a fresh process restores the newest valid snapshot', () => {
  const dir = mkdtempSync('/tmp/backup-sigkill-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the budget, the breaker and what adaptive learned', { timeout: 120_000 }, async () => {
    // 1. The first process learns for a few hundred calls, then dies mid-traffic.
    const first = child('first', dir);
    await first.until((ls) => {
      const done = ls.filter((l) => l.type === 'done').length;
      const writtenAfter = ls.filter((l) => l.type === 'written').length;
      return done >= 300 && writtenAfter >= 3;
    });
    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const a = first.lines;
    expect(a.filter((l) => l.type === 'error' || l.type === 'fail')).toEqual([]);
    const written = a.filter((l) => l.type === 'written');
    const started = new Set(a.filter((l) => l.type === 'start').map((l) => l.n));
    for (const l of a) if (l.type === 'done') started.delete(l.n);
    const inFlightAtKill = started.size;
    expect(inFlightAtKill).toBeLessThanOrEqual(CONCURRENCY);

    // 2. The newest snapshot file is torn as well (a disk that lost the end of it). The files on
    // disk, not the log, say which is newest: the kill may land after a rename and before its
    // `written` line.
    const files = (await new FileSnapshotSink({ dir }).list()).map((f) => f.id);
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(written.length).toBeGreaterThanOrEqual(3);
    const newest = files[0]!;
    truncateSync(join(dir, newest), 100);
    const fallbackId = files[1]!;

    // 3. A fresh process restores the newest valid one, and says it skipped the torn one.
    const second = child('second', dir);
    expect(await second.exited).toEqual({ code: 0, signal: null });
    const b = Object.fromEntries(second.lines.map((l) => [l.type, l]));
    expect(b.crash).toBeUndefined();
    expect(b.restored!.skipped).toEqual([
      { id: newest, reason: 'corrupt', message: expect.stringMatching(/^truncated or extended/) },
    ]);
    const snapshot = decodeSnapshot(readFileSync(join(dir, fallbackId), 'utf8'));
    expect(b.restored!.restored).toEqual({ id: fallbackId, takenAt: snapshot.takenAt });

    // Budget: the snapshot held what the first process had spent when it was taken (reservations
    // counted as spent); the second never went past the limit from there.
    // File names carry the write's sequence number: the fallback is the k-th snapshot taken.
    const k = Number(fallbackId.split('-')[2]);
    const takenAt = a.findIndex((l) => l.type === 'taken' && l.k === k);
    expect(a[takenAt]).toMatchObject({ takenAt: snapshot.takenAt });
    const doneBefore = a.slice(0, takenAt).filter((l) => l.type === 'done');
    const doneAfter = a.slice(takenAt).filter((l) => l.type === 'done');
    const saved = snapshot.budgets!.team!;
    expect(saved.spentUsd).toBeCloseTo(sum(doneBefore), 9);
    const restoredSpend = saved.spentUsd + saved.reservedUsd;
    expect(b.picks!.budget).toMatchObject({ spentUsd: expect.closeTo(restoredSpend + 20 * COST_USD, 9) });
    const spentB = b.end!.spent as number;
    expect(spentB).toBeLessThanOrEqual(LIMIT_USD - restoredSpend + 1e-9);
    expect(spentB).toBeGreaterThan(LIMIT_USD - restoredSpend - CONCURRENCY * COST_USD); // it did run into the limit
    // Across both processes: over the limit by at most what the first spent after the snapshot
    // (the recovery point) and the calls in flight at the kill (here: they never completed).
    const spentA = sum(a.filter((l) => l.type === 'done'));
    expect(spentA + spentB).toBeLessThanOrEqual(
      LIMIT_USD + sum(doneAfter) + inFlightAtKill * COST_USD + 1e-9,
    );
    expect(spentA).toBeGreaterThan(300 * COST_USD - 1e-9);

    // Breaker: the dead target is still held out — not one call to it after the restart.
    expect(snapshot.targets.dead!.breaker.state).toBe('open');
    expect(b.picks!.deadCalls).toBe(0);
    expect(b.end!.deadCalls).toBe(0);

    // Adaptive: the first 20 picks are those of the same router restored in-process from the
    // same file with the same seed and clock, and not those of a router that starts fresh.
    const reference = async (restore: boolean) => {
      const clock = new VirtualClock(WORLD_START);
      const { router, calls } = backupWorld(clock, 2);
      if (restore) await router.restore(snapshot);
      await clock.advanceTo(snapshot.takenAt + 1000);
      const picks: string[] = [];
      router.on('attempt:start', (e) => picks.push(e.target));
      for (let n = 0; n < 20; n++) await clock.run(router.complete(request(100_000 + n)));
      return { picks, deadCalls: calls.dead };
    };
    const restored = await reference(true);
    expect(b.picks!.picks).toEqual(restored.picks);
    expect(restored.picks).toHaveLength(20); // no fallbacks: no attempt went to the dead target
    const fresh = await reference(false);
    expect(fresh.picks).not.toEqual(restored.picks);
    expect(fresh.deadCalls).toBeGreaterThan(0); // a router that forgot calls the dead target again
    // What adaptive learned shows: its picks lean to the fast target as the first process's did.
    const lastA = a.filter((l) => l.type === 'done').slice(-40);
    const share = (picks: readonly unknown[]) => picks.filter((t) => t === 'fast').length / picks.length;
    expect(share(lastA.map((l) => l.target))).toBeGreaterThan(0.3);
    expect(share(restored.picks)).toBeGreaterThan(0.3);
  });
});
