import { type Clock, SwitchyardError } from '../../index.js';
import type { Principal } from './auth.js';

/** One JSON Web Key of a {@link JsonWebKeySet} (public members only). */
export interface JsonWebKey {
  readonly kty: string;
  readonly kid?: string;
  readonly alg?: string;
  readonly use?: string;
  readonly [member: string]: unknown;
}

/** A JSON Web Key Set (RFC 7517), as identity providers publish it at `/.well-known/jwks.json`. */
export interface JsonWebKeySet {
  readonly keys: readonly JsonWebKey[];
}

/** The claims of a verified token, as the `principal` mapping of {@link JwtAuthOptions} sees them. */
export interface JwtClaims {
  /** The subject: always a non-empty string once verified. */
  readonly sub: string;
  readonly iss?: string;
  readonly aud?: string | readonly string[];
  readonly exp?: number;
  readonly nbf?: number;
  readonly iat?: number;
  readonly jti?: string;
  readonly [claim: string]: unknown;
}

/** Signature algorithms {@link jwtAuth} accepts in its `algorithms` option (asymmetric only). */
export type JwtAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'Ed25519';

/** Settings of a remote JWKS (`jwksUrl`). */
export interface RemoteJwksOptions {
  /** Time limit of one JWKS fetch, in ms: past it, tokens needing the keys are refused (401). @default 5000 */
  readonly timeoutMs?: number;
  /** Least time between two fetches triggered by an unknown `kid`, in ms. @default 30000 */
  readonly cooldownMs?: number;
  /** How long fetched keys are used before they are fetched again, in ms. @default 600000 */
  readonly cacheMaxAgeMs?: number;
  /** Headers sent with the JWKS request (no secrets in errors: they are never echoed). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * CA certificates (PEM) that the JWKS server's certificate must chain to — an internal identity
   * provider behind a private CA. Replaces Node's trusted CAs for the JWKS request only (no
   * `NODE_EXTRA_CA_CERTS` needed). @default Node's trusted CAs
   */
  readonly ca?: string | readonly string[];
}

/** A remote JWKS given as `jwks: { url, ca }`: the URL and the {@link RemoteJwksOptions} in one object. */
export interface RemoteJwks extends RemoteJwksOptions {
  /** The identity provider's JWKS URL (as `jwksUrl`). */
  readonly url: string | URL;
}

/**
 * Options of {@link jwtAuth}. Give exactly one key source: `jwksFile`, `jwks` or `jwksUrl`.
 *
 * @example
 * ```ts
 * jwtAuth({ jwksUrl: 'https://idp.example.com/.well-known/jwks.json', issuer: 'https://idp.example.com/', audience: 'switchyard' });
 * ```
 */
export interface JwtAuthOptions {
  /** A JWKS file (JSON). Read now and again on `reload()`. */
  readonly jwksFile?: string;
  /**
   * A JWKS object, or a remote one as `{ url, ca, … }` (the same as `jwksUrl` with `remote`, e.g.
   * `jwks: { url: 'https://idp.internal/jwks.json', ca: readFileSync('internal-ca.pem', 'utf8') }`).
   */
  readonly jwks?: JsonWebKeySet | RemoteJwks;
  /**
   * The identity provider's JWKS URL. `https:` (or `http:` on a loopback address only). Fetched
   * on the first token, again after `cacheMaxAgeMs`, on an unknown `kid` (at most once per
   * `cooldownMs`) and on `reload()`.
   */
  readonly jwksUrl?: string | URL;
  /** Settings of the remote JWKS. */
  readonly remote?: RemoteJwksOptions;
  /** The expected `iss` (one of them, when an array). Required. */
  readonly issuer: string | readonly string[];
  /** The expected `aud` (the token must name at least one). Required. */
  readonly audience: string | readonly string[];
  /**
   * Signature algorithms accepted. Asymmetric only: an HMAC algorithm (`HS256`…) is refused at
   * construction, which also rules out HS/RS confusion; `none` is never accepted.
   * @default ['RS256', 'PS256', 'ES256', 'EdDSA']
   */
  readonly algorithms?: readonly JwtAlgorithm[];
  /** Clock skew allowed on `exp` and `nbf`, in ms (0 to 300 000). @default 30000 */
  readonly clockSkewMs?: number;
  /** When set, tokens whose `iat` is older than this are refused, in ms. @default no limit */
  readonly maxTokenAgeMs?: number;
  /**
   * How many verified tokens to remember (by SHA-256 of the token), so that a client's repeated
   * calls skip the signature check; an entry is used for at most 60 s and never past the token's
   * `exp`, and `reload()` empties the cache. 0 turns it off. @default 1024
   */
  readonly cacheSize?: number;
  /** Time source for `exp`, `nbf` and `iat` (a `VirtualClock` in tests). @default systemClock */
  readonly clock?: Pick<Clock, 'now'>;
  /**
   * Maps the verified claims to a {@link Principal}; `undefined` refuses the request (401), a
   * `SwitchyardError('auth', …, { status: 403 })` answers 403. @default {@link principalFromClaims}
   */
  readonly principal?: (claims: JwtClaims) => Principal | undefined | Promise<Principal | undefined>;
  /** Failures of the key source (a JWKS fetch or a file that no longer parses). @default ignored */
  readonly onError?: (error: unknown) => void;
}

/** The default `algorithms`. */
export const DEFAULT_JWT_ALGORITHMS: readonly JwtAlgorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** Every name the `algorithms` option accepts (the asymmetric ones jose verifies). */
export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

const ASYMMETRIC = new Set<string>(JWT_ALGORITHMS);

/** The key source, checked. */
export type KeySource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'inline'; readonly jwks: JsonWebKeySet }
  | { readonly kind: 'remote'; readonly url: URL; readonly ca: readonly string[] | undefined };

/** {@link JwtAuthOptions} checked, with the defaults applied. */
export interface ResolvedJwtOptions {
  readonly source: KeySource;
  readonly timeoutMs: number;
  readonly cooldownMs: number;
  readonly cacheMaxAgeMs: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly issuer: string | string[];
  readonly audience: string | string[];
  readonly algorithms: readonly string[];
  readonly clockSkewMs: number;
  readonly maxTokenAgeMs: number | undefined;
  readonly cacheSize: number;
  readonly clock: Pick<Clock, 'now'>;
  readonly principal: JwtAuthOptions['principal'];
  readonly onError: (error: unknown) => void;
}

/** A `config` error of {@link jwtAuth} naming the field. */
export function jwtConfigError(field: string, problem: string): SwitchyardError {
  return new SwitchyardError('config', `jwtAuth: ${field}: ${problem}`);
}

function strings(value: unknown, field: string): string | string[] {
  if (typeof value === 'string') {
    if (value.trim() === '') throw jwtConfigError(field, 'expected a non-empty string');
    return value;
  }
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => typeof v === 'string' && v.trim() !== '')
  ) {
    return [...(value as string[])];
  }
  throw jwtConfigError(field, 'expected a non-empty string or a non-empty array of them');
}

function ms(value: unknown, field: string, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw jwtConfigError(field, `expected an integer between 0 and ${max}`);
  }
  return value;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function remoteUrl(value: unknown, field = 'jwksUrl'): URL {
  let url: URL;
  try {
    url = new URL(value instanceof URL ? value.href : String(value));
  } catch {
    throw jwtConfigError(field, 'expected an absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw jwtConfigError(field, 'expected an https: URL (http: only on a loopback address)');
  }
  if (url.username !== '' || url.password !== '') {
    throw jwtConfigError(field, 'credentials in the URL are not allowed (use remote.headers)');
  }
  return url;
}

/** PEM CA certificates, checked (the message never quotes them). */
function caList(value: unknown, field: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((c) => typeof c === 'string' && c.includes('-----BEGIN CERTIFICATE'))
  ) {
    throw jwtConfigError(field, 'expected PEM certificates (a string or an array of them)');
  }
  return [...(list as string[])];
}

/** The remote settings: `remote`, or those of `jwks: { url, … }` (not both). */
function remoteSettings(o: JwtAuthOptions): { settings: RemoteJwksOptions; field: string } {
  const jwks = o.jwks as Partial<RemoteJwks> | undefined;
  if (jwks !== undefined && typeof jwks === 'object' && jwks !== null && 'url' in jwks) {
    if (o.remote !== undefined) {
      throw jwtConfigError('jwks + remote', 'give the remote settings in one place (jwks: { url, … })');
    }
    const { url: _url, ...settings } = jwks;
    return { settings, field: 'jwks' };
  }
  return { settings: o.remote ?? {}, field: 'remote' };
}

/**
 * Checks that `value` is a JWKS of public signing keys. The message names `field` and the index
 * of the bad key, never a key's members.
 */
export function checkJwks(value: unknown, field: string): JsonWebKeySet {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (typeof value !== 'object' || value === null || !Array.isArray(keys)) {
    throw jwtConfigError(field, 'expected a JSON Web Key Set ({ "keys": [...] })');
  }
  keys.forEach((key: unknown, i) => {
    if (typeof key !== 'object' || key === null || typeof (key as JsonWebKey).kty !== 'string') {
      throw jwtConfigError(`${field}.keys[${i}]`, 'expected a JSON Web Key with "kty"');
    }
    const k = key as JsonWebKey;
    if (k.kty === 'oct' || 'd' in k || 'k' in k) {
      throw jwtConfigError(
        `${field}.keys[${i}]`,
        'holds a secret or private key; a JWKS for verification has public keys only',
      );
    }
    if (k.alg !== undefined && (typeof k.alg !== 'string' || !ASYMMETRIC.has(k.alg))) {
      throw jwtConfigError(`${field}.keys[${i}].alg`, 'expected an asymmetric signature algorithm');
    }
  });
  return value as JsonWebKeySet;
}

function keySource(o: JwtAuthOptions): KeySource {
  const given = (['jwksFile', 'jwks', 'jwksUrl'] as const).filter((f) => o[f] !== undefined);
  if (given.length !== 1) {
    throw jwtConfigError(
      given.length === 0 ? 'jwksFile | jwks | jwksUrl' : given.join(' + '),
      'give exactly one key source',
    );
  }
  if (o.jwksFile !== undefined) {
    if (typeof o.jwksFile !== 'string' || o.jwksFile === '') {
      throw jwtConfigError('jwksFile', 'expected a file path');
    }
    return { kind: 'file', path: o.jwksFile };
  }
  const { settings, field } = remoteSettings(o);
  if (o.jwks !== undefined && typeof o.jwks === 'object' && o.jwks !== null && 'url' in o.jwks) {
    return { kind: 'remote', url: remoteUrl(o.jwks.url, 'jwks.url'), ca: caList(settings.ca, 'jwks.ca') };
  }
  if (o.jwks !== undefined) return { kind: 'inline', jwks: checkJwks(o.jwks, 'jwks') };
  return { kind: 'remote', url: remoteUrl(o.jwksUrl), ca: caList(settings?.ca, `${field}.ca`) };
}

function algorithms(value: unknown): readonly string[] {
  if (value === undefined) return DEFAULT_JWT_ALGORITHMS;
  if (!Array.isArray(value) || value.length === 0) {
    throw jwtConfigError('algorithms', 'expected a non-empty array of algorithm names');
  }
  for (const alg of value) {
    if (typeof alg === 'string' && /^HS\d+$/i.test(alg)) {
      throw jwtConfigError(
        'algorithms',
        `${alg} is a symmetric (HMAC) algorithm; jwtAuth verifies with public keys only, so it is refused (it would allow HS/RS confusion)`,
      );
    }
    if (typeof alg !== 'string' || !ASYMMETRIC.has(alg)) {
      throw jwtConfigError(
        'algorithms',
        `expected names among ${[...ASYMMETRIC].join(', ')} (got ${JSON.stringify(String(alg)).slice(0, 40)})`,
      );
    }
  }
  return [...new Set(value as string[])];
}

/**
 * Checks the options of {@link jwtAuth} and applies the defaults.
 * @throws {SwitchyardError} `config` naming the field.
 */
export function resolveJwtOptions(options: JwtAuthOptions): ResolvedJwtOptions {
  if (typeof options !== 'object' || options === null) throw jwtConfigError('options', 'expected an object');
  if (options.remote !== undefined && (typeof options.remote !== 'object' || options.remote === null)) {
    throw jwtConfigError('remote', 'expected an object');
  }
  const source = keySource(options);
  const { settings: remote, field } = remoteSettings(options);
  const headers = remote.headers ?? {};
  if (
    typeof headers !== 'object' ||
    headers === null ||
    Object.values(headers).some((v) => typeof v !== 'string')
  ) {
    throw jwtConfigError(`${field}.headers`, 'expected an object of string values');
  }
  const clock = options.clock ?? { now: () => Date.now() };
  if (typeof clock?.now !== 'function') throw jwtConfigError('clock', 'expected an object with now()');
  for (const f of ['principal', 'onError'] as const) {
    if (options[f] !== undefined && typeof options[f] !== 'function') {
      throw jwtConfigError(f, 'expected a function');
    }
  }
  const day = 86_400_000;
  return {
    source,
    timeoutMs: ms(remote.timeoutMs, `${field}.timeoutMs`, 60_000, 5_000),
    cooldownMs: ms(remote.cooldownMs, `${field}.cooldownMs`, day, 30_000),
    cacheMaxAgeMs: ms(remote.cacheMaxAgeMs, `${field}.cacheMaxAgeMs`, 30 * day, 600_000),
    headers,
    issuer: strings(options.issuer, 'issuer'),
    audience: strings(options.audience, 'audience'),
    algorithms: algorithms(options.algorithms),
    clockSkewMs: ms(options.clockSkewMs, 'clockSkewMs', 300_000, 30_000),
    maxTokenAgeMs:
      options.maxTokenAgeMs === undefined
        ? undefined
        : ms(options.maxTokenAgeMs, 'maxTokenAgeMs', 365 * day, 0) || bad0(),
    cacheSize: ms(options.cacheSize, 'cacheSize', 1_000_000, 1024),
    clock,
    principal: options.principal,
    onError: options.onError ?? (() => {}),
  };
}

function bad0(): never {
  throw jwtConfigError('maxTokenAgeMs', 'expected a positive integer');
}
