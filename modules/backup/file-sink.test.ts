import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Router, type RouterSnapshot, SwitchyardError } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { decodeSnapshot, encodeSnapshot, FileSnapshotSink } from './index.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync('/tmp/backup-sink-');
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const router = new Router({
  targets: [{ id: 'a', adapter: new MockAdapter(() => ({ text: 'ok' })), model: 'm' }],
});
const at = (takenAt: number): string => encodeSnapshot({ ...router.snapshot(), takenAt } as RouterSnapshot);

describe('FileSnapshotSink', () => {
  it('writes each snapshot atomically as its own 0600 file and lists them newest first', async () => {
    const dir = join(tempDir(), 'nested', 'state');
    const sink = new FileSnapshotSink({ dir });
    expect(await sink.list()).toEqual([]); // no directory yet: no snapshots, no error
    const ids = [];
    for (const takenAt of [1_000, 3_000, 2_000])
      ids.push(await sink.write(at(takenAt), { takenAt, keep: 10 }));
    expect(ids[0]).toMatch(/^router-0000000000001000-000001-[0-9a-f]{8}\.snap$/);
    const files = readdirSync(dir);
    expect(files.sort()).toEqual([...ids].sort()); // no temporary file left behind
    expect(statSync(join(dir, ids[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const listed = await sink.list();
    expect(listed.map((s) => s.id)).toEqual([ids[1], ids[2], ids[0]]);
    expect(decodeSnapshot(await listed[0]!.read()).takenAt).toBe(3_000);
    expect(readFileSync(join(dir, ids[1]!), 'utf8')).toBe(at(3_000));
  });

  it('keeps the newest `keep`, ignores other files, and removes temporary files a crash left behind', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const stale = join(dir, '.router-0000000000000001-000001-deadbeef.snap.tmp');
    const fresh = join(dir, '.router-0000000000000002-000001-deadbeef.snap.tmp');
    writeFileSync(stale, 'half');
    writeFileSync(fresh, 'half');
    utimesSync(stale, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    const sink = new FileSnapshotSink({ dir });
    const other = new FileSnapshotSink({ dir, name: 'other.router' });
    await other.write(at(1), { takenAt: 1, keep: 1 });
    for (let t = 1; t <= 5; t++) await sink.write(at(t * 1000), { takenAt: t * 1000, keep: 3 });
    const listed = await sink.list();
    expect(listed.map((s) => s.id.slice(0, 23))).toEqual([
      'router-0000000000005000',
      'router-0000000000004000',
      'router-0000000000003000',
    ]);
    expect(readdirSync(dir).sort()).toEqual(
      [
        '.router-0000000000000002-000001-deadbeef.snap.tmp', // may still be in progress elsewhere
        'notes.txt',
        ...(await other.list()).map((s) => s.id),
        ...listed.map((s) => s.id),
      ].sort(),
    );
  });

  it('rejects bad options with a config error naming the field', () => {
    const bad = (options: unknown) => {
      try {
        new FileSnapshotSink(options as never);
      } catch (error) {
        expect(error).toBeInstanceOf(SwitchyardError);
        expect((error as SwitchyardError).kind).toBe('config');
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(bad(undefined)).toBe('FileSnapshotSink: options: expected an object');
    expect(bad({ dir: '' })).toBe('FileSnapshotSink: dir: expected a non-empty directory path');
    expect(bad({ dir: '/tmp/x', name: '../up' })).toBe(
      'FileSnapshotSink: name: expected 1 to 64 letters, digits, `_` or `.`',
    );
  });

  it('fails a write it cannot make (the scheduler reports it), without leaving a temporary file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    const sink = new FileSnapshotSink({ dir: join(dir, 'file') }); // a file, not a directory
    await expect(sink.write(at(1), { takenAt: 1, keep: 1 })).rejects.toThrow(/EEXIST|ENOTDIR/);
    expect(readdirSync(dir)).toEqual(['file']);
  });
});
