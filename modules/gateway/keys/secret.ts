import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The prefix of every virtual key's secret. */
export const KEY_PREFIX = 'sk-sy-';

/** Random bytes: injectable for tests. */
export type RandomBytes = (size: number) => Buffer;

/** A new secret: `sk-sy-` and 256 random bits in base64url (43 characters). */
export function newSecret(random: RandomBytes = randomBytes): string {
  return KEY_PREFIX + random(32).toString('base64url');
}

/** A new public key id: `key_` and 96 random bits (not secret: it names the key). */
export function newKeyId(random: RandomBytes = randomBytes): string {
  return `key_${random(12).toString('base64url')}`;
}

/** SHA-256 of a secret, hex: what a store keeps. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether two hex hashes are equal, in time independent of where they differ. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  if (x.length !== 32 || y.length !== 32) return false; // not a SHA-256 hash: a corrupt record
  return timingSafeEqual(x, y);
}

/** What a list shows of a secret: its prefix and last four characters. */
export function secretHint(secret: string): string {
  return `${KEY_PREFIX}…${secret.slice(-4)}`;
}
