import type { KeyRecord, KeyStore } from './types.js';

/**
 * A {@link KeyStore} in memory: for tests, and for keys created at start-up from a config. The
 * records are lost with the process (use {@link FileKeyStore} to keep them).
 */
export class MemoryKeyStore implements KeyStore {
  readonly #byId = new Map<string, KeyRecord>();
  readonly #byHash = new Map<string, string>();

  /** @param records keys to start with (e.g. loaded from elsewhere). */
  constructor(records: readonly KeyRecord[] = []) {
    for (const record of records) this.put(record);
  }

  get(id: string): KeyRecord | undefined {
    return this.#byId.get(id);
  }

  findByHash(hash: string): KeyRecord | undefined {
    const id = this.#byHash.get(hash);
    return id === undefined ? undefined : this.#byId.get(id);
  }

  list(): readonly KeyRecord[] {
    return [...this.#byId.values()];
  }

  put(record: KeyRecord): void {
    const old = this.#byId.get(record.id);
    if (old !== undefined) {
      this.#byHash.delete(old.hash);
      if (old.previous !== undefined) this.#byHash.delete(old.previous.hash);
    }
    this.#byId.set(record.id, record);
    this.#byHash.set(record.hash, record.id);
    if (record.previous !== undefined) this.#byHash.set(record.previous.hash, record.id);
  }
}
