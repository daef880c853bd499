import type { IncomingMessage } from 'node:http';
import type { Principal } from './auth.js';
import type { AuthFailureReason } from './auth-events.js';
import { type ErrorAnswer, errorAnswer } from './errors.js';
import type { ResolvedGatewayOptions } from './options.js';

/** Emits an `auth:failure` event for a refused request (never the token). */
export function authFailure(
  options: ResolvedGatewayOptions,
  req: IncomingMessage,
  reason: AuthFailureReason,
  status: number,
  principal?: Principal,
): void {
  const remote = req.socket.remoteAddress;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  options.events.emit({
    type: 'auth:failure',
    reason,
    status,
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    ...(remote === undefined ? {} : { remoteAddress: remote }),
    ...(principal === undefined ? {} : { principal: principal.id }),
    ...(principal?.key === undefined ? {} : { key: principal.key }),
    at: options.clock.now(),
  });
}

/**
 * The 403 for a model the principal may not call. The same whether the model exists or not, and
 * it names no other model or key.
 */
export function modelNotAllowed(): ErrorAnswer {
  return errorAnswer(
    403,
    'This key is not allowed to call this model.',
    'permission_error',
    'model_not_allowed',
    'model',
  );
}
