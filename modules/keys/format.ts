import { SwitchyardError } from '../../index.js';
import { isSealed, type Sealed } from './gcm.js';
import type { KdfRecord } from './master-key.js';

/** The `format` field of a vault file. */
export const VAULT_FORMAT = 'switchyard-key-vault';
/** The newest vault file and record version this library reads and writes. */
export const VAULT_VERSION = 1;

/** Whether a key serves (`active`), is held back (`disabled`) or is gone for good (`revoked`, its ciphertext erased). */
export type KeyStatus = 'active' | 'disabled' | 'revoked';

/** One stored key, as written to the file. */
export interface KeyRecord {
  readonly id: string;
  /** Record format version; bound into the AAD. */
  readonly version: number;
  /** Increases with every rotation of the key; bound into the AAD. */
  readonly revision: number;
  readonly provider: string;
  readonly label?: string;
  readonly status: KeyStatus;
  readonly statusReason?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The record's data key, wrapped (AES-256-GCM) by the master key. Absent once revoked. */
  readonly dataKey?: Sealed;
  /** The API key, encrypted (AES-256-GCM) by the data key. Absent once revoked. */
  readonly secret?: Sealed;
}

/** A vault file. */
export interface VaultFile {
  readonly format: typeof VAULT_FORMAT;
  readonly version: number;
  /** How the master key is derived (scrypt salt and cost for a passphrase). */
  readonly master: KdfRecord;
  /** A known value sealed by the master key, so a wrong master key is told apart from tampering. */
  readonly check: Sealed;
  readonly records: readonly KeyRecord[];
}

/** AAD of the master-key check value. */
export const CHECK_AAD = `${VAULT_FORMAT}/check`;
/** Plaintext of the master-key check value. */
export const CHECK_TEXT = 'switchyard-key-vault master key check';

/** The AAD binding a record's wrapped data key to its id, format version and revision. */
export function dataKeyAad(record: Pick<KeyRecord, 'id' | 'version' | 'revision'>): string {
  return JSON.stringify([VAULT_FORMAT, 'data-key', record.id, record.version, record.revision]);
}

/** The AAD binding a record's encrypted secret to its id, format version and revision. */
export function secretAad(record: Pick<KeyRecord, 'id' | 'version' | 'revision'>): string {
  return JSON.stringify([VAULT_FORMAT, 'secret', record.id, record.version, record.revision]);
}

/**
 * Parses a vault file's text. Something that is not a vault, a vault from a newer version, or a
 * malformed record is a `config` error naming the file (never quoting its content).
 */
export function parseVaultFile(text: string, path: string): VaultFile {
  const notOurs = (): SwitchyardError =>
    new SwitchyardError('config', `key vault: '${path}' is not a Switchyard key vault`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw notOurs();
  }
  if (
    value === null ||
    typeof value !== 'object' ||
    (value as { format?: unknown }).format !== VAULT_FORMAT
  ) {
    throw notOurs();
  }
  const file = value as Record<string, unknown>;
  checkVersion(file.version, `'${path}'`);
  const master = file.master as KdfRecord | undefined;
  if (
    !master ||
    (master.kdf !== 'none' && master.kdf !== 'scrypt') ||
    !isSealed(file.check) ||
    !Array.isArray(file.records)
  ) {
    throw new SwitchyardError('config', `key vault: '${path}' is damaged (master, check or records missing)`);
  }
  const ids = new Set<string>();
  for (const [index, record] of (file.records as unknown[]).entries()) {
    const r = record as Partial<KeyRecord> | null;
    const where = `record ${index + 1} of '${path}'`;
    if (r === null || typeof r !== 'object' || typeof r.id !== 'string' || r.id === '') {
      throw new SwitchyardError('config', `key vault: ${where} has no id`);
    }
    checkVersion(r.version, `record '${r.id}' of '${path}'`);
    const ok =
      Number.isInteger(r.revision) &&
      typeof r.provider === 'string' &&
      (r.status === 'active' || r.status === 'disabled' || r.status === 'revoked') &&
      (r.status === 'revoked' || (isSealed(r.dataKey) && isSealed(r.secret)));
    if (!ok) throw new SwitchyardError('config', `key vault: record '${r.id}' of '${path}' is damaged`);
    if (ids.has(r.id))
      throw new SwitchyardError('config', `key vault: record '${r.id}' appears twice in '${path}'`);
    ids.add(r.id);
  }
  return value as VaultFile;
}

function checkVersion(version: unknown, what: string): void {
  if (!Number.isInteger(version) || (version as number) < 1) {
    throw new SwitchyardError('config', `key vault: ${what} has no valid format version`);
  }
  if ((version as number) > VAULT_VERSION) {
    throw new SwitchyardError(
      'config',
      `key vault: ${what} has format version ${String(version)}; this version of switchyard-llm reads up to ${VAULT_VERSION} (upgrade it)`,
    );
  }
}
