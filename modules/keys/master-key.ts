import { randomBytes, scrypt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SwitchyardError } from '../../index.js';
import { KEY_BYTES, type RandomBytes } from './gcm.js';

/** scrypt cost parameters (RFC 7914). */
export interface ScryptParams {
  /** CPU/memory cost, a power of two ≥ 2^10. @default 32768 (2^15) */
  readonly N?: number;
  /** Block size. @default 8 */
  readonly r?: number;
  /** Parallelism. @default 1 */
  readonly p?: number;
}

/**
 * Where the master key comes from: a 32-byte key (64 hex characters or base64) in an environment
 * variable or a file, the raw bytes, or a passphrase stretched with scrypt (its salt and cost are
 * stored in the vault file, so the same passphrase opens it again).
 */
export type MasterKeySource =
  | { readonly env: string }
  | { readonly file: string }
  | { readonly key: Uint8Array }
  | { readonly passphrase: string; readonly scrypt?: ScryptParams };

/** How the vault's master key is derived, as stored in the vault file. */
export type KdfRecord =
  | { readonly kdf: 'none' }
  | {
      readonly kdf: 'scrypt';
      readonly salt: string;
      readonly N: number;
      readonly r: number;
      readonly p: number;
    };

const DEFAULT_SCRYPT = { N: 32_768, r: 8, p: 1 };

/** A master key and the KDF record that goes with it. */
export interface ResolvedMasterKey {
  readonly key: Buffer;
  readonly kdf: KdfRecord;
}

/**
 * Resolves a {@link MasterKeySource}. For a passphrase, `stored` is the vault's KDF record (its
 * salt and cost) when the vault exists; a new salt is drawn otherwise. Errors are `config` errors
 * naming the field, never the key.
 */
export async function resolveMasterKey(
  source: MasterKeySource,
  stored: KdfRecord | undefined,
  random: RandomBytes = randomBytes,
): Promise<ResolvedMasterKey> {
  if (source === null || typeof source !== 'object') {
    throw new SwitchyardError(
      'config',
      'key vault: options.masterKey must be { env }, { file }, { key } or { passphrase }',
    );
  }
  if ('passphrase' in source) return fromPassphrase(source.passphrase, source.scrypt, stored, random);
  if (stored?.kdf === 'scrypt') {
    throw new SwitchyardError(
      'config',
      'key vault: this vault was created from a passphrase: pass options.masterKey.passphrase',
    );
  }
  if ('env' in source) {
    if (typeof source.env !== 'string' || source.env === '') {
      throw new SwitchyardError(
        'config',
        'key vault: options.masterKey.env must name an environment variable',
      );
    }
    const value = process.env[source.env];
    if (value === undefined || value.trim() === '') {
      throw new SwitchyardError(
        'config',
        `key vault: environment variable ${source.env} (options.masterKey.env) is not set`,
      );
    }
    return { key: decodeKey(value, `environment variable ${source.env}`), kdf: { kdf: 'none' } };
  }
  if ('file' in source) {
    if (typeof source.file !== 'string' || source.file === '') {
      throw new SwitchyardError('config', 'key vault: options.masterKey.file must be a file path');
    }
    let text: string;
    try {
      text = await readFile(source.file, 'utf8');
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable';
      throw new SwitchyardError(
        'config',
        `key vault: cannot read the master key file '${source.file}' (${code})`,
      );
    }
    return { key: decodeKey(text, `the master key file '${source.file}'`), kdf: { kdf: 'none' } };
  }
  if ('key' in source) {
    if (!(source.key instanceof Uint8Array) || source.key.length !== KEY_BYTES) {
      throw new SwitchyardError('config', 'key vault: options.masterKey.key must be 32 bytes');
    }
    return { key: Buffer.from(source.key), kdf: { kdf: 'none' } };
  }
  throw new SwitchyardError(
    'config',
    'key vault: options.masterKey must be { env }, { file }, { key } or { passphrase }',
  );
}

/** A 32-byte key from 64 hex characters or base64 (surrounding whitespace ignored). */
function decodeKey(text: string, where: string): Buffer {
  const value = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/]{43}=$/.test(value)
      ? Buffer.from(value, 'base64')
      : undefined;
  if (key?.length !== KEY_BYTES) {
    throw new SwitchyardError(
      'config',
      `key vault: ${where} must hold a 32-byte key as 64 hex characters or base64`,
    );
  }
  return key;
}

async function fromPassphrase(
  passphrase: string,
  params: ScryptParams | undefined,
  stored: KdfRecord | undefined,
  random: RandomBytes,
): Promise<ResolvedMasterKey> {
  if (typeof passphrase !== 'string' || passphrase.length < 8) {
    throw new SwitchyardError(
      'config',
      'key vault: options.masterKey.passphrase must be a string of at least 8 characters',
    );
  }
  if (stored?.kdf === 'none') {
    throw new SwitchyardError(
      'config',
      'key vault: this vault was created with a raw master key, not a passphrase',
    );
  }
  const kdf: KdfRecord = stored ?? {
    kdf: 'scrypt',
    salt: Buffer.from(random(16)).toString('base64'),
    N: params?.N ?? DEFAULT_SCRYPT.N,
    r: params?.r ?? DEFAULT_SCRYPT.r,
    p: params?.p ?? DEFAULT_SCRYPT.p,
  };
  checkScrypt(kdf as Extract<KdfRecord, { kdf: 'scrypt' }>);
  const { salt, N, r, p } = kdf as Extract<KdfRecord, { kdf: 'scrypt' }>;
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(
      passphrase,
      Buffer.from(salt, 'base64'),
      KEY_BYTES,
      { N, r, p, maxmem: 256 * N * r + 1024 * 1024 },
      (e, k) => (e ? reject(e) : resolve(k)),
    ),
  );
  return { key, kdf };
}

function checkScrypt(kdf: { N: number; r: number; p: number; salt: string }): void {
  const { N, r, p } = kdf;
  const powerOfTwo = Number.isInteger(N) && N >= 1024 && N <= 2 ** 20 && (N & (N - 1)) === 0;
  if (!powerOfTwo)
    throw new SwitchyardError('config', 'key vault: scrypt N must be a power of two from 2^10 to 2^20');
  if (!(Number.isInteger(r) && r >= 1 && r <= 32))
    throw new SwitchyardError('config', 'key vault: scrypt r must be 1..32');
  if (!(Number.isInteger(p) && p >= 1 && p <= 16))
    throw new SwitchyardError('config', 'key vault: scrypt p must be 1..16');
  if (typeof kdf.salt !== 'string' || Buffer.from(kdf.salt, 'base64').length < 16) {
    throw new SwitchyardError('config', 'key vault: scrypt salt must be at least 16 bytes');
  }
}
