import type { AuditSink } from '../audit/index.js';
import type { KeyStatus } from './format.js';
import type { RandomBytes } from './gcm.js';
import type { MasterKeySource } from './master-key.js';
import type { VaultStorage } from './storage.js';

/** Options of {@link KeyVault.open}. */
export interface KeyVaultOptions {
  /** The vault file (JSON, mode 0600, replaced atomically on every change). Or give `storage`. */
  readonly path?: string;
  /**
   * Where to keep the vault instead of a file, e.g. {@link redisVaultStorage} to share it
   * between processes. Give `path` or `storage`, not both.
   */
  readonly storage?: VaultStorage;
  /** Where the master key comes from. */
  readonly masterKey: MasterKeySource;
  /** Create the file when it does not exist. @default true */
  readonly create?: boolean;
  /** An audit log (`switchyard-llm/audit`) that receives every vault event. */
  readonly audit?: AuditSink;
  /** Where the vault's own failures go (an audit log that cannot write, a listener that throws). */
  readonly onError?: (error: unknown) => void;
  /** Wall-clock time in ms. @default Date.now */
  readonly now?: () => number;
  /** Random bytes (IVs, data keys, ids, salts). @default crypto.randomBytes */
  readonly randomBytes?: RandomBytes;
}

/** A stored key as listed: everything but the secret. */
export interface KeyInfo {
  readonly id: string;
  readonly provider: string;
  readonly label?: string;
  readonly status: KeyStatus;
  readonly statusReason?: string;
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Vault events; the same names are written to the audit log. Never carry a secret. */
export interface VaultEvent {
  readonly type:
    | 'key.added'
    | 'key.rotated'
    | 'key.disabled'
    | 'key.enabled'
    | 'key.revoked'
    | 'master_key.rotated';
  readonly keyId?: string;
  readonly provider?: string;
  readonly revision?: number;
  readonly reason?: string;
  /** `master_key.rotated`: how many records were re-wrapped. */
  readonly records?: number;
}
