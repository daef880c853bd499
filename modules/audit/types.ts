/**
 * The typed events of the audit trail. Each names a security-relevant change; none carries a
 * secret or prompt text (the log refuses fields that look like either).
 */
export type AuditEventType =
  | 'key.added'
  | 'key.rotated'
  | 'key.disabled'
  | 'key.enabled'
  | 'key.revoked'
  | 'master_key.rotated'
  | 'budget.exceeded'
  | 'auth.failure'
  | 'admin.call'
  | 'config.reload'
  | 'breaker.forced'
  | 'breaker.ejected'
  | 'audit.rotated';

/** Every {@link AuditEventType}, in a stable order. */
export const AUDIT_EVENT_TYPES: readonly AuditEventType[] = [
  'key.added',
  'key.rotated',
  'key.disabled',
  'key.enabled',
  'key.revoked',
  'master_key.rotated',
  'budget.exceeded',
  'auth.failure',
  'admin.call',
  'config.reload',
  'breaker.forced',
  'breaker.ejected',
  'audit.rotated',
];

/** A value of an audit entry's `data`: scalars only, so nothing large or nested slips in. */
export type AuditValue = string | number | boolean | null;

/** One line of the audit log. */
export interface AuditEntry {
  /** Position in the chain, from 1, continuing across rotated files. */
  readonly seq: number;
  /** Wall-clock time, ISO 8601. */
  readonly at: string;
  readonly type: AuditEventType;
  /** What happened: ids, names, counts. Never secrets or prompt text. */
  readonly data: Readonly<Record<string, AuditValue>>;
  /** SHA-256 (hex) of the previous entry; 64 zeros for the first entry of a chain. */
  readonly prev: string;
  /** SHA-256 (hex) of this entry (its `seq`, `at`, `type`, `data` and `prev`). */
  readonly hash: string;
}

/**
 * Where audit events go: an {@link AuditLog} (synchronous), a {@link RedisAuditLog} (returns a
 * promise), or anything with the same `record`. Callers such as the key vault and
 * {@link auditRouter} send a thrown error or a rejected promise to their `onError`.
 */
export interface AuditSink {
  /** Appends one event; returns the written entry (or a promise of it). */
  record(
    type: AuditEventType,
    data?: Readonly<Record<string, AuditValue>>,
  ): AuditEntry | PromiseLike<AuditEntry>;
}
