import { SwitchyardError } from '../../index.js';
import { checkMasterKey, openRecord } from './envelope.js';
import { parseVaultFile, type VaultFile } from './format.js';
import { conflict, MAX_ATTEMPTS, type VaultDocument, type VaultStorage } from './storage.js';
import { serialise } from './vault-records.js';

/**
 * A {@link KeyVault}'s copy of its stored document: the vault file as last read or written, and
 * the version it was read at. Changes are written whole with a compare-and-set on that version;
 * when another process wrote first, the stored document is re-read, authenticated and the change
 * built again on it, so concurrent writers never lose a change. Tasks run one at a time, in order.
 */
export class StoredVault {
  /** The storage's name (a path, `redis:<key>`), for messages. */
  readonly name: string;
  readonly #storage: VaultStorage;
  readonly #masterKey: () => Buffer;
  readonly #onRefresh: () => void;
  #file: VaultFile;
  #version: string | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * @param masterKey the master key in use now (it changes when the vault is re-keyed)
   * @param onRefresh called after a newer stored document replaced this copy
   */
  constructor(
    storage: VaultStorage,
    file: VaultFile,
    version: string,
    masterKey: () => Buffer,
    onRefresh: () => void,
  ) {
    this.name = storage.name;
    this.#storage = storage;
    this.#file = file;
    this.#version = version;
    this.#masterKey = masterKey;
    this.#onRefresh = onRefresh;
  }

  /** The vault file as last read or written. */
  get file(): VaultFile {
    return this.#file;
  }

  /**
   * Writes the file `build` makes from the current one and keeps it. When another process wrote
   * first, the stored file is re-read and `build` runs again on it (its change re-applied, not
   * lost); a `build` that throws on this copy runs once more if the stored file had changed.
   */
  async commit(build: (current: VaultFile) => VaultFile): Promise<VaultFile> {
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      let file: VaultFile;
      try {
        file = build(this.#file);
      } catch (error) {
        // Refused on this copy (e.g. a key another process added is unknown here): if the
        // stored vault changed, try once more on the current one.
        if (refreshed || !(await this.refresh())) throw error;
        refreshed = true;
        attempt--;
        continue;
      }
      const version = await this.#storage.write(serialise(file), this.#version);
      if (typeof version === 'string') {
        this.#version = version;
        this.#file = file;
        return file;
      }
      if (attempt >= MAX_ATTEMPTS) throw conflict(this.name);
      await this.refresh(version.current);
      refreshed = true;
    }
  }

  /**
   * Re-reads the stored document (or takes `current`, already read) and, if it changed,
   * authenticates it under the master key in use and keeps it: resolves `true`. A `config` error
   * if it is gone, was re-keyed elsewhere, or a record fails authentication.
   */
  async refresh(current?: VaultDocument): Promise<boolean> {
    const doc = current ?? (await this.#storage.read());
    if (doc === undefined) {
      throw new SwitchyardError('config', `key vault: '${this.name}' no longer exists`);
    }
    if (doc.version === this.#version) return false;
    const file = parseVaultFile(doc.text, this.name);
    try {
      checkMasterKey(this.#masterKey(), file, this.name);
    } catch {
      throw new SwitchyardError(
        'config',
        `key vault: '${this.name}' was re-keyed by another process (master key rotation); reopen it with the new master key`,
      );
    }
    this.authenticate(file, this.#file);
    this.#file = file;
    this.#version = doc.version;
    this.#onRefresh();
    return true;
  }

  /** Checks the master key and decrypts every live record of `file` (only those not already in `known`). */
  authenticate(file: VaultFile, known?: VaultFile): void {
    const key = this.#masterKey();
    checkMasterKey(key, file, this.name);
    const seen = new Set(known?.records.map((r) => JSON.stringify(r)));
    for (const record of file.records)
      if (record.status !== 'revoked' && !seen.has(JSON.stringify(record))) openRecord(record, key).fill(0);
  }

  /** Runs `task` after every task queued before it (whether they failed or not). */
  enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every task queued so far has finished. */
  async settled(): Promise<void> {
    await this.#queue;
  }
}
