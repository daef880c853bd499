import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_SERVER, type RedisServer, startRedis } from '../../test/helpers/redis-server.js';
import { verifyAuditStream } from '../audit/index.js';
import { KeyVault, redisVaultStorage } from './index.js';

const WRITERS = 4;
const EACH = 15;

/** Runs the bundled worker; resolves with its exit code and stderr. */
function run(file: string, args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.once('exit', (code) => resolve({ code, err }));
  });
}

describe.skipIf(REDIS_SERVER === undefined)('vault and audit stream shared by several processes', () => {
  let redis: RedisServer;
  let client: ReturnType<typeof createClient>;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    redis = await startRedis();
    client = await createClient({ url: redis.url }).connect();
    dir = mkdtempSync(join(tmpdir(), 'switchyard-redis-extras-'));
    file = join(dir, 'worker.mjs');
    await build({
      entryPoints: [join(import.meta.dirname, '../../test/helpers/redis-extras-worker.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: file,
      logLevel: 'silent',
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`${WRITERS} processes adding keys and audit entries at once lose nothing and keep one chain`, async () => {
    const master = randomBytes(32);
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, w) =>
        run(file, [redis.url, 'proc:vault', 'proc:audit', `w${w}`, String(EACH), master.toString('hex')]),
      ),
    );
    expect(results).toEqual(Array.from({ length: WRITERS }, () => ({ code: 0, err: '' })));
    const vault = await KeyVault.open({
      storage: redisVaultStorage(client, { key: 'proc:vault' }),
      masterKey: { key: master },
    });
    expect(vault.list()).toHaveLength(WRITERS * EACH);
    for (let w = 0; w < WRITERS; w++)
      expect(vault.reveal(`w${w}-${EACH - 1}`)).toBe(`sk-w${w}-${EACH - 1}-proc-canary`);
    expect(await client.hGet('proc:vault', 'doc')).not.toContain('canary');
    expect(await verifyAuditStream(client, 'proc:audit')).toMatchObject({
      ok: true,
      entries: WRITERS * EACH,
    });
  }, 60_000);
});
