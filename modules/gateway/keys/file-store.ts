import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { SwitchyardError } from '../../../index.js';
import { MemoryKeyStore } from './memory-store.js';
import { checkRecord } from './records.js';
import type { KeyRecord, KeyStore } from './types.js';

/** The file's format: `{ "version": 1, "keys": [KeyRecord, …] }`. */
interface KeyFile {
  readonly version: 1;
  readonly keys: readonly KeyRecord[];
}

/**
 * A {@link KeyStore} in a JSON file, for one gateway process (and the `keys` CLI). It holds
 * hashes only, never a secret. Every change rewrites the file atomically — a temporary file in
 * the same directory, flushed to disk, then renamed over the old one — with mode 0600, so a
 * crash leaves the old or the new file, never half of one. Reads are served from memory;
 * {@link FileKeyStore.reload} picks up changes another process made (e.g. on SIGHUP).
 *
 * @throws {SwitchyardError} `config` when the file exists but is not a valid key file (naming
 *   the bad field); a missing file is an empty store, created on the first change.
 */
export class FileKeyStore implements KeyStore {
  /** The file's path. */
  readonly path: string;
  #memory = new MemoryKeyStore();

  constructor(path: string) {
    if (typeof path !== 'string' || path === '') {
      throw new SwitchyardError('config', 'FileKeyStore: path: expected a file path');
    }
    this.path = path;
    this.reload();
  }

  /** Reads the file again (a missing file: no keys). */
  reload(): void {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.#memory = new MemoryKeyStore();
        return;
      }
      throw error;
    }
    this.#memory = new MemoryKeyStore(parseKeyFile(text, this.path));
  }

  get(id: string): KeyRecord | undefined {
    return this.#memory.get(id);
  }

  findByHash(hash: string): KeyRecord | undefined {
    return this.#memory.findByHash(hash);
  }

  list(): readonly KeyRecord[] {
    return this.#memory.list();
  }

  put(record: KeyRecord): void {
    const next = new MemoryKeyStore(this.#memory.list());
    next.put(record);
    writeAtomically(
      this.path,
      `${JSON.stringify({ version: 1, keys: next.list() } satisfies KeyFile, null, 2)}\n`,
    );
    this.#memory = next;
  }
}

function parseKeyFile(text: string, path: string): KeyRecord[] {
  const bad = (what: string): never => {
    throw new SwitchyardError('config', `FileKeyStore: ${path}: ${what}`);
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return bad('not valid JSON');
  }
  if (typeof data !== 'object' || data === null || (data as { version?: unknown }).version !== 1) {
    return bad('version: expected 1');
  }
  const keys = (data as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) return bad('keys: expected an array');
  return keys.map((k: unknown, i) => {
    const problem = checkRecord(k);
    if (problem !== undefined) bad(`keys[${i}].${problem}`);
    return k as KeyRecord;
  });
}

let tmpCounter = 0;

/** Writes `text` to `path` through a temporary file and a rename, mode 0600, flushed. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${++tmpCounter}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(tmp);
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (error) {
    unlinkSync(tmp);
    throw error;
  }
}
