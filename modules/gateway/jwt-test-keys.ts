/**
 * Test helpers of the JWT tests (not exported): real key pairs and tokens made with jose.
 */
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import type { JsonWebKey } from './jwt-options.js';

/** A signing key pair and its public JWK (with `kid` and `alg`). */
export interface TestKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly jwk: JsonWebKey;
}

/** A fresh key pair for `alg`, named `kid`. */
export async function makeKey(kid: string, alg = 'RS256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } as JsonWebKey;
  return { kid, alg, privateKey, publicKey, jwk };
}

export const ISSUER = 'https://idp.test/';
export const AUDIENCE = 'switchyard';
/** Clock time of the tests: 2026-01-01T00:00:00Z. */
export const NOW = Date.UTC(2026, 0, 1);

/** Options of {@link signToken}. */
export interface SignOptions {
  readonly claims?: JWTPayload & Record<string, unknown>;
  /** Seconds from NOW. @default 600 */
  readonly expiresIn?: number;
  readonly notBefore?: number;
  readonly issuedAt?: number;
  readonly issuer?: string;
  readonly audience?: string | string[];
  readonly subject?: string | null;
  /** Header overrides (`kid: undefined` leaves it out). */
  readonly header?: Record<string, unknown>;
}

/** A token signed with `key`: iss, aud, sub 'user-1', iat NOW, exp NOW + 10 min, unless overridden. */
export function signToken(key: TestKey, o: SignOptions = {}): Promise<string> {
  const now = Math.floor(NOW / 1000);
  const jwt = new SignJWT({ ...o.claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...o.header } as never)
    .setIssuer(o.issuer ?? ISSUER)
    .setAudience(o.audience ?? AUDIENCE)
    .setIssuedAt(now + (o.issuedAt ?? 0))
    .setExpirationTime(now + (o.expiresIn ?? 600));
  if (o.subject !== null) jwt.setSubject(o.subject ?? 'user-1');
  if (o.notBefore !== undefined) jwt.setNotBefore(now + o.notBefore);
  return jwt.sign(key.privateKey);
}

/** The request info with `authorization: Bearer <token>`. */
export function bearer(token: string) {
  return { method: 'POST', path: '/v1/chat/completions', headers: { authorization: `Bearer ${token}` } };
}

/** base64url of a JSON value. */
export function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
