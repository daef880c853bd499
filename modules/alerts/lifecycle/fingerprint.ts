import { createHash } from 'node:crypto';
import type { Labels } from '../types.js';

/**
 * Stable id of a rule's alert for one label set: the first 32 hex digits of SHA-256 over the
 * rule name and the labels sorted by name. The same rule and labels give the same fingerprint
 * in every process and release (PagerDuty's `dedup_key`; ≤ 255 characters).
 */
export function fingerprint(rule: string, labels: Labels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`);
  return createHash('sha256')
    .update([`rule=${rule}`, ...parts].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}
