/**
 * `gateway.jwt` when `jose` cannot be loaded: openServices fails (so `serve` does not start),
 * instead of a server that refuses every token.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { openServices, parseConfig } from './index.js';

vi.mock('jose', () => {
  throw Object.assign(new Error("Cannot find package 'jose' imported from switchyard"), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
});

it('openServices refuses gateway.jwt when jose cannot be loaded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jwt-nojose-'));
  try {
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ kty: 'RSA', kid: 'a', n: 'x', e: 'AQAB' }] }));
    const config = parseConfig(
      {
        targets: [{ id: 't1', provider: 'openai', model: 'g', apiKey: 'sk-test-0123456789' }],
        gateway: { jwt: { jwksFile, issuer: 'https://idp.test/', audience: 'switchyard' } },
      },
      {},
    );
    // vitest wraps a failing mock factory's error, so the loader reports "could not load" here
    // rather than the "npm install jose" of a real missing package (same config error, same path).
    const error = await openServices(config).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: 'config' });
    expect((error as Error).message).toMatch(
      /^config: gateway\.jwt (needs the optional peer dependency jose: npm install jose|could not load jose)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
