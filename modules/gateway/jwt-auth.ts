import { SwitchyardError } from '../../index.js';
import { bearerToken, type GatewayRequestInfo, type Principal } from './auth.js';
import { VerifiedTokenCache } from './jwt-cache.js';
import { BadClaimError, principalFromClaims } from './jwt-claims.js';
import { createKeyStore, type KeyLookup, loadJose } from './jwt-keys.js';
import { type JwtAuthOptions, type JwtClaims, resolveJwtOptions } from './jwt-options.js';

/**
 * Why {@link jwtAuth} refused a token. It is in the thrown error's `code` (and message, as
 * `jwt: <reason>`) for logs and audit events; the client only ever sees the generic 401.
 */
export type JwtFailureReason =
  | 'malformed'
  | 'alg_not_allowed'
  | 'unknown_kid'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'too_old'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'missing_sub'
  | 'bad_claims'
  | 'jwks_unavailable';

/** The `Authenticate` hook made by {@link jwtAuth}, with the handle to reload its keys. */
export interface JwtAuthenticate {
  (request: GatewayRequestInfo): Promise<Principal | undefined>;
  /**
   * Re-reads the JWKS file (a `config` error when it became unreadable or invalid; the old keys
   * then stay in use), or re-fetches the remote JWKS now. A no-op for an inline JWKS.
   */
  reload(): Promise<void>;
}

/** Longest token accepted (bytes of the compact form). */
const MAX_TOKEN_LENGTH = 16_384;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** The refusal error; its text is fixed per reason, so no token text can leak into it. */
function refusal(reason: JwtFailureReason): SwitchyardError {
  return new SwitchyardError('auth', `jwt: ${reason}`, { status: 401, code: reason, retryable: false });
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The reason for a jose failure (its `payload` and `cause`, which carry claims, are dropped). */
function reasonOf(error: unknown, remote: boolean): JwtFailureReason {
  switch (codeOf(error)) {
    case 'ERR_JWT_EXPIRED':
      // jose reports `maxTokenAge` on `iat` as an expiry too.
      return (error as { claim?: unknown }).claim === 'iat' ? 'too_old' : 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (error as { claim?: unknown }).claim;
      if (claim === 'iss') return 'wrong_issuer';
      if (claim === 'aud') return 'wrong_audience';
      if (claim === 'nbf') return 'not_yet_valid';
      if (claim === 'sub') return 'missing_sub';
      if (claim === 'iat') return 'too_old';
      return 'malformed';
    }
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'bad_signature';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'unknown_kid';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'alg_not_allowed';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JWK_INVALID':
      return 'malformed';
    default:
      // A timeout, a failed fetch, a non-200 answer or an invalid JWKS from the URL.
      return remote ? 'jwks_unavailable' : 'malformed';
  }
}

/**
 * An {@link Authenticate} hook for JWT bearer tokens (`Authorization: Bearer <jwt>`), verified
 * with `jose` (an optional peer dependency: `npm install jose`) against a JWKS — a file, an
 * object or your identity provider's URL.
 *
 * Checks: the signature with the key named by `kid` (two keys with different `kid`s can both be
 * valid during a rollover; without `kid` every matching key is tried), the algorithm against an
 * asymmetric allow-list (`none` and HMAC are never accepted, so there is no HS/RS confusion),
 * `iss`, `aud`, `exp` and `nbf` with `clockSkewMs` of tolerance, and a non-empty `sub`. The
 * claims then map to a {@link Principal} (by default {@link principalFromClaims}).
 *
 * A request without a token resolves `undefined` (401). A bad token throws
 * `SwitchyardError('auth', 'jwt: <reason>', { status: 401, code: reason })` (see
 * {@link JwtFailureReason}); the gateway answers both with the same generic 401, so a client
 * never learns why. No token text is ever put in an error.
 *
 * @throws {SwitchyardError} `config` naming the field, for bad options (an unreadable JWKS file,
 *   an HMAC algorithm, an empty issuer, …).
 *
 * @example
 * ```ts
 * const auth = jwtAuth({ jwksFile: '/etc/switchyard/jwks.json', issuer: 'https://idp.example.com/', audience: 'switchyard' });
 * const gateway = createGateway(router, { authenticate: auth });
 * process.on('SIGHUP', () => void auth.reload().catch(console.error));
 * ```
 */
export function jwtAuth(options: JwtAuthOptions): JwtAuthenticate {
  const o = resolveJwtOptions(options);
  const store = createKeyStore(o);
  const remote = o.source.kind === 'remote';
  const mapPrincipal = o.principal ?? principalFromClaims;
  const cache = new VerifiedTokenCache(o.cacheSize, o.maxTokenAgeMs);

  async function verify(token: string): Promise<JwtClaims> {
    const jose = await loadJose();
    let alg: unknown;
    try {
      alg = jose.decodeProtectedHeader(token).alg;
    } catch {
      throw refusal('malformed');
    }
    if (typeof alg !== 'string' || !o.algorithms.includes(alg)) throw refusal('alg_not_allowed');
    const checks = {
      issuer: o.issuer,
      audience: o.audience,
      algorithms: [...o.algorithms],
      clockTolerance: o.clockSkewMs / 1000,
      currentDate: new Date(o.clock.now()),
      requiredClaims: ['sub'],
      ...(o.maxTokenAgeMs === undefined ? {} : { maxTokenAge: o.maxTokenAgeMs / 1000 }),
    };
    let keys: KeyLookup;
    try {
      keys = await store.lookup();
      return (await jose.jwtVerify(token, keys, checks)).payload as JwtClaims;
    } catch (error) {
      if (codeOf(error) === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') {
        return verifyWithEach(error as AsyncIterable<CryptoKey>);
      }
      const reason = reasonOf(error, remote);
      if (reason === 'jwks_unavailable') o.onError(refusal(reason));
      throw refusal(reason);
    }

    // No `kid` and several keys fit: the first that verifies wins (a rollover without kids).
    async function verifyWithEach(candidates: AsyncIterable<CryptoKey>): Promise<JwtClaims> {
      let last: JwtFailureReason = 'bad_signature';
      for await (const key of candidates) {
        try {
          return (await jose.jwtVerify(token, key, checks)).payload as JwtClaims;
        } catch (error) {
          last = reasonOf(error, false);
          if (last !== 'bad_signature') break; // the signature held: a claim failed
        }
      }
      throw refusal(last);
    }
  }

  const authenticate = async (request: GatewayRequestInfo): Promise<Principal | undefined> => {
    const token = bearerToken(request.headers);
    if (token === undefined) return undefined;
    if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) throw refusal('malformed');
    const key = o.cacheSize > 0 ? VerifiedTokenCache.key(token) : '';
    let claims = o.cacheSize > 0 ? cache.get(key, o.clock.now()) : undefined;
    if (claims === undefined) {
      claims = await verify(token);
      if (typeof claims.sub !== 'string' || claims.sub === '') throw refusal('missing_sub');
      cache.set(key, claims, o.clock.now());
    }
    try {
      return (await mapPrincipal(claims)) ?? undefined;
    } catch (error) {
      if (error instanceof BadClaimError) throw refusal('bad_claims');
      throw error;
    }
  };
  return Object.assign(authenticate, {
    reload: async () => {
      await store.reload();
      cache.clear();
    },
  });
}
