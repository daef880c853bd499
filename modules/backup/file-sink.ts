import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SwitchyardError } from '../../index.js';
import type { SnapshotSink, SnapshotWriteMeta, StoredSnapshot } from './sink.js';

/** Options of a {@link FileSnapshotSink}. */
export interface FileSnapshotSinkOptions {
  /** The directory of the snapshots (created, mode 0700, on the first write). One per router process. */
  readonly dir: string;
  /** First part of each file name, so several routers can share a directory. @default 'router' */
  readonly name?: string;
}

/** A temporary file older than this is a leftover of a crash mid-write and is removed. */
const STALE_TEMP_MS = 60_000;

/**
 * Snapshots as files in a directory: `<name>-<takenAt>-<seq>-<random>.snap`, newest first by
 * name. Each write is atomic and durable — a temporary file written, fsynced and renamed over,
 * then the directory fsynced — so a crash leaves either the old set or the new one, never a
 * half-written snapshot under a final name; and each file carries the SHA-256 of its content,
 * so one damaged afterwards (a disk fault, a copy cut short) is detected and skipped on restore.
 * Files are created with mode 0600.
 *
 * @throws {SwitchyardError} `config` for a `dir` that is not a non-empty string or a bad `name`.
 *
 * @example
 * ```ts
 * const sink = new FileSnapshotSink({ dir: '/var/lib/myapp/switchyard' });
 * await restoreLatest(router, sink);
 * const snapshots = startSnapshots(router, { sink });
 * ```
 */
export class FileSnapshotSink implements SnapshotSink {
  readonly #dir: string;
  readonly #name: string;
  readonly #pattern: RegExp;
  #seq = 0;
  #made = false;

  constructor(options: FileSnapshotSinkOptions) {
    if (typeof options !== 'object' || options === null) throw configError('options', 'expected an object');
    if (typeof options.dir !== 'string' || options.dir.length === 0) {
      throw configError('dir', 'expected a non-empty directory path');
    }
    const name = options.name ?? 'router';
    if (typeof name !== 'string' || !/^[A-Za-z0-9_.]{1,64}$/.test(name)) {
      throw configError('name', 'expected 1 to 64 letters, digits, `_` or `.`');
    }
    this.#dir = options.dir;
    this.#name = name;
    this.#pattern = new RegExp(`^${name.replace(/\./g, '\\.')}-\\d{16}-\\d{6}-[0-9a-f]{8}\\.snap$`);
  }

  /** The directory written to. */
  get dir(): string {
    return this.#dir;
  }

  async write(data: string, meta: SnapshotWriteMeta): Promise<string> {
    if (!this.#made) {
      await mkdir(this.#dir, { recursive: true, mode: 0o700 });
      this.#made = true;
    }
    const stamp = String(Math.max(0, Math.floor(meta.takenAt))).padStart(16, '0');
    const seq = String(++this.#seq % 1_000_000).padStart(6, '0');
    const file = `${this.#name}-${stamp}-${seq}-${randomBytes(4).toString('hex')}.snap`;
    const temp = join(this.#dir, `.${file}.tmp`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, join(this.#dir, file));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await syncDirectory(this.#dir);
    await this.#prune(meta.keep);
    return file;
  }

  async list(): Promise<readonly StoredSnapshot[]> {
    const names = await this.#names();
    return names.map((file) => ({ id: file, read: () => readFile(join(this.#dir, file), 'utf8') }));
  }

  /** Our snapshot files, newest first. */
  async #names(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.#dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries.filter((f) => this.#pattern.test(f)).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  }

  /** Drops all but the newest `keep` snapshots, and temporary files a crash left behind. */
  async #prune(keep: number): Promise<void> {
    const names = await this.#names();
    for (const file of names.slice(keep)) await rm(join(this.#dir, file), { force: true });
    const prefix = `.${this.#name}-`;
    for (const file of await readdir(this.#dir)) {
      if (!file.startsWith(prefix) || !file.endsWith('.snap.tmp')) continue;
      const path = join(this.#dir, file);
      const info = await stat(path).catch(() => undefined);
      if (info !== undefined && Date.now() - info.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true });
    }
  }
}

/** Makes a rename durable: fsync the directory (not possible on every platform; then skipped). */
async function syncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open a directory for fsync; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

function configError(field: string, message: string): SwitchyardError {
  return new SwitchyardError('config', `FileSnapshotSink: ${field}: ${message}`, { retryable: false });
}
