import { SwitchyardError } from '../../index.js';
import { readIfExists, writeAtomic } from './file-store.js';
import type { KeyVaultOptions } from './vault-types.js';

/** One stored copy of the vault document and the version it was read at. */
export interface VaultDocument {
  /** The vault document (JSON). */
  readonly text: string;
  /** An opaque version: {@link VaultStorage.write} only replaces the document it was read at. */
  readonly version: string;
}

/**
 * Where a {@link KeyVault} keeps its document. The vault reads it once at open (and on
 * `reload()`), and replaces it whole on every change with a compare-and-set on the version, so
 * a storage shared by several processes never loses a change: on a conflict the vault re-reads
 * the document, re-applies its change and writes again.
 */
export interface VaultStorage {
  /** What to call the storage in messages (a path, `redis:<key>`). Never a secret. */
  readonly name: string;
  /** The current document, or `undefined` when none is stored yet. */
  read(): Promise<VaultDocument | undefined>;
  /**
   * Replaces the document if its version is still `expectedVersion` (`undefined`: nothing is
   * stored yet). Resolves with the new version, or a {@link VaultConflict} when another writer
   * changed it first.
   */
  write(text: string, expectedVersion: string | undefined): Promise<string | VaultConflict>;
}

/** {@link VaultStorage.write}'s answer when another writer changed the document first. */
export interface VaultConflict {
  readonly conflict: true;
  /** The document now stored, when the storage has it at hand (saves a read); else read it. */
  readonly current?: VaultDocument;
}

/**
 * The default storage: one JSON file, replaced atomically (temp file + rename, mode 0600). It
 * serves one process: it does not detect a second process writing the same file (use
 * {@link redisVaultStorage} to share a vault).
 */
export function fileVaultStorage(path: string): VaultStorage {
  return {
    name: path,
    async read() {
      const text = await readIfExists(path);
      return text === undefined ? undefined : { text, version: '' };
    },
    async write(text) {
      await writeAtomic(path, text);
      return '';
    },
  };
}

/** How many times a change is re-applied when other processes keep writing first. */
export const MAX_ATTEMPTS = 30;

/** The error of a change that lost the race to other writers every time. */
export function conflict(name: string): SwitchyardError {
  return new SwitchyardError(
    'server',
    `key vault: '${name}' kept changing under this write (${MAX_ATTEMPTS} attempts); try again`,
    { retryable: true },
  );
}

/** The storage `options` name: `options.storage`, or a file storage for `options.path`. */
export function storageOf(options: KeyVaultOptions): VaultStorage {
  if (options === null || typeof options !== 'object') {
    throw new SwitchyardError('config', 'key vault: options must be an object');
  }
  const { path, storage } = options;
  if (storage !== undefined) {
    if (path !== undefined) {
      throw new SwitchyardError('config', 'key vault: give options.path or options.storage, not both');
    }
    if (
      storage === null ||
      typeof storage !== 'object' ||
      typeof storage.name !== 'string' ||
      typeof storage.read !== 'function' ||
      typeof storage.write !== 'function'
    ) {
      throw new SwitchyardError(
        'config',
        'key vault: options.storage must be a VaultStorage (name, read() and write())',
      );
    }
    return storage;
  }
  if (typeof path !== 'string' || path === '') {
    throw new SwitchyardError('config', 'key vault: options.path must be a non-empty string');
  }
  return fileVaultStorage(path);
}
