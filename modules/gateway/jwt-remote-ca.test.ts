/**
 * jwtAuth with a remote JWKS behind a private CA (`jwks: { url, ca }`, or `jwksUrl` with
 * `remote.ca`): a local HTTPS JWKS server with a certificate from test/helpers/certificates.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSwitchyardError } from '../../index.js';
import { makeCertificates, type TestCertificates } from '../../test/helpers/certificates.js';
import { configError } from '../config/test-helpers.js';
import { jwtAuth } from './jwt-auth.js';
import { AUDIENCE, bearer, ISSUER, makeKey, NOW, signToken, type TestKey } from './jwt-test-keys.js';

const clock = { now: () => NOW };

describe('jwtAuth: remote JWKS over HTTPS with a private CA', () => {
  let dir: string;
  let certs: TestCertificates;
  let server: Server;
  let url: string;
  let key: TestKey;
  let fetches = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-ops-jwks-'));
    certs = makeCertificates(dir);
    key = await makeKey('k1', 'ES256');
    server = createServer({ cert: certs.serverCert, key: certs.serverKey }, (_req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [key.jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }, 30_000);

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  /** What the hook decided: the principal's id, or the refusal's message. */
  async function outcome(promise: Promise<unknown>): Promise<string> {
    try {
      const principal = (await promise) as { id: string } | undefined;
      return principal?.id ?? 'undefined';
    } catch (error) {
      return isSwitchyardError(error) ? error.message : String(error);
    }
  }

  it('verifies tokens with keys fetched from a server whose certificate chains to the given CA', async () => {
    const token = await signToken(key);
    const before = fetches;
    const viaJwks = jwtAuth({ jwks: { url, ca: certs.ca }, issuer: ISSUER, audience: AUDIENCE, clock });
    expect(await outcome(viaJwks(bearer(token)))).toBe('user-1');
    expect(await outcome(viaJwks(bearer(await signToken(key, { subject: 'user-2' }))))).toBe('user-2');
    expect(fetches - before).toBe(1); // fetched once, then cached
    const viaRemote = jwtAuth({
      jwksUrl: url,
      remote: { ca: [certs.ca] },
      issuer: ISSUER,
      audience: AUDIENCE,
      clock,
    });
    expect(await outcome(viaRemote(bearer(token)))).toBe('user-1');
  });

  it('refuses (jwks_unavailable, a 401 at the gateway) without the CA or with another one; onError hears of it', async () => {
    const token = await signToken(key);
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    const before = fetches;
    const other = jwtAuth({
      jwks: { url, ca: certs.otherCa },
      issuer: ISSUER,
      audience: AUDIENCE,
      clock,
      onError,
    });
    expect(await outcome(other(bearer(token)))).toBe('jwt: jwks_unavailable');
    // Node's own CAs do not know the test CA either.
    const none = jwtAuth({ jwksUrl: url, issuer: ISSUER, audience: AUDIENCE, clock, onError });
    expect(await outcome(none(bearer(token)))).toBe('jwt: jwks_unavailable');
    expect(fetches).toBe(before); // no request got past the handshake
    expect(errors).toHaveLength(2);
  });

  it('config errors name the field and never quote a certificate', () => {
    expect(
      configError(() => jwtAuth({ jwks: { url, ca: 'not a pem' }, issuer: ISSUER, audience: AUDIENCE })),
    ).toBe('jwtAuth: jwks.ca: expected PEM certificates (a string or an array of them)');
    expect(
      configError(() => jwtAuth({ jwksUrl: url, remote: { ca: [] }, issuer: ISSUER, audience: AUDIENCE })),
    ).toBe('jwtAuth: remote.ca: expected PEM certificates (a string or an array of them)');
    expect(
      configError(() =>
        jwtAuth({ jwks: { url: 'http://idp.example/jwks.json' }, issuer: ISSUER, audience: AUDIENCE }),
      ),
    ).toBe('jwtAuth: jwks.url: expected an https: URL (http: only on a loopback address)');
    expect(
      configError(() =>
        jwtAuth({
          jwks: { url, ca: certs.ca },
          remote: { timeoutMs: 5 },
          issuer: ISSUER,
          audience: AUDIENCE,
        }),
      ),
    ).toBe('jwtAuth: jwks + remote: give the remote settings in one place (jwks: { url, … })');
    expect(
      configError(() => jwtAuth({ jwks: { url, timeoutMs: -1 }, issuer: ISSUER, audience: AUDIENCE })),
    ).toBe('jwtAuth: jwks.timeoutMs: expected an integer between 0 and 60000');
  });
});
