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
  const chain = new ChainCheck(options.previousHash);
  let lastLines = 0;
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    lastLines = lines.length;
    for (let i = 0; i < lines.length; i++) {
      let entry: unknown;
      try {
        entry = JSON.parse(lines[i] ?? '');
      } catch {
        return { ok: false, entries: chain.count, file, line: i + 1, reason: 'not JSON' };
      }
      const reason = chain.next(entry);
      if (reason !== undefined) return { ok: false, entries: chain.count, file, line: i + 1, reason };
    }
  }
  const count = chain.count;
  const lastHash = chain.prev ?? options.previousHash ?? GENESIS_HASH;
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

/**
 * Checks a chain one entry at a time: each entry's hash matches its content, its `prev` is the
 * hash of the entry before and its `seq` follows. Shared by the file and the Redis stream checks.
 */
export class ChainCheck {
  /** The hash the next entry must chain to (undefined: the first entry sets it). */
  prev: string | undefined;
  /** The `seq` of the last good entry. */
  seq: number | undefined;
  /** Entries that checked out. */
  count = 0;

  /**
   * @param previousHash The hash the first entry must chain to; `undefined` takes a first
   * `audit.rotated` entry's link on trust (a rotated file read alone) and else expects 64 zeros.
   */
  constructor(previousHash?: string) {
    this.prev = previousHash;
  }

  /** Checks the next entry; returns why it is bad, or `undefined` when it chains. */
  next(value: unknown): string | undefined {
    const shape = shapeProblem(value);
    if (shape !== undefined) return shape;
    const entry = value as AuditEntry;
    if (this.prev === undefined) {
      // The very first entry: a chain start, or a rotated file taken on trust.
      this.prev = entry.type === 'audit.rotated' ? entry.prev : GENESIS_HASH;
      this.seq = entry.type === 'audit.rotated' ? entry.seq - 1 : 0;
    }
    if (entryHash(entry) !== entry.hash) return 'edited: the hash does not match the entry';
    if (entry.prev !== this.prev)
      return 'out of chain: prev is not the hash of the entry before (removed or reordered)';
    if (this.seq !== undefined && entry.seq !== this.seq + 1)
      return `out of sequence: seq ${entry.seq} after ${this.seq}`;
    this.prev = entry.hash;
    this.seq = entry.seq;
    this.count++;
    return undefined;
  }
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
