import { createHash } from 'node:crypto';
import type { AuditEntry } from './types.js';

/** The `prev` of the first entry of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** The SHA-256 (hex) of an entry: over its fields in a fixed order, whatever the line's key order. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const body = JSON.stringify({
    seq: entry.seq,
    at: entry.at,
    type: entry.type,
    data: entry.data,
    prev: entry.prev,
  });
  return createHash('sha256').update(body).digest('hex');
}
