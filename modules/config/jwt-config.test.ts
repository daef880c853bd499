/**
 * `gateway.jwt` in the config file: the schema accepts what `jwtAuth` takes and refuses the rest
 * at its JSON path; buildRouter turns it into a working JWT hook (the file read, the CA files
 * read, jwtAuth's own checks re-pathed to `gateway.jwt.…`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE, bearer, ISSUER, makeKey, signToken, type TestKey } from '../gateway/jwt-test-keys.js';
import { buildRouter, openServices, parseConfig } from './index.js';
import { jwtAuthOptions } from './jwt.js';
import { configError } from './test-helpers.js';

const target = { id: 't1', provider: 'openai', model: 'gpt-x', apiKey: 'sk-test-0123456789' };
const withJwt = (jwt: Record<string, unknown>) => ({ targets: [target], metrics: false, gateway: { jwt } });
const base = { jwksUrl: 'https://idp.test/.well-known/jwks.json', issuer: ISSUER, audience: AUDIENCE };
const refused = (jwt: Record<string, unknown>) => configError(() => parseConfig(withJwt(jwt), {}));

describe('gateway.jwt: the schema', () => {
  it('accepts each key source with every option jwtAuth takes from JSON', () => {
    const full = {
      ...base,
      remote: {
        timeoutMs: 2000,
        cooldownMs: 10_000,
        cacheMaxAgeMs: 60_000,
        headers: { 'x-idp-key': '${IDP_KEY}' },
        caFile: '/etc/ssl/idp-ca.pem',
      },
      algorithms: ['RS256', 'ES384', 'EdDSA'],
      clockSkewMs: 5000,
      maxTokenAgeMs: 3_600_000,
      cacheSize: 0,
      issuer: [ISSUER, 'https://idp2.test/'],
      audience: ['switchyard', 'other'],
    };
    const config = parseConfig(withJwt(full), { IDP_KEY: 'idp-secret' });
    expect(config.gateway?.jwt).toEqual({
      ...full,
      remote: { ...full.remote, headers: { 'x-idp-key': 'idp-secret' } },
    });
    const file = { jwksFile: 'jwks.json', issuer: ISSUER, audience: AUDIENCE };
    expect(parseConfig(withJwt(file), {}).gateway?.jwt).toEqual(file);
    const inline = {
      jwks: { keys: [{ kty: 'RSA', kid: 'a', n: 'x', e: 'AQAB' }] },
      issuer: ISSUER,
      audience: AUDIENCE,
    };
    expect(parseConfig(withJwt(inline), {}).gateway?.jwt).toEqual(inline);
    const remote = {
      jwks: { url: 'https://idp.internal/jwks.json', caFile: ['a.pem', 'b.pem'], timeoutMs: 1000 },
      issuer: ISSUER,
      audience: AUDIENCE,
    };
    expect(parseConfig(withJwt(remote), {}).gateway?.jwt).toEqual(remote);
  });

  it('refuses none, HMAC algorithms among asymmetric ones, and unknown names, at the index', () => {
    expect(refused({ ...base, algorithms: ['none'] })).toBe(
      'config: gateway.jwt.algorithms[0]: expected one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519',
    );
    expect(refused({ ...base, algorithms: ['RS256', 'HS256'] })).toMatch(
      /^config: gateway\.jwt\.algorithms\[1\]: HS256 is a symmetric \(HMAC\) algorithm: refused/,
    );
    expect(refused({ ...base, algorithms: [] })).toMatch(/^config: gateway\.jwt\.algorithms: /);
    // An unknown name is not quoted back (it could be a substituted secret).
    expect(refused({ ...base, algorithms: ['hunter2-secret'] })).not.toContain('hunter2');
  });

  it('requires issuer and audience, non-empty', () => {
    expect(refused({ jwksUrl: base.jwksUrl, audience: AUDIENCE })).toMatch(/^config: gateway\.jwt\.issuer: /);
    expect(refused({ jwksUrl: base.jwksUrl, issuer: ISSUER })).toMatch(/^config: gateway\.jwt\.audience: /);
    expect(refused({ ...base, issuer: ' ' })).toMatch(/^config: gateway\.jwt\.issuer: /);
    expect(refused({ ...base, audience: [] })).toMatch(/^config: gateway\.jwt\.audience: /);
  });

  it('wants exactly one key source, and remote settings only for a remote one', () => {
    expect(refused({ issuer: ISSUER, audience: AUDIENCE })).toBe(
      'config: gateway.jwt: give exactly one key source: jwksFile, jwks, jwksUrl',
    );
    expect(refused({ ...base, jwksFile: 'jwks.json' })).toBe(
      'config: gateway.jwt.jwksUrl: give exactly one key source: jwksFile, jwks, jwksUrl',
    );
    expect(
      refused({ jwksFile: 'j.json', issuer: ISSUER, audience: AUDIENCE, remote: { timeoutMs: 1 } }),
    ).toBe('config: gateway.jwt.remote: only with jwksUrl');
    expect(
      refused({
        jwks: { url: 'https://idp/j' },
        issuer: ISSUER,
        audience: AUDIENCE,
        remote: { timeoutMs: 1 },
      }),
    ).toBe('config: gateway.jwt.remote: give the remote settings in one place (jwks: { url, … })');
  });

  it('checks ranges, URLs, the JWKS shape and unknown keys at their paths', () => {
    expect(refused({ ...base, clockSkewMs: 300_001 })).toMatch(/^config: gateway\.jwt\.clockSkewMs: /);
    expect(refused({ ...base, maxTokenAgeMs: 0 })).toMatch(/^config: gateway\.jwt\.maxTokenAgeMs: /);
    expect(refused({ ...base, cacheSize: -1 })).toMatch(/^config: gateway\.jwt\.cacheSize: /);
    expect(refused({ ...base, remote: { timeoutMs: 60_001 } })).toMatch(
      /^config: gateway\.jwt\.remote\.timeoutMs: /,
    );
    expect(refused({ ...base, jwksUrl: 'ftp://idp/j' })).toBe(
      'config: gateway.jwt.jwksUrl: expected an https: URL',
    );
    expect(refused({ ...base, jwksUrl: undefined, jwks: { url: 'nope' } })).toBe(
      'config: gateway.jwt.jwks.url: expected an https: URL',
    );
    expect(refused({ ...base, jwksUrl: undefined, jwks: { keys: [{ kid: 'a' }] } })).toMatch(
      /^config: gateway\.jwt\.jwks\.keys\[0\]\.kty: /,
    );
    expect(refused({ ...base, jwksUrl: undefined, jwks: { url: 'https://idp/j', cafile: 'x' } })).toBe(
      'config: gateway.jwt.jwks.cafile: unknown key',
    );
    expect(refused({ ...base, audiences: ['a'] })).toBe('config: gateway.jwt.audiences: unknown key');
  });
});

describe('gateway.jwt: built', () => {
  let dir: string;
  let key: TestKey;
  const liveToken = (k: TestKey, o: Parameters<typeof signToken>[1] = {}) => {
    // signToken dates tokens from its fixed NOW; these must be valid on the system clock.
    const shift = Math.floor((Date.now() - Date.UTC(2026, 0, 1)) / 1000);
    return signToken(k, { issuedAt: shift, expiresIn: shift + 600, ...o });
  };
  beforeAll(async () => {
    key = await makeKey('k1');
  });
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('verifies tokens against the JWKS file, after the master key', async () => {
    dir = mkdtempSync(join(tmpdir(), 'jwt-config-'));
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [key.jwk] }));
    const config = parseConfig(
      {
        targets: [target],
        metrics: false,
        gateway: {
          masterKey: 'master-key-0123456789',
          jwt: { jwksFile, issuer: ISSUER, audience: AUDIENCE },
        },
      },
      {},
    );
    const built = buildRouter(config);
    try {
      const auth = built.gatewayOptions.authenticate!;
      expect(await auth(bearer(await liveToken(key)))).toEqual({ id: 'user-1', user: 'user-1' });
      expect(await auth(bearer('master-key-0123456789'))).toEqual({ id: 'master' });
      await expect(auth(bearer(await liveToken(key, { issuer: 'https://evil/' })))).rejects.toMatchObject({
        kind: 'auth',
        code: 'wrong_issuer',
      });
      const other = await makeKey('k1');
      await expect(auth(bearer(await liveToken(other)))).rejects.toMatchObject({ code: 'bad_signature' });
    } finally {
      await built.close();
    }
  });

  it('names the path of what jwtAuth refuses, and of an unreadable CA file; openServices keeps the hook', async () => {
    dir = mkdtempSync(join(tmpdir(), 'jwt-config-'));
    const build = (jwt: Record<string, unknown>) => () => buildRouter(parseConfig(withJwt(jwt), {}));
    expect(
      configError(build({ jwksFile: join(dir, 'missing.json'), issuer: ISSUER, audience: AUDIENCE })),
    ).toBe('config: gateway.jwt.jwksFile: cannot read the file (ENOENT)');
    writeFileSync(join(dir, 'private.json'), JSON.stringify({ keys: [{ ...key.jwk, d: 'secret-d' }] }));
    const privateKey = configError(
      build({ jwksFile: join(dir, 'private.json'), issuer: ISSUER, audience: AUDIENCE }),
    );
    expect(privateKey).toMatch(/^config: gateway\.jwt\.jwksFile\.keys\[0\]: holds a secret or private key/);
    expect(privateKey).not.toContain('secret-d');
    expect(configError(build({ ...base, jwksUrl: 'http://idp.example/jwks.json' }))).toBe(
      'config: gateway.jwt.jwksUrl: expected an https: URL (http: only on a loopback address)',
    );
    const ca = join(dir, 'nope.pem');
    expect(configError(build({ ...base, remote: { caFile: [ca] } }))).toBe(
      `config: gateway.jwt.remote.caFile[0]: cannot read ${ca} (ENOENT)`,
    );

    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeFileSync(join(dir, 'ca.pem'), pem);
    const options = jwtAuthOptions(
      parseConfig(
        withJwt({
          jwks: { url: 'https://idp.internal/j', caFile: join(dir, 'ca.pem') },
          issuer: ISSUER,
          audience: AUDIENCE,
        }),
        {},
      ).gateway!.jwt!,
    );
    expect(options.jwks).toEqual({ url: 'https://idp.internal/j', ca: [pem] });

    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [key.jwk] }));
    const config = parseConfig(
      withJwt({ jwksFile: join(dir, 'jwks.json'), issuer: ISSUER, audience: AUDIENCE }),
      {},
    );
    const services = await openServices(config);
    const built = buildRouter(config, services);
    try {
      expect(typeof services.jwt?.reload).toBe('function');
      expect(built.gatewayOptions.authenticate).toBe(services.jwt);
    } finally {
      await built.close();
      await services.close();
    }
  });
});
