import { readFileSync } from 'node:fs';
import { entryHash, GENESIS_HASH } from './chain.js';
import { AUDIT_EVENT_TYPES, type AuditEntry } from './types.js';

/** Options of {@link verifyAuditLog}. */
export interface VerifyAuditOptions {
  /**
   * The hash the first entry must chain to. @default 64 zeros (a chain's start) for a single file
   * whose first entry is not `audit.rotated`; for a file that starts with `audit.rotated`, pass the
   * old file too (or its last hash here), else its link to the old file is taken on trust.
   */
  readonly previousHash?: string;
  /** The hash the last entry must have (kept elsewhere), to detect removed entries at the end. */
  readonly expectLastHash?: string;
}

/** What {@link verifyAuditLog} found. */
export type AuditVerification =
  | {
      readonly ok: true;
      /** Entries checked. */
      readonly entries: number;
      /** Hash of the last entry (the chain's head), or the starting hash when there is none. */
      readonly lastHash: string;
    }
  | {
      readonly ok: false;
      /** Entries that checked out before the first bad one. */
      readonly entries: number;
      /** The file of the first bad line. */
      readonly file: string;
      /** The first bad line, from 1. */
      readonly line: number;
      /** Why the line is bad. */
      readonly reason: string;
    };

/**
 * Checks a hash-chained audit log and names the first bad line: an edited entry (its hash does
 * not match its content), a removed or reordered one (its `prev` is not the hash of the line
 * before, or its `seq` skips), or a line that is not an entry. Pass several files (as from
 * {@link auditLogFiles}) to check a rotated log as one chain.
 */
export function verifyAuditLog(
  path: string | readonly string[],
  options: VerifyAuditOptions = {},
): AuditVerification {
  const files = typeof path === 'string' ? [path] : path;
  let prev: string | undefined = options.previousHash;
  let seq: number | undefined;
  let count = 0;
  let lastLines = 0;
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    lastLines = lines.length;
    for (let i = 0; i < lines.length; i++) {
      const bad = (reason: string): AuditVerification => ({
        ok: false,
        entries: count,
        file,
        line: i + 1,
        reason,
      });
      let entry: AuditEntry;
      try {
        entry = JSON.parse(lines[i] ?? '') as AuditEntry;
      } catch {
        return bad('not JSON');
      }
      const shape = shapeProblem(entry);
      if (shape !== undefined) return bad(shape);
      if (prev === undefined) {
        // The very first entry: a chain start, or a rotated file taken on trust.
        prev = entry.type === 'audit.rotated' ? entry.prev : GENESIS_HASH;
        seq = entry.type === 'audit.rotated' ? entry.seq - 1 : 0;
      }
      if (entryHash(entry) !== entry.hash) return bad('edited: the hash does not match the entry');
      if (entry.prev !== prev)
        return bad('out of chain: prev is not the hash of the entry before (removed or reordered)');
      if (seq !== undefined && entry.seq !== seq + 1)
        return bad(`out of sequence: seq ${entry.seq} after ${seq}`);
      prev = entry.hash;
      seq = entry.seq;
      count++;
    }
  }
  const lastHash = prev ?? options.previousHash ?? GENESIS_HASH;
  if (options.expectLastHash !== undefined && options.expectLastHash !== lastHash) {
    const file = files.at(-1) ?? '';
    return {
      ok: false,
      entries: count,
      file,
      line: lastLines + 1,
      reason: 'truncated: the last hash is not the expected one',
    };
  }
  return { ok: true, entries: count, lastHash };
}

function shapeProblem(entry: unknown): string | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return 'not an audit entry';
  const e = entry as Record<string, unknown>;
  if (
    !Number.isInteger(e.seq) ||
    typeof e.at !== 'string' ||
    typeof e.hash !== 'string' ||
    typeof e.prev !== 'string'
  ) {
    return 'not an audit entry (seq, at, prev or hash missing)';
  }
  if (typeof e.type !== 'string' || !(AUDIT_EVENT_TYPES as readonly string[]).includes(e.type)) {
    return `unknown event type '${String(e.type)}'`;
  }
  if (e.data === null || typeof e.data !== 'object' || Array.isArray(e.data)) return 'data is not an object';
  return undefined;
}
