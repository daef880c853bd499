/**
 * Gateway with JWT bearer tokens: an identity provider's keys in a local JWKS file, tokens signed
 * here with `jose`, calls made with the official `openai` SDK, then a key rotation (two keys valid
 * during the rollover, the old one retired with `reload()`). Refused tokens all get the same 401;
 * the reason stays on the server. Mock upstream: no API keys, no network beyond 127.0.0.1.
 *
 * Run: npx tsx examples/gateway-jwt.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import OpenAI from 'openai';
import { isSwitchyardError, Router } from 'switchyard-llm';
import { createGateway, jwtAuth } from 'switchyard-llm/gateway';
import { MockAdapter } from 'switchyard-llm/testing';

const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'switchyard';

/** What the identity provider does: a key pair with a kid, and tokens signed with it. */
async function idpKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const sign = (claims: Record<string, unknown>, expiresIn = '10m') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('alice')
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(privateKey);
  return { jwk, sign };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-jwt-example-'));
  const jwksFile = join(dir, 'jwks.json');
  const oldKey = await idpKey('2026-01');
  const newKey = await idpKey('2026-02');
  writeFileSync(jwksFile, JSON.stringify({ keys: [oldKey.jwk] }));

  const router = new Router({
    targets: [
      {
        id: 'primary',
        model: 'acme-small',
        aliases: ['chat'],
        adapter: new MockAdapter(() => ({ text: 'Hello from behind the JWT check.' })),
      },
    ],
  });
  router.on('request:start', (e) => console.log('principal:', JSON.stringify(e.metadata)));
  const auth = jwtAuth({ jwksFile, issuer: ISSUER, audience: AUDIENCE });
  const gateway = createGateway(router, { port: 0, authenticate: auth });
  const { url } = await gateway.start();
  // In a service: process.on('SIGHUP', () => void auth.reload().catch(console.error));

  const ask = async (label: string, token: string): Promise<void> => {
    const client = new OpenAI({ apiKey: token, baseURL: `${url}/v1`, maxRetries: 0 });
    try {
      const completion = await client.chat.completions.create({
        model: 'chat',
        messages: [{ role: 'user', content: 'Hi' }],
      });
      console.log(`${label}: ${completion.choices[0]?.message.content}`);
    } catch (error) {
      if (!(error instanceof OpenAI.APIError)) throw error;
      // The server-side reason, as an audit log would record it (the client never sees it).
      const reason = await auth({
        method: 'POST',
        path: '/v1/chat/completions',
        headers: { authorization: `Bearer ${token}` },
      }).then(
        () => 'accepted',
        (e: unknown) => (isSwitchyardError(e) ? e.message : String(e)),
      );
      console.log(`${label}: ${error.status} ${error.code} (server side: ${reason})`);
    }
  };

  const claims = { team: 'search', models: ['chat'], rpm: 60 };
  const oldToken = await oldKey.sign(claims);
  const newToken = await newKey.sign(claims);
  await ask('old key', oldToken);
  await ask('new key, not yet published', newToken);

  // Rollover: the IdP publishes the new key next to the old one.
  writeFileSync(jwksFile, JSON.stringify({ keys: [oldKey.jwk, newKey.jwk] }));
  await auth.reload();
  await ask('rollover, old key', oldToken);
  await ask('rollover, new key', newToken);

  // The old key is retired.
  writeFileSync(jwksFile, JSON.stringify({ keys: [newKey.jwk] }));
  await auth.reload();
  await ask('after rollover, old key', oldToken);
  await ask('expired token', await newKey.sign(claims, '-1h'));
  await ask('not a JWT', 'sk-not-a-jwt');

  await gateway.stop();
  await router.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
