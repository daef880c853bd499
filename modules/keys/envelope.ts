import { timingSafeEqual } from 'node:crypto';
import { SwitchyardError } from '../../index.js';
import { CHECK_AAD, CHECK_TEXT, dataKeyAad, type KeyRecord, secretAad, type VaultFile } from './format.js';
import { KEY_BYTES, type RandomBytes, seal, unseal } from './gcm.js';
import { failedAuth } from './vault-records.js';

/**
 * The vault's envelope encryption of one record: the secret under a fresh random data key, the
 * data key under the master key, each bound by its AAD to the record's id, version and revision.
 */
export function sealRecord(
  master: Buffer,
  random: RandomBytes,
  fields: Omit<KeyRecord, 'dataKey' | 'secret' | 'label'>,
  secret: string,
  label: string | undefined,
): KeyRecord {
  const dataKey = Buffer.from(random(KEY_BYTES));
  try {
    return {
      ...fields,
      ...(label === undefined ? {} : { label }),
      dataKey: seal(master, dataKey, dataKeyAad(fields), random),
      secret: seal(dataKey, Buffer.from(secret, 'utf8'), secretAad(fields), random),
    };
  } finally {
    dataKey.fill(0);
  }
}

/** The secret of `record` (the caller zeroes the buffer when done); a `config` error naming the record when it does not open. */
export function openRecord(record: KeyRecord, master: Buffer): Buffer {
  if (record.dataKey === undefined || record.secret === undefined) {
    throw new SwitchyardError('config', `key vault: record '${record.id}' has no ciphertext`);
  }
  const dataKey = unseal(master, record.dataKey, dataKeyAad(record), failedAuth(record.id));
  try {
    return unseal(dataKey, record.secret, secretAad(record), failedAuth(record.id));
  } finally {
    dataKey.fill(0);
  }
}

/** Checks that `key` is the master key of `file` (its sealed check value), naming the vault `path` when not. */
export function checkMasterKey(key: Buffer, file: VaultFile, path: string): void {
  let plain: Buffer;
  try {
    plain = unseal(key, file.check, CHECK_AAD, 'wrong master key');
  } catch {
    throw new SwitchyardError(
      'config',
      `key vault: the master key does not open '${path}' (wrong key or passphrase, or the check value was altered)`,
    );
  }
  const expected = Buffer.from(CHECK_TEXT);
  if (plain.length !== expected.length || !timingSafeEqual(plain, expected)) {
    throw new SwitchyardError('config', `key vault: '${path}' has an invalid master key check value`);
  }
}
