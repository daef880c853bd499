import { randomBytes } from 'node:crypto';
import { SwitchyardError } from '../../index.js';
import { type AuditSink, isThenable } from '../audit/index.js';
import { openRecord, sealRecord } from './envelope.js';
import {
  CHECK_AAD,
  CHECK_TEXT,
  dataKeyAad,
  type KeyRecord,
  type KeyStatus,
  parseVaultFile,
  VAULT_FORMAT,
  VAULT_VERSION,
  type VaultFile,
} from './format.js';
import { type RandomBytes, seal, unseal } from './gcm.js';
import { KeySet, type KeySetOptions } from './key-set.js';
import { type MasterKeySource, type ResolvedMasterKey, resolveMasterKey } from './master-key.js';
import { conflict, MAX_ATTEMPTS, storageOf, type VaultStorage } from './storage.js';
import { StoredVault } from './stored-vault.js';
import { checkSecret, failedAuth, info, serialise, strip } from './vault-records.js';
import type { KeyInfo, KeyVaultOptions, VaultEvent } from './vault-types.js';

/**
 * An encrypted store of provider API keys. Each key is encrypted with AES-256-GCM under its own
 * random data key, which is wrapped by the master key (envelope encryption); the AAD binds each
 * ciphertext to its record id, format version and revision, so ciphertexts cannot be swapped
 * between records. {@link rotateMasterKey} re-wraps every data key under a new master key while
 * the vault keeps serving. Changes are written atomically: to a file by default (temp file +
 * rename, mode 0600), or to a {@link VaultStorage} such as {@link redisVaultStorage}, with a
 * compare-and-set so that vaults in several processes sharing one storage never lose a change.
 *
 * Every failure to decrypt is a `config` error that names the record, never the key.
 */
export class KeyVault {
  /** Where the vault lives: the file path, or the storage's name (`redis:<key>`). */
  readonly path: string;
  readonly #stored: StoredVault;
  readonly #audit: AuditSink | undefined;
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #now: () => number;
  readonly #random: RandomBytes;
  readonly #listeners = new Set<(event: VaultEvent) => void>();
  readonly #sets = new Map<KeySet, { provider: string }>();
  #master: ResolvedMasterKey;

  private constructor(
    options: KeyVaultOptions,
    storage: VaultStorage,
    master: ResolvedMasterKey,
    file: VaultFile,
    version: string,
  ) {
    this.path = storage.name;
    this.#audit = options.audit;
    this.#onError = options.onError;
    this.#now = options.now ?? Date.now;
    this.#random = options.randomBytes ?? randomBytes;
    this.#master = master;
    this.#stored = new StoredVault(
      storage,
      file,
      version,
      () => this.#master.key,
      () => this.#syncSets(),
    );
  }

  /** The vault file as last read or written. */
  get #file(): VaultFile {
    return this.#stored.file;
  }

  /**
   * Opens a vault (or creates it) in `options.path` or `options.storage`. Throws a `config` error
   * when the stored document is not a vault, is from a newer version, the master key does not
   * open it, or a record fails authentication.
   */
  static async open(options: KeyVaultOptions): Promise<KeyVault> {
    const storage = storageOf(options);
    const random = options.randomBytes ?? randomBytes;
    for (let attempt = 1; ; attempt++) {
      const doc = await storage.read();
      if (doc === undefined) {
        if (options.create === false) {
          throw new SwitchyardError(
            'config',
            `key vault: '${storage.name}' does not exist (options.create is false)`,
          );
        }
        const master = await resolveMasterKey(options.masterKey, undefined, random);
        const file: VaultFile = {
          format: VAULT_FORMAT,
          version: VAULT_VERSION,
          master: master.kdf,
          check: seal(master.key, Buffer.from(CHECK_TEXT), CHECK_AAD, random),
          records: [],
        };
        const version = await storage.write(serialise(file), undefined);
        // Another process created it first: open theirs.
        if (typeof version !== 'string' && attempt < MAX_ATTEMPTS) continue;
        if (typeof version !== 'string') throw conflict(storage.name);
        return new KeyVault(options, storage, master, file, version);
      }
      const file = parseVaultFile(doc.text, storage.name);
      const master = await resolveMasterKey(options.masterKey, file.master, random);
      const vault = new KeyVault(options, storage, master, file, doc.version);
      // Authenticate every record now: a tampered vault fails at start, not at the first call.
      vault.#stored.authenticate(file);
      return vault;
    }
  }

  /**
   * Re-reads the stored vault, to see changes other processes made (a change made here re-reads
   * it by itself when another process wrote first). A `config` error if the vault was re-keyed
   * elsewhere (reopen it with the new master key) or no longer authenticates.
   */
  reload(): Promise<void> {
    return this.#stored.enqueue(async () => {
      await this.#stored.refresh();
    });
  }

  /** Every stored key (or those of one provider), without secrets. */
  list(provider?: string): KeyInfo[] {
    return this.#file.records.filter((r) => provider === undefined || r.provider === provider).map(info);
  }

  /** One key's information, without the secret. */
  get(id: string): KeyInfo {
    return info(this.#record(id));
  }

  /** Decrypts one key. A disabled key can still be revealed; a revoked one cannot. */
  reveal(id: string): string {
    const record = this.#record(id);
    if (record.status === 'revoked')
      throw new SwitchyardError('invalid_request', `key vault: key '${id}' is revoked`);
    return openRecord(record, this.#master.key).toString('utf8');
  }

  /** Stores a new key for `provider`; returns its information (with its new id). */
  add(input: { provider: string; secret: string; label?: string; id?: string }): Promise<KeyInfo> {
    return this.#mutate(() => {
      if (typeof input?.provider !== 'string' || !/^[\w.:-]{1,64}$/.test(input.provider)) {
        throw new SwitchyardError(
          'invalid_request',
          'key vault: provider must be 1-64 letters, digits or . _ : -',
        );
      }
      checkSecret(input.secret);
      const id = input.id ?? `${input.provider}-${Buffer.from(this.#random(6)).toString('hex')}`;
      if (!/^[\w.:-]{1,100}$/.test(id))
        throw new SwitchyardError(
          'invalid_request',
          'key vault: id must be 1-100 letters, digits or . _ : -',
        );
      if (this.#file.records.some((r) => r.id === id)) {
        throw new SwitchyardError('invalid_request', `key vault: a key '${id}' already exists`);
      }
      const at = new Date(this.#now()).toISOString();
      const record = sealRecord(
        this.#master.key,
        this.#random,
        {
          id,
          version: VAULT_VERSION,
          revision: 1,
          provider: input.provider,
          status: 'active',
          createdAt: at,
          updatedAt: at,
        },
        input.secret,
        input.label,
      );
      return {
        records: [...this.#file.records, record],
        result: info(record),
        event: { type: 'key.added', keyId: id, provider: input.provider, revision: 1 },
      };
    });
  }

  /** Replaces a key's secret (a new data key, the revision + 1); the key becomes active. */
  rotate(id: string, secret: string): Promise<KeyInfo> {
    return this.#mutate(() => {
      checkSecret(secret);
      const old = this.#record(id);
      if (old.status === 'revoked')
        throw new SwitchyardError('invalid_request', `key vault: key '${id}' is revoked`);
      const { statusReason: _reason, ...kept } = strip(old);
      const record = sealRecord(
        this.#master.key,
        this.#random,
        {
          ...kept,
          revision: old.revision + 1,
          status: 'active',
          updatedAt: new Date(this.#now()).toISOString(),
        },
        secret,
        old.label,
      );
      return {
        records: this.#file.records.map((r) => (r.id === id ? record : r)),
        result: info(record),
        event: { type: 'key.rotated', keyId: id, provider: record.provider, revision: record.revision },
      };
    });
  }

  /** Takes a key out of service (kept encrypted; {@link enable} brings it back). */
  disable(id: string, reason = 'manual'): Promise<KeyInfo> {
    return this.#setStatus(id, 'disabled', reason, 'key.disabled');
  }

  /** Puts a disabled key back into service. */
  enable(id: string): Promise<KeyInfo> {
    return this.#setStatus(id, 'active', undefined, 'key.enabled');
  }

  /** Revokes a key for good: its data key and ciphertext are erased from the file. */
  revoke(id: string, reason = 'manual'): Promise<KeyInfo> {
    return this.#setStatus(id, 'revoked', reason, 'key.revoked');
  }

  /**
   * Re-wraps every record's data key under a new master key (the secrets' ciphertexts stay) and
   * replaces the file atomically. The vault and its key sets keep serving throughout; if the write
   * fails, the old master key stays in use.
   */
  rotateMasterKey(source: MasterKeySource): Promise<void> {
    return this.#stored.enqueue(async () => {
      const next = await resolveMasterKey(source, undefined, this.#random);
      const file = await this.#stored.commit((current) => ({
        ...current,
        master: next.kdf,
        check: seal(next.key, Buffer.from(CHECK_TEXT), CHECK_AAD, this.#random),
        records: current.records.map((record) => {
          if (record.dataKey === undefined) return record;
          const aad = dataKeyAad(record);
          const dataKey = unseal(this.#master.key, record.dataKey, aad, failedAuth(record.id));
          try {
            return { ...record, dataKey: seal(next.key, dataKey, aad, this.#random) };
          } finally {
            dataKey.fill(0);
          }
        }),
      }));
      const records = file.records;
      const old = this.#master.key;
      this.#master = next;
      old.fill(0);
      this.#emit({
        type: 'master_key.rotated',
        records: records.filter((r) => r.dataKey !== undefined).length,
      });
    });
  }

  /**
   * A {@link KeySet} of the provider's active keys, kept in step with the vault (additions,
   * rotations, disables, revocations). A key the set disables after a 401/403 is disabled in the
   * vault too (`reason: 'auth'`), which the audit log records.
   */
  keySet(provider: string, options: Omit<KeySetOptions, 'keys'> = {}): KeySet {
    const set = new KeySet({ name: provider, ...options, keys: this.#activeKeys(provider) });
    this.#sets.set(set, { provider });
    set.on('key:disabled', (e) => {
      this.disable(e.keyId, 'auth').catch((error: unknown) => this.#fail(error));
    });
    return set;
  }

  /** Stops keeping a key set in step. */
  releaseKeySet(set: KeySet): void {
    this.#sets.delete(set);
  }

  /** Resolves once every change queued so far (including disables from key sets) is written. */
  settled(): Promise<void> {
    return this.#stored.settled();
  }

  /** Subscribes to vault events. Returns a function that unsubscribes. */
  on(listener: (event: VaultEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A summary without secrets. */
  toJSON(): { path: string; keys: KeyInfo[] } {
    return { path: this.path, keys: this.list() };
  }

  #setStatus(
    id: string,
    status: KeyStatus,
    reason: string | undefined,
    type: VaultEvent['type'],
  ): Promise<KeyInfo> {
    return this.#mutate(() => {
      const old = this.#record(id);
      if (old.status === 'revoked')
        throw new SwitchyardError('invalid_request', `key vault: key '${id}' is revoked`);
      const base = { ...old, status, updatedAt: new Date(this.#now()).toISOString() };
      const { statusReason: _drop, ...rest } = base;
      const record: KeyRecord =
        status === 'revoked'
          ? { ...strip(rest), ...(reason ? { statusReason: reason } : {}) }
          : { ...rest, ...(reason ? { statusReason: reason } : {}) };
      return {
        records: this.#file.records.map((r) => (r.id === id ? record : r)),
        result: info(record),
        event: { type, keyId: id, provider: record.provider, ...(reason ? { reason } : {}) },
      };
    });
  }

  #mutate(change: () => { records: KeyRecord[]; result: KeyInfo; event: VaultEvent }): Promise<KeyInfo> {
    return this.#stored.enqueue(async () => {
      let done: ReturnType<typeof change> | undefined;
      await this.#stored.commit((current) => {
        done = change();
        return { ...current, records: done.records };
      });
      this.#syncSets();
      if (done === undefined) throw new Error('unreachable');
      this.#emit(done.event);
      return done.result;
    });
  }

  #record(id: string): KeyRecord {
    const record = this.#file.records.find((r) => r.id === id);
    if (record === undefined) throw new SwitchyardError('invalid_request', `key vault: no key '${id}'`);
    return record;
  }

  #activeKeys(provider: string): Array<{ id: string; secret: string }> {
    return this.#file.records
      .filter((r) => r.provider === provider && r.status === 'active')
      .map((r) => ({ id: r.id, secret: openRecord(r, this.#master.key).toString('utf8') }));
  }

  #syncSets(): void {
    for (const [set, { provider }] of this.#sets) {
      try {
        set.setKeys(this.#activeKeys(provider));
      } catch (error) {
        this.#fail(error);
      }
    }
  }

  #emit(event: VaultEvent): void {
    if (this.#audit) {
      try {
        const { type, ...data } = event;
        const written = this.#audit.record(type, data);
        if (isThenable(written)) written.then(undefined, (error: unknown) => this.#fail(error));
      } catch (error) {
        this.#fail(error);
      }
    }
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#fail(error);
      }
    }
  }

  #fail(error: unknown): void {
    try {
      this.#onError?.(error);
    } catch {
      // nowhere left to report
    }
  }
}
