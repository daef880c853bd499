import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, exportSPKI, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSwitchyardError, SwitchyardError } from '../../index.js';
import { type JwtAuthenticate, jwtAuth } from './jwt-auth.js';
import { principalFromClaims } from './jwt-claims.js';
import type { JwtAuthOptions } from './jwt-options.js';
import {
  AUDIENCE,
  b64,
  bearer,
  ISSUER,
  makeKey,
  NOW,
  type SignOptions,
  signToken,
  type TestKey,
} from './jwt-test-keys.js';

let oldKey: TestKey;
let newKey: TestKey;
let ecKey: TestKey;
let dir: string;
let now = NOW;
const clock = { now: () => now };

beforeAll(async () => {
  [oldKey, newKey, ecKey] = await Promise.all([makeKey('old'), makeKey('new'), makeKey('ec', 'ES256')]);
  dir = mkdtempSync(join(tmpdir(), 'gw-jwt-unit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function auth(extra: Partial<JwtAuthOptions> = {}): JwtAuthenticate {
  return jwtAuth({
    jwks: { keys: [oldKey.jwk, ecKey.jwk] },
    issuer: ISSUER,
    audience: AUDIENCE,
    clock,
    ...extra,
  } as JwtAuthOptions);
}

/** The reason a token is refused with (`accepted` when it is not), checking the error's shape. */
async function outcome(hook: JwtAuthenticate, token: string): Promise<string> {
  now = NOW;
  try {
    const principal = await hook(bearer(token));
    return principal === undefined ? 'undefined' : 'accepted';
  } catch (error) {
    if (!isSwitchyardError(error) || error.kind !== 'auth') throw error;
    expect(error.status).toBe(401);
    expect(error.message).toBe(`jwt: ${error.code}`);
    expect(error.cause).toBeUndefined();
    // Not a piece of the token anywhere in the error.
    const text = JSON.stringify(error.toJSON()) + String(error.stack);
    for (const part of token.split('.')) if (part.length > 8) expect(text).not.toContain(part);
    return error.code as string;
  }
}

const sign = (key: TestKey, o?: SignOptions) => signToken(key, o);

describe('jwtAuth: verification', () => {
  it('lets a valid token in and maps sub, team, models, rpm, tpm and tags to the principal', async () => {
    const token = await sign(oldKey, {
      claims: { team: 'search', models: ['fast', 'gpt-4o'], rpm: 60, tpm: 10_000, tags: ['tier:gold'] },
    });
    now = NOW;
    expect(await auth()(bearer(token))).toEqual({
      id: 'user-1',
      user: 'user-1',
      team: 'search',
      allowedModels: ['fast', 'gpt-4o'],
      tags: ['tier:gold'],
      limits: { requestsPerMinute: 60, tokensPerMinute: 10_000 },
    });
    expect(await auth()(bearer(await sign(ecKey)))).toEqual({ id: 'user-1', user: 'user-1' });
  });

  it('answers undefined without a token', async () => {
    expect(await auth()({ method: 'GET', path: '/v1/models', headers: {} })).toBeUndefined();
    expect(await auth()({ method: 'GET', path: '/v1/models', headers: { authorization: 'Basic abc' } })).toBe(
      undefined,
    );
  });

  it('checks exp and nbf with the clock-skew allowance (30 s by default, configurable)', async () => {
    const hook = auth();
    const token = await sign(oldKey, { expiresIn: 60, notBefore: -1 });
    const at = async (offsetSec: number, h = hook) => {
      now = NOW + offsetSec * 1000;
      try {
        return (await h(bearer(token))) ? 'ok' : 'undefined';
      } catch (error) {
        return (error as SwitchyardError).code;
      }
    };
    expect(await at(0)).toBe('ok');
    expect(await at(60 + 29)).toBe('ok'); // expired 29 s ago: within the skew
    expect(await at(60 + 31)).toBe('expired');
    expect(await at(60 + 29, auth({ clockSkewMs: 0 }))).toBe('expired');
    const future = await sign(oldKey, { notBefore: 45, expiresIn: 600 });
    now = NOW;
    await expect(hook(bearer(future))).rejects.toMatchObject({ code: 'not_yet_valid' });
    now = NOW + 20_000; // nbf 25 s ahead: within the skew
    expect(await hook(bearer(future))).toMatchObject({ id: 'user-1' });
  });

  it('refuses a wrong issuer, a wrong audience, a missing or empty sub, an old iat when maxTokenAgeMs is set', async () => {
    const hook = auth();
    expect(await outcome(hook, await sign(oldKey, { issuer: 'https://evil.test/' }))).toBe('wrong_issuer');
    expect(await outcome(hook, await sign(oldKey, { audience: 'other' }))).toBe('wrong_audience');
    expect(await outcome(hook, await sign(oldKey, { audience: ['other', AUDIENCE] }))).toBe('accepted');
    expect(await outcome(hook, await sign(oldKey, { subject: null }))).toBe('missing_sub');
    expect(await outcome(hook, await sign(oldKey, { subject: '' }))).toBe('missing_sub');
    const aged = auth({ maxTokenAgeMs: 60_000 });
    expect(await outcome(aged, await sign(oldKey, { issuedAt: -120 }))).toBe('too_old');
    expect(await outcome(aged, await sign(oldKey, { issuedAt: -10 }))).toBe('accepted');
    expect(await outcome(auth({ issuer: ['a', ISSUER] }), await sign(oldKey))).toBe('accepted');
  });

  it('refuses a forged signature, an unknown kid and malformed tokens', async () => {
    const hook = auth();
    // Signed by another private key but claiming the known kid.
    expect(await outcome(hook, await sign({ ...newKey, kid: 'old' }))).toBe('bad_signature');
    expect(await outcome(hook, await sign(newKey))).toBe('unknown_kid');
    const good = await sign(oldKey);
    const [h, p, s] = good.split('.') as [string, string, string];
    const tampered = `${h}.${b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'admin' })}.${s}`;
    expect(await outcome(hook, tampered)).toBe('bad_signature');
    for (const bad of [
      'abc',
      'a.b.c',
      `${h}.${p}`,
      `${h}.!!.${s}`,
      `${b64('x')}.${p}.${s}`,
      'x'.repeat(20_000),
    ]) {
      expect(await outcome(hook, bad)).toBe('malformed');
    }
  });

  it('never accepts alg none, an algorithm outside the allow-list, or HS/RS confusion', async () => {
    const hook = auth();
    const payload = b64({ iss: ISSUER, aud: AUDIENCE, sub: 'user-1', exp: NOW / 1000 + 600 });
    expect(await outcome(hook, `${b64({ alg: 'none' })}.${payload}.`)).toBe('alg_not_allowed');
    expect(await outcome(hook, `${b64({ alg: 'none', kid: 'old' })}.${payload}.`)).toBe('alg_not_allowed');
    // The classic confusion: HS256 with the RSA public key (PEM, then JWK JSON) as the HMAC secret.
    for (const secret of [
      await exportSPKI(oldKey.publicKey),
      JSON.stringify(await exportJWK(oldKey.publicKey)),
    ]) {
      const forged = await new SignJWT({ sub: 'admin' })
        .setProtectedHeader({ alg: 'HS256', kid: 'old' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime(NOW / 1000 + 600)
        .sign(new TextEncoder().encode(secret));
      expect(await outcome(hook, forged)).toBe('alg_not_allowed');
    }
    // ES256 is valid for the key, but not in this allow-list.
    expect(await outcome(auth({ algorithms: ['RS256'] }), await sign(ecKey))).toBe('alg_not_allowed');
    // An RS256 token whose header says PS256: allowed name, wrong key algorithm.
    expect(await outcome(hook, await sign(oldKey, { header: { alg: 'RS256', kid: 'ec' } }))).not.toBe(
      'accepted',
    );
  });

  it('maps claims with a user principal(claims), which may refuse (undefined) or forbid (403)', async () => {
    const token = await sign(oldKey, { claims: { azp: 'svc-a', team: 'ml' } });
    now = NOW;
    const custom = auth({
      principal: (claims) => ({ ...principalFromClaims(claims), key: String(claims.azp) }),
    });
    expect(await custom(bearer(token))).toEqual({ id: 'user-1', user: 'user-1', key: 'svc-a', team: 'ml' });
    expect(await auth({ principal: () => undefined })(bearer(token))).toBeUndefined();
    const forbid = auth({
      principal: () => {
        throw new SwitchyardError('auth', 'not in the beta', { status: 403 });
      },
    });
    await expect(forbid(bearer(token))).rejects.toMatchObject({ kind: 'auth', status: 403 });
  });

  it('refuses claims of the wrong type (bad_claims)', async () => {
    const hook = auth();
    for (const claims of [{ models: 'fast' }, { rpm: -1 }, { tpm: 1.5 }, { team: 7 }, { tags: [1] }]) {
      expect(await outcome(hook, await sign(oldKey, { claims }))).toBe('bad_claims');
    }
  });
});

describe('jwtAuth: keys and rotation', () => {
  it('a JWKS file: during a rollover tokens of both keys pass; after the old key is removed and reload(), the old ones fail', async () => {
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [oldKey.jwk] }));
    const hook = jwtAuth({ jwksFile: file, issuer: ISSUER, audience: AUDIENCE, clock });
    const [oldToken, newToken] = [await sign(oldKey), await sign(newKey)];
    expect(await outcome(hook, oldToken)).toBe('accepted');
    expect(await outcome(hook, newToken)).toBe('unknown_kid');

    writeFileSync(file, JSON.stringify({ keys: [oldKey.jwk, newKey.jwk] }));
    expect(await outcome(hook, newToken)).toBe('unknown_kid'); // not re-read until reload()
    await hook.reload();
    expect(await outcome(hook, oldToken)).toBe('accepted');
    expect(await outcome(hook, newToken)).toBe('accepted');

    writeFileSync(file, JSON.stringify({ keys: [newKey.jwk] }));
    await hook.reload();
    expect(await outcome(hook, oldToken)).toBe('unknown_kid');
    expect(await outcome(hook, newToken)).toBe('accepted');

    // A broken file on reload: a config error naming the field, and the last good keys stay.
    writeFileSync(file, '{"keys": [ not json');
    const failed = await hook.reload().catch((e: unknown) => e);
    expect(failed).toMatchObject({
      kind: 'config',
      message: 'jwtAuth: jwksFile: the file is not valid JSON',
    });
    expect(await outcome(hook, newToken)).toBe('accepted');
  });

  it('tokens without kid: every key that fits is tried', async () => {
    const hook = auth({ jwks: { keys: [oldKey.jwk, { ...newKey.jwk, kid: undefined }] } as never });
    const noKid = { header: { kid: undefined } };
    expect(await outcome(hook, await sign(newKey, noKid))).toBe('accepted');
    expect(await outcome(hook, await sign(oldKey, noKid))).toBe('accepted');
    const stranger = await makeKey('x');
    expect(await outcome(hook, await sign(stranger, noKid))).toBe('bad_signature');
    expect(await outcome(hook, await sign(newKey, { ...noKid, audience: 'other' }))).toBe('wrong_audience');
  });
});

describe('jwtAuth: options', () => {
  const base = { issuer: ISSUER, audience: AUDIENCE };
  const configError = (options: unknown): string => {
    try {
      jwtAuth(options as JwtAuthOptions);
    } catch (error) {
      expect(error).toMatchObject({ kind: 'config' });
      return (error as Error).message;
    }
    throw new Error('no error');
  };

  it('refuses bad options with a config error naming the field', async () => {
    const jwks = { keys: [oldKey.jwk] };
    expect(configError({ ...base })).toMatch(/^jwtAuth: jwksFile \| jwks \| jwksUrl: give exactly one/);
    expect(configError({ ...base, jwks, jwksUrl: 'https://x.test/' })).toMatch(/^jwtAuth: jwks \+ jwksUrl:/);
    expect(configError({ ...base, jwks, issuer: '' })).toMatch(/^jwtAuth: issuer:/);
    expect(configError({ ...base, jwks, issuer: [] })).toMatch(/^jwtAuth: issuer:/);
    expect(configError({ ...base, jwks, audience: undefined })).toMatch(/^jwtAuth: audience:/);
    expect(configError({ ...base, jwks, algorithms: ['RS256', 'HS256'] })).toMatch(
      /^jwtAuth: algorithms: HS256 is a symmetric \(HMAC\) algorithm/,
    );
    expect(configError({ ...base, jwks, algorithms: ['none'] })).toMatch(/^jwtAuth: algorithms:/);
    expect(configError({ ...base, jwks, algorithms: [] })).toMatch(/^jwtAuth: algorithms:/);
    expect(configError({ ...base, jwks, clockSkewMs: -1 })).toMatch(/^jwtAuth: clockSkewMs:/);
    expect(configError({ ...base, jwks, maxTokenAgeMs: 0 })).toMatch(/^jwtAuth: maxTokenAgeMs:/);
    expect(configError({ ...base, jwks, remote: { timeoutMs: 'x' } })).toMatch(/^jwtAuth: remote.timeoutMs:/);
    expect(configError({ ...base, jwks, principal: 'x' })).toMatch(/^jwtAuth: principal:/);
    expect(configError({ ...base, jwks, cacheSize: -1 })).toMatch(/^jwtAuth: cacheSize:/);
    expect(configError({ ...base, jwks: { keys: 'x' } })).toMatch(/^jwtAuth: jwks:/);
    expect(configError({ ...base, jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } })).toBe(
      'jwtAuth: jwks.keys[0]: holds a secret or private key; a JWKS for verification has public keys only',
    );
    const privateJwk = await exportJWK(oldKey.privateKey);
    const message = configError({ ...base, jwks: { keys: [oldKey.jwk, privateJwk] } });
    expect(message).toMatch(/^jwtAuth: jwks.keys\[1\]: holds a secret or private key/);
    expect(message).not.toContain(String(privateJwk.d).slice(0, 12));
    expect(configError({ ...base, jwks: { keys: [{ ...oldKey.jwk, alg: 'HS256' }] } })).toMatch(
      /^jwtAuth: jwks.keys\[0\].alg:/,
    );
    expect(configError({ ...base, jwksUrl: 'http://idp.example.com/jwks' })).toMatch(
      /^jwtAuth: jwksUrl: expected an https: URL/,
    );
    expect(configError({ ...base, jwksUrl: 'https://u:p@idp.example.com/jwks' })).toMatch(
      /^jwtAuth: jwksUrl: credentials/,
    );
    expect(configError({ ...base, jwksUrl: 'not a url' })).toMatch(/^jwtAuth: jwksUrl:/);
    expect(() => jwtAuth({ ...base, jwksUrl: 'http://127.0.0.1:9/jwks' })).not.toThrow();
  });

  it('an unreadable or invalid JWKS file is a config error at construction, without its content', () => {
    const missing = join(dir, 'nope.json');
    expect(configError({ ...base, jwksFile: missing })).toBe(
      'jwtAuth: jwksFile: cannot read the file (ENOENT)',
    );
    const secret = join(dir, 'secret.json');
    writeFileSync(secret, JSON.stringify({ keys: [{ kty: 'oct', k: 'dG9wLXNlY3JldC12YWx1ZQ' }] }));
    const message = configError({ ...base, jwksFile: secret });
    expect(message).toMatch(/^jwtAuth: jwksFile.keys\[0\]: holds a secret/);
    expect(message).not.toContain('dG9wLXNlY3JldC12YWx1ZQ');
    const text = join(dir, 'text.json');
    writeFileSync(text, 'secret-looking text');
    expect(configError({ ...base, jwksFile: text })).toBe('jwtAuth: jwksFile: the file is not valid JSON');
  });
});
