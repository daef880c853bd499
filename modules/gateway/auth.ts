import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SwitchyardError } from '../../index.js';

/** Who made a request, as the gateway's {@link Authenticate} hook decided. */
export interface Principal {
  /** A stable id (a key id, a user): goes into the call's `metadata.principal`. Never a secret. */
  readonly id: string;
  /** The user, as budgets and the usage ledger see it: goes into `metadata.user`. */
  readonly user?: string;
  /** The key's id (never the key itself), as budgets and the usage ledger see it: goes into `metadata.key`. */
  readonly key?: string;
  /** Tags added to every call of this principal (e.g. `team:search`). */
  readonly tags?: readonly string[];
  /** The team, as the usage ledger sees it: goes into `metadata.team`. */
  readonly team?: string;
  /** Aliases or models this principal may call (the request's `model`); absent: every one. */
  readonly allowedModels?: readonly string[];
  /** Rolling-minute quotas of this principal, enforced by the gateway before routing. */
  readonly limits?: PrincipalLimits;
}

/** Per-principal quotas over a rolling minute (absent or 0: unlimited). */
export interface PrincipalLimits {
  /** Most requests started per rolling minute. */
  readonly requestsPerMinute?: number;
  /** Most tokens (estimated input + output cap, corrected after the call) per rolling minute. */
  readonly tokensPerMinute?: number;
}

/** What the {@link Authenticate} hook sees of a request. */
export interface GatewayRequestInfo {
  readonly method: string;
  /** The path, without the query string. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * Decides who a request comes from, before its body is read: a {@link Principal} lets it in,
 * `undefined` answers 401. Throw a `SwitchyardError` of kind `auth` with `status: 403` to answer
 * 403 (authenticated but not allowed). It guards the `/v1/*` routes; `/healthz`, `/readyz` and
 * `/metrics` stay open (keep them on a private network).
 */
export type Authenticate = (
  request: GatewayRequestInfo,
) => Principal | undefined | Promise<Principal | undefined>;

/** The bearer token of `Authorization: Bearer …`, or `x-api-key`, when present. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    return match?.[1];
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : undefined;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * An {@link Authenticate} hook that lets in requests whose bearer token (or `x-api-key`) is the
 * given master key. The comparison is in constant time: both sides are hashed to SHA-256 first,
 * so neither the key's length nor a common prefix changes the time taken. Only the hash is kept.
 *
 * @param principal who such requests are. @default `{ id: 'master' }`
 * @throws {SwitchyardError} `config` when the key is shorter than 16 characters.
 *
 * @example
 * ```ts
 * createGateway(router, { authenticate: masterKeyAuth(process.env.GATEWAY_MASTER_KEY!) });
 * ```
 */
export function masterKeyAuth(masterKey: string, principal: Principal = { id: 'master' }): Authenticate {
  if (typeof masterKey !== 'string' || masterKey.length < 16) {
    throw new SwitchyardError(
      'config',
      'masterKeyAuth: masterKey: expected a string of at least 16 characters',
    );
  }
  const expected = digest(masterKey);
  return (request) => {
    const token = bearerToken(request.headers);
    if (token === undefined) return undefined;
    return timingSafeEqual(digest(token), expected) ? principal : undefined;
  };
}
