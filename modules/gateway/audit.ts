import type { AuditSink, AuditValue } from '../audit/index.js';
import type { GatewayEvent } from './auth-events.js';

/** Options of {@link auditGatewayEvents}. */
export interface AuditGatewayOptions {
  /** Where the log's own failures go (a full disk); they never reach a request. @default ignored */
  readonly onError?: (error: unknown) => void;
}

const KEY_EVENTS = { create: 'key.added', rotate: 'key.rotated', revoke: 'key.revoked' } as const;

/**
 * A gateway `onEvent` listener that writes the security events into an audit log
 * (`switchyard-llm/audit`): refused requests as `auth.failure` (`source: 'gateway'`, the reason,
 * status, route, client address and key id — never the token), admin calls as `admin.call`,
 * and successful key creations, rotations and revocations also as `key.added`, `key.rotated`,
 * `key.revoked`.
 *
 * @example
 * ```ts
 * const log = AuditLog.open({ path: '/var/log/switchyard/audit.jsonl' });
 * createGateway(router, { keys, adminKey, onEvent: auditGatewayEvents(log) });
 * ```
 */
export function auditGatewayEvents(
  sink: AuditSink,
  options: AuditGatewayOptions = {},
): (event: GatewayEvent) => void {
  return (event) => {
    try {
      if (event.type === 'auth:failure') {
        const data: Record<string, AuditValue> = {
          source: 'gateway',
          reason: event.reason,
          status: event.status,
          method: event.method,
          path: event.path,
        };
        if (event.remoteAddress !== undefined) data.remoteAddress = event.remoteAddress;
        if (event.key !== undefined) data.keyId = event.key;
        else if (event.principal !== undefined) data.principal = event.principal;
        sink.record('auth.failure', data);
        return;
      }
      const data: Record<string, AuditValue> = { action: event.action, status: event.status };
      if (event.keyId !== undefined) data.keyId = event.keyId;
      if (event.remoteAddress !== undefined) data.remoteAddress = event.remoteAddress;
      sink.record('admin.call', data);
      const keyEvent =
        event.action in KEY_EVENTS ? KEY_EVENTS[event.action as keyof typeof KEY_EVENTS] : undefined;
      if (keyEvent !== undefined && event.status < 300 && event.keyId !== undefined) {
        sink.record(keyEvent, { keyId: event.keyId, source: 'admin' });
      }
    } catch (error) {
      try {
        options.onError?.(error);
      } catch {
        // a failing error handler must not reach the request either
      }
    }
  };
}
