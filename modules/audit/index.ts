/**
 * `switchyard-llm/audit`: a tamper-evident audit trail. An append-only JSON Lines log whose
 * entries each carry the SHA-256 of the previous one; {@link verifyAuditLog} names the first
 * edited, removed or reordered line, and rotation keeps the chain. Entries are typed events (key
 * added, rotated, disabled, revoked; master key rotated; budget exceeded; auth failure; admin
 * call; config reload; breaker forced or ejected) and never carry secrets or prompt text.
 * {@link RedisAuditLog} keeps the same chain in a Redis stream shared by several processes,
 * checked by {@link verifyAuditStream}.
 *
 * @example
 * ```ts
 * import { AuditLog, auditRouter, verifyAuditLog, auditLogFiles } from 'switchyard-llm/audit';
 * const log = AuditLog.open({ path: '/var/log/switchyard/audit.jsonl', maxBytes: 10_000_000 });
 * auditRouter(log, router);
 * log.record('config.reload', { targets: 3 });
 * verifyAuditLog(auditLogFiles(log.path)); // { ok: true, entries, lastHash } or the first bad line
 * ```
 */
export { GENESIS_HASH } from './chain.js';
export { AuditLog, type AuditLogOptions, auditLogFiles } from './log.js';
export {
  type AuditRedisClient,
  RedisAuditLog,
  type RedisAuditLogOptions,
} from './redis-log.js';
export { type AuditRouterOptions, auditRouter, isThenable } from './router.js';
export {
  AUDIT_EVENT_TYPES,
  type AuditEntry,
  type AuditEventType,
  type AuditSink,
  type AuditValue,
} from './types.js';
export { type AuditVerification, type VerifyAuditOptions, verifyAuditLog } from './verify.js';
export {
  type AuditStreamVerification,
  type VerifyAuditStreamOptions,
  verifyAuditStream,
} from './verify-stream.js';
