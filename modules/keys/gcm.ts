import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SwitchyardError } from '../../index.js';

/** AES-256-GCM parameters: a 256-bit key, a 96-bit IV, a 128-bit tag. */
export const KEY_BYTES = 32;
/** IV length in bytes (96 bits, the size GCM is designed for). */
export const IV_BYTES = 12;
/** Authentication tag length in bytes (128 bits; shorter tags are refused). */
export const TAG_BYTES = 16;

/** One AES-256-GCM ciphertext as stored: base64 IV, ciphertext and tag. */
export interface Sealed {
  readonly iv: string;
  readonly ct: string;
  readonly tag: string;
}

/** Encrypts with AES-256-GCM under a given IV (for known-answer tests; {@link seal} picks the IV). */
export function aes256GcmEncrypt(
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): { ciphertext: Buffer; tag: Buffer } {
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

/**
 * Decrypts AES-256-GCM and checks the full 128-bit tag. Throws (the caller turns it into a clear
 * error) when the key, IV, ciphertext, tag or AAD do not match: never returns unauthenticated bytes.
 */
export function aes256GcmDecrypt(
  key: Uint8Array,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad: Uint8Array,
): Buffer {
  if (key.length !== KEY_BYTES) throw new Error('key must be 32 bytes');
  if (iv.length !== IV_BYTES) throw new Error('IV must be 12 bytes');
  if (tag.length !== TAG_BYTES) throw new Error('tag must be 16 bytes');
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** Source of random bytes (injectable for tests). */
export type RandomBytes = (size: number) => Uint8Array;

/** Encrypts `plaintext` under `key` with a fresh random IV, binding `aad`. */
export function seal(
  key: Uint8Array,
  plaintext: Uint8Array,
  aad: string,
  random: RandomBytes = randomBytes,
): Sealed {
  const iv = Buffer.from(random(IV_BYTES));
  const { ciphertext, tag } = aes256GcmEncrypt(key, iv, plaintext, Buffer.from(aad));
  return { iv: iv.toString('base64'), ct: ciphertext.toString('base64'), tag: tag.toString('base64') };
}

/**
 * Decrypts a {@link Sealed} value. Any mismatch (altered ciphertext, tag, IV or AAD, or another
 * key) is a `config` error whose message is `failure`; the plaintext is never returned unchecked.
 */
export function unseal(key: Uint8Array, sealed: Sealed, aad: string, failure: string): Buffer {
  try {
    return aes256GcmDecrypt(
      key,
      strictBase64(sealed.iv),
      strictBase64(sealed.ct),
      strictBase64(sealed.tag),
      Buffer.from(aad),
    );
  } catch {
    throw new SwitchyardError('config', failure);
  }
}

/** Whether a value has the shape of a {@link Sealed}. */
export function isSealed(value: unknown): value is Sealed {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.iv === 'string' && typeof v.ct === 'string' && typeof v.tag === 'string';
}

/** Decodes base64, refusing characters Node's decoder would silently skip. */
function strictBase64(text: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new Error('not base64');
  return Buffer.from(text, 'base64');
}
