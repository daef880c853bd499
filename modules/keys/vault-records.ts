import { SwitchyardError } from '../../index.js';
import type { KeyRecord, VaultFile } from './format.js';
import type { KeyInfo } from './vault-types.js';

/** The message of a record whose ciphertext does not authenticate. */
export function failedAuth(id: string): string {
  return `key vault: record '${id}' failed authentication: its ciphertext, tag, IV or AAD was altered, or it was sealed under another master key`;
}

/** Refuses a secret that is not a non-empty string of at most 8192 characters. */
export function checkSecret(secret: unknown): void {
  if (typeof secret !== 'string' || secret.length === 0 || secret.length > 8192) {
    throw new SwitchyardError(
      'invalid_request',
      'key vault: secret must be a non-empty string of at most 8192 characters',
    );
  }
}

/** The record without its key material. */
export function strip(record: KeyRecord): Omit<KeyRecord, 'dataKey' | 'secret'> {
  const { dataKey: _k, secret: _s, ...rest } = record;
  return rest;
}

/** What the vault tells of a record. */
export function info(record: KeyRecord): KeyInfo {
  return {
    id: record.id,
    provider: record.provider,
    ...(record.label === undefined ? {} : { label: record.label }),
    status: record.status,
    ...(record.statusReason === undefined ? {} : { statusReason: record.statusReason }),
    revision: record.revision,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** The vault file as written to disk. */
export function serialise(file: VaultFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
