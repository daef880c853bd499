import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isSwitchyardError } from '../../index.js';
import { jwtAuth } from './jwt-auth.js';
import type { JsonWebKeySet } from './jwt-options.js';
import { AUDIENCE, b64, bearer, ISSUER, makeKey, NOW, signToken, type TestKey } from './jwt-test-keys.js';
import { chatBody, JSON_HEADERS, send, startGateway, type TestGateway } from './test-helpers.js';

let a: TestKey;
let b: TestKey;
const clock = { now: () => NOW };

beforeAll(async () => {
  [a, b] = await Promise.all([makeKey('key-a'), makeKey('key-b', 'ES256')]);
});

describe('jwtAuth over the real gateway', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  it('a valid token calls through with its principal; every refusal gets the same generic 401', async () => {
    const errors: unknown[] = [];
    gw = await startGateway([{ text: 'hi' }], {
      authenticate: jwtAuth({ jwks: { keys: [a.jwk] }, issuer: ISSUER, audience: AUDIENCE, clock }),
      onError: (e) => errors.push(e),
    });
    const seen: unknown[] = [];
    gw.router.on('request:start', (e) => seen.push(e.metadata));
    const token = await signToken(a, { claims: { team: 'search' } });
    const ok = await send(gw.port, 'POST', '/v1/chat/completions', chatBody(), {
      ...JSON_HEADERS,
      authorization: `Bearer ${token}`,
    });
    expect(ok.status).toBe(200);
    expect(seen[0]).toMatchObject({
      principal: 'user-1',
      user: 'user-1',
      team: 'search',
    });

    const refused = {
      none: undefined,
      expired: await signToken(a, { expiresIn: -3600 }),
      forged: await signToken({ ...b, kid: 'key-a', alg: 'ES256' }),
      unknownKid: await signToken(b),
      audience: await signToken(a, { audience: 'other' }),
      issuer: await signToken(a, { issuer: 'https://evil.test/' }),
      algNone: `${b64({ alg: 'none' })}.${b64({ sub: 'x', iss: ISSUER, aud: AUDIENCE })}.`,
      garbage: 'not-a-jwt',
    };
    const answers = [];
    for (const [name, t] of Object.entries(refused)) {
      const answer = await send(gw.port, 'POST', '/v1/chat/completions', chatBody(), {
        ...JSON_HEADERS,
        ...(t === undefined ? {} : { authorization: `Bearer ${t}` }),
      });
      expect(answer.status, name).toBe(401);
      expect(answer.headers['www-authenticate'], name).toBe('Bearer');
      if (t !== undefined)
        for (const part of t.split('.')) if (part.length > 8) expect(answer.text).not.toContain(part);
      answers.push(answer.text);
    }
    expect(new Set(answers).size).toBe(1);
    expect(JSON.parse(answers[0] as string)).toEqual({
      error: {
        message: 'Missing or invalid API key.',
        type: 'authentication_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
    expect(gw.adapter.calls).toHaveLength(1); // nothing refused reached the upstream
    expect(errors).toEqual([]); // refusals are not gateway failures
  });
});

/** A JWKS server on 127.0.0.1:0 whose key set (or behaviour) the test changes. */
async function jwksServer(initial: JsonWebKeySet) {
  const state = { jwks: initial, mode: 'ok' as 'ok' | 'hang' | '500', fetches: 0 };
  const server: Server = createServer((_req, res) => {
    state.fetches++;
    if (state.mode === 'hang') return; // never answers
    if (state.mode === '500') {
      res.writeHead(500).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state.jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  return {
    state,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('jwtAuth with a remote JWKS', () => {
  let server: Awaited<ReturnType<typeof jwksServer>>;
  beforeAll(async () => {
    server = await jwksServer({ keys: [a.jwk] });
  });
  afterAll(() => server.close());

  const reason = async (p: Promise<unknown>) =>
    p.then(
      (v) => (v === undefined ? 'undefined' : 'accepted'),
      (e: unknown) => (isSwitchyardError(e) && e.kind === 'auth' ? e.code : Promise.reject(e)),
    );

  it('fetches on first use, picks up a new kid (rotation), and drops a removed key on reload()', async () => {
    server.state.jwks = { keys: [a.jwk] };
    server.state.mode = 'ok';
    const hook = jwtAuth({
      jwksUrl: server.url,
      issuer: ISSUER,
      audience: AUDIENCE,
      clock,
      remote: { cooldownMs: 0 },
    });
    const [tokenA, tokenB] = [await signToken(a), await signToken(b)];
    const before = server.state.fetches;
    expect(await reason(hook(bearer(tokenA)))).toBe('accepted');
    expect(await reason(hook(bearer(tokenA)))).toBe('accepted');
    expect(server.state.fetches - before).toBe(1); // cached

    server.state.jwks = { keys: [a.jwk, b.jwk] }; // the IdP publishes the new key
    expect(await reason(hook(bearer(tokenB)))).toBe('accepted'); // unknown kid → re-fetch
    expect(await reason(hook(bearer(tokenA)))).toBe('accepted');

    server.state.jwks = { keys: [b.jwk] }; // the old key is retired
    await hook.reload();
    expect(await reason(hook(bearer(tokenA)))).toBe('unknown_kid');
    expect(await reason(hook(bearer(tokenB)))).toBe('accepted');
  });

  it('a JWKS server that hangs, fails or is down gives 401s (jwks_unavailable) within the timeout, not hangs', async () => {
    const errors: unknown[] = [];
    const options = {
      issuer: ISSUER,
      audience: AUDIENCE,
      clock,
      remote: { timeoutMs: 300 },
      onError: (e: unknown) => errors.push(e),
    };
    const token = await signToken(a);

    server.state.mode = 'hang';
    const started = performance.now();
    expect(await reason(jwtAuth({ jwksUrl: server.url, ...options })(bearer(token)))).toBe(
      'jwks_unavailable',
    );
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(3_000);

    server.state.mode = '500';
    expect(await reason(jwtAuth({ jwksUrl: server.url, ...options })(bearer(token)))).toBe(
      'jwks_unavailable',
    );

    const down = await jwksServer({ keys: [a.jwk] });
    await down.close();
    expect(await reason(jwtAuth({ jwksUrl: down.url, ...options })(bearer(token)))).toBe('jwks_unavailable');
    expect(errors).toHaveLength(3);
    expect(errors.every((e) => isSwitchyardError(e) && e.message === 'jwt: jwks_unavailable')).toBe(true);
    server.state.mode = 'ok';

    // Through the gateway: a plain 401, and the gateway keeps serving.
    server.state.mode = 'hang';
    const gw = await startGateway([{ text: 'hi' }], {
      authenticate: jwtAuth({ jwksUrl: server.url, ...options }),
    });
    try {
      const answer = await send(gw.port, 'GET', '/v1/models', undefined, {
        authorization: `Bearer ${token}`,
      });
      expect(answer.status).toBe(401);
      expect((await send(gw.port, 'GET', '/healthz')).status).toBe(200);
    } finally {
      server.state.mode = 'ok';
      await gw.close();
    }
  });
});
