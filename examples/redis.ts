/**
 * Shared state in Redis: two routers with their own RedisStateStore stand for two app servers.
 * They share a limit of 5 requests per minute on one target (8 calls, 5 admitted in all) and a
 * circuit breaker (one instance's failures eject the target for both).
 *
 * Uses REDIS_URL when set; otherwise starts a throwaway `redis-server` on a free loopback port
 * (no persistence) when one is installed; otherwise says so and stops. No API keys.
 *
 * Run: npx tsx examples/redis.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Router } from 'switchyard-llm';
import { RedisStateStore } from 'switchyard-llm/redis';
import { MockAdapter } from 'switchyard-llm/testing';

/** A throwaway redis-server, or undefined when none is installed. */
async function startRedis(): Promise<{ url: string; stop: () => void } | undefined> {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-example-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ];
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const started = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(false)); // not installed
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('Ready to accept connections')) resolve(true);
    });
    child.once('exit', () => resolve(false));
  });
  const stop = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  if (!started) {
    stop();
    return undefined;
  }
  child.stdout?.resume();
  return { url: `redis://127.0.0.1:${port}`, stop };
}

const local = process.env.REDIS_URL ? undefined : await startRedis();
const url = process.env.REDIS_URL ?? local?.url;
if (url === undefined) {
  console.log('skipped: no REDIS_URL and no redis-server installed');
  process.exit(0);
}

const prefix = `example:${Date.now()}:`; // a fresh namespace, so reruns on a shared Redis start clean
const stores = [new RedisStateStore({ url, prefix }), new RedisStateStore({ url, prefix })];
for (const [i, store] of stores.entries()) {
  store.on('degraded', (e) =>
    console.log(`instance ${i + 1}: Redis degraded (${e.reason}); serving locally`),
  );
}
await Promise.all(stores.map((s) => s.connect()));

let upstreamFails = false;
const adapter = new MockAdapter(() => (upstreamFails ? { error: { status: 503 } } : { text: 'ok' }));
const routers = stores.map(
  (store) =>
    new Router({
      targets: [{ id: 'gpt', adapter, model: 'gpt-4o-mini', requestsPerMinute: 5 }],
      store,
      breaker: { failureThreshold: 2, cooldownMs: 30_000 },
      retry: { maxAttempts: 1 },
    }),
);
const ask = (router: Router) =>
  router.complete({ messages: [{ role: 'user', content: 'hi' }] }).then(
    () => 'ok',
    (e: { kind: string }) => e.kind,
  );

// 1. A shared limit: 8 calls, alternating between the instances, 5 admitted in all.
const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => ask(routers[i % 2]!)));
console.log(
  `shared limit: ${outcomes.filter((o) => o === 'ok').length} of 8 calls admitted (${outcomes.join(', ')})`,
);

// 2. A shared breaker: on a target without a limit, instance 1 fails twice; instance 2 sees it ejected.
const breakerRouters = stores.map(
  (store) =>
    new Router({
      targets: [{ id: 'claude', adapter, model: 'claude-haiku' }],
      store,
      breaker: { failureThreshold: 2, cooldownMs: 30_000 },
      retry: { maxAttempts: 1 },
    }),
);
upstreamFails = true;
await ask(breakerRouters[0]!);
await ask(breakerRouters[0]!);
// The failures are written through after each call ends; pub/sub carries the ejection (ms).
for (let i = 0; i < 100 && breakerRouters[1]!.health()[0]!.state !== 'open'; i++) {
  await new Promise((r) => setTimeout(r, 20));
}
console.log(`instance 2 sees "claude" as: ${breakerRouters[1]!.health()[0]!.state}`);

for (const r of [...routers, ...breakerRouters]) await r.close();
await Promise.all(stores.map((s) => s.close()));
local?.stop();
