/**
 * `switchyard-llm serve` with `gateway.jwt` from the config file: a token signed with a key of
 * the JWKS file is let in, a bad one gets 401; `SIGHUP` re-reads the JWKS file (a key rotation
 * takes effect), and an invalid file is refused (`jwt_reload_failed`) while the keys loaded
 * before keep serving.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, ScriptedServer } from '../adapter-kit/index.js';
import { parseConfig } from '../config/index.js';
import { AUDIENCE, ISSUER, makeKey, NOW, signToken, type TestKey } from '../gateway/jwt-test-keys.js';
import { runCli } from './index.js';
import { secretsOf } from './secrets.js';
import { fakeIo, OK_COMPLETION, upstreamTarget } from './test-helpers.js';

const KEY = 'sk-upstream-test-0123456789';

/** A token valid on the system clock (signToken dates tokens from its fixed NOW). */
function liveToken(key: TestKey, o: Parameters<typeof signToken>[1] = {}): Promise<string> {
  const shift = Math.floor((Date.now() - NOW) / 1000);
  return signToken(key, { issuedAt: shift, expiresIn: shift + 600, ...o });
}

describe('serve: gateway.jwt', () => {
  let upstream: ScriptedServer;
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'serve-jwt-'));
    upstream = await ScriptedServer.start();
    upstream.setDefault(json(200, OK_COMPLETION));
  });
  afterEach(async () => {
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets in tokens signed by a JWKS key, refuses bad ones with 401, and re-reads the JWKS file on SIGHUP', async () => {
    const [k1, k2, stranger] = await Promise.all([makeKey('k1'), makeKey('k2', 'ES256'), makeKey('k1')]);
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [k1.jwk] }));
    const path = join(dir, 'config.json');
    writeFileSync(
      path,
      JSON.stringify({
        targets: [upstreamTarget(upstream.url)],
        gateway: {
          port: 0,
          jwt: { jwksFile, issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256', 'ES256'] },
        },
        metrics: false,
      }),
    );
    const fake = fakeIo({ KEY });
    const exit = runCli(['serve', '--config', path], fake.io);
    const listening = await fake.waitFor('listening');
    expect(listening.auth).toBe('jwt');
    const url = String(listening.url);
    const chat = (token?: string) =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
      });

    const good = await liveToken(k1, { claims: { models: ['chat'] } });
    const ok = await chat(good);
    expect(ok.status).toBe(200);
    expect(
      ((await ok.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content,
    ).toBe('ok');
    // Signed by a key that is not in the JWKS (same kid), by the right key for another issuer,
    // expired, not a JWT at all, none at all: the same 401.
    const bad = [
      await liveToken(stranger),
      await liveToken(k1, { issuer: 'https://evil.test/' }),
      await signToken(k1),
      'not-a-jwt',
      undefined,
    ];
    for (const token of bad) {
      const res = await chat(token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    // The claims' `models` limit what the token may call.
    expect((await chat(await liveToken(k1, { claims: { models: ['other'] } }))).status).toBe(403);

    // Rotation: k2 replaces k1 in the file; nothing changes until SIGHUP.
    writeFileSync(jwksFile, JSON.stringify({ keys: [k2.jwk] }));
    const rotated = await liveToken(k2);
    expect((await chat(rotated)).status).toBe(401);
    let mark = fake.lines().length;
    fake.raise('SIGHUP');
    await fake.waitFor('jwt_reloaded', mark);
    expect((await chat(rotated)).status).toBe(200);
    expect((await chat(good)).status).toBe(401);

    // An invalid JWKS file (a private key): refused, the keys loaded before keep serving.
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...k2.jwk, d: 'private-part' }] }));
    mark = fake.lines().length;
    fake.raise('SIGHUP');
    const failed = await fake.waitFor('jwt_reload_failed', mark);
    expect(failed).toMatchObject({ level: 'error', serving: 'previous keys' });
    expect(String(failed.message)).toMatch(/jwksFile\.keys\[0\]: holds a secret or private key/);
    expect((await chat(rotated)).status).toBe(200);

    fake.raise('SIGTERM');
    expect(await exit).toBe(0);
    expect(fake.out.stderr).not.toContain(good);
    expect(fake.out.stderr).not.toContain('private-part');
  }, 60_000);

  it('refuses to start on an unreadable JWKS file, naming the path', async () => {
    const path = join(dir, 'config.json');
    writeFileSync(
      path,
      JSON.stringify({
        targets: [upstreamTarget(upstream.url)],
        gateway: { port: 0, jwt: { jwksFile: join(dir, 'none.json'), issuer: ISSUER, audience: AUDIENCE } },
        metrics: false,
      }),
    );
    const fake = fakeIo({ KEY });
    expect(await runCli(['serve', '--config', path], fake.io)).toBe(1);
    const failed = fake.lines().find((l) => l.event === 'startup_failed');
    expect(failed?.message).toBe('config: gateway.jwt.jwksFile: cannot read the file (ENOENT)');
  });

  it('cannot be turned on by a reload (restart), and its JWKS request headers are redacted from logs', async () => {
    const path = join(dir, 'config.json');
    const config = (gateway: Record<string, unknown>) =>
      JSON.stringify({
        targets: [upstreamTarget(upstream.url)],
        gateway: { port: 0, masterKey: 'master-key-0123456789', ...gateway },
        metrics: false,
      });
    writeFileSync(path, config({}));
    const fake = fakeIo({ KEY });
    const exit = runCli(['serve', '--config', path], fake.io);
    await fake.waitFor('listening');
    writeFileSync(
      path,
      config({ jwt: { jwksUrl: 'https://idp.test/jwks.json', issuer: ISSUER, audience: AUDIENCE } }),
    );
    const mark = fake.lines().length;
    fake.raise('SIGHUP');
    expect((await fake.waitFor('reload_failed', mark)).message).toBe(
      'config: gateway.jwt: JWT authentication cannot be turned on by a reload; restart to do so',
    );
    fake.raise('SIGTERM');
    expect(await exit).toBe(0);

    const remote = { headers: { authorization: '${IDP_TOKEN}' } };
    const jwt = { issuer: ISSUER, audience: AUDIENCE };
    const env = { KEY, IDP_TOKEN: 'Bearer idp-secret-token' };
    const withRemote = parseConfig(
      JSON.parse(config({ jwt: { ...jwt, jwksUrl: 'https://idp.test/j', remote } })),
      env,
    );
    expect(secretsOf(withRemote)).toContain('Bearer idp-secret-token');
    const inJwks = parseConfig(
      JSON.parse(config({ jwt: { ...jwt, jwks: { url: 'https://idp.test/j', ...remote } } })),
      env,
    );
    expect(secretsOf(inJwks)).toContain('Bearer idp-secret-token');
  });
});
