/**
 * One process of the multi-process vault and audit-stream test (modules/keys/redis-processes.test.ts):
 * opens the shared Redis vault and audit stream, adds `count` keys and records `count` audit
 * entries concurrently, then exits 0 (or prints the error and exits 1).
 * argv: url, vault key, audit key, writer name, count, master key (hex).
 */
import { createClient } from 'redis';
import { RedisAuditLog } from '../../modules/audit/index.js';
import { KeyVault, redisVaultStorage } from '../../modules/keys/index.js';

async function main(): Promise<void> {
  const [url, vaultKey, auditKey, name, count, master] = process.argv.slice(2);
  const client = await createClient({ url }).connect();
  try {
    const log = new RedisAuditLog(client, { key: auditKey });
    const vault = await KeyVault.open({
      storage: redisVaultStorage(client, { key: vaultKey }),
      masterKey: { key: Buffer.from(master ?? '', 'hex') },
    });
    const n = Number(count);
    await Promise.all(
      Array.from({ length: n }, (_, i) => [
        vault.add({ provider: 'p', id: `${name}-${i}`, secret: `sk-${name}-${i}-proc-canary` }),
        log.record('admin.call', { writer: name ?? '', n: i }),
      ]).flat(),
    );
  } finally {
    await client.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(String(error));
    process.exit(1);
  },
);
