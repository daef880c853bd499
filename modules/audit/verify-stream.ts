import { GENESIS_HASH } from './chain.js';
import type { AuditRedisClient } from './redis-log.js';
import { ChainCheck } from './verify.js';

/** Options of {@link verifyAuditStream}. */
export interface VerifyAuditStreamOptions {
  /** The head hash's key, as given to {@link RedisAuditLog}. @default `${key}:head` */
  readonly headKey?: string;
  /** Entries read per XRANGE. @default 500 */
  readonly pageSize?: number;
}

/** What {@link verifyAuditStream} found. */
export type AuditStreamVerification =
  | {
      readonly ok: true;
      /** Entries checked. */
      readonly entries: number;
      /** Hash of the last entry (equal to the stored head), or 64 zeros when empty. */
      readonly lastHash: string;
    }
  | {
      readonly ok: false;
      /** Entries that checked out before the first bad one. */
      readonly entries: number;
      /** The stream id of the first bad entry (for a truncated tail: of the last entry, or ''). */
      readonly id: string;
      /** Why it is bad. */
      readonly reason: string;
    };

/**
 * Checks an audit stream written by {@link RedisAuditLog} and names the first bad entry by its
 * stream id: an edited entry, a removed or reordered one (the first entry must chain to 64 zeros,
 * so removing it is caught too), an entry that is not ours, or removed entries at the end (the
 * last entry's hash must equal the head kept in `headKey`). Reads the stream in pages.
 */
export async function verifyAuditStream(
  client: AuditRedisClient,
  key: string,
  options: VerifyAuditStreamOptions = {},
): Promise<AuditStreamVerification> {
  const pageSize = options.pageSize ?? 500;
  const chain = new ChainCheck(GENESIS_HASH);
  let start = '-';
  let lastId = '';
  for (;;) {
    const page = (await client.sendCommand(['XRANGE', key, start, '+', 'COUNT', String(pageSize)])) as Array<
      [string, string[]]
    >;
    for (const [id, fields] of page) {
      lastId = id;
      const at = fields.indexOf('entry');
      let entry: unknown;
      try {
        entry = JSON.parse(at === -1 ? '' : (fields[at + 1] ?? ''));
      } catch {
        return { ok: false, entries: chain.count, id, reason: 'not JSON (no audit entry field)' };
      }
      const reason = chain.next(entry);
      if (reason !== undefined) return { ok: false, entries: chain.count, id, reason };
    }
    if (page.length < pageSize) break;
    start = `(${lastId}`;
  }
  const lastHash = chain.prev ?? GENESIS_HASH;
  const head = (await client.sendCommand(['HGET', options.headKey ?? `${key}:head`, 'hash'])) as
    | string
    | null;
  if ((head ?? GENESIS_HASH) !== lastHash) {
    return {
      ok: false,
      entries: chain.count,
      id: lastId,
      reason:
        head === null
          ? 'the head key is missing (deleted?)'
          : 'truncated: the last entry is not the stored head (entries removed at the end)',
    };
  }
  return { ok: true, entries: chain.count, lastHash };
}
