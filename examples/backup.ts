/**
 * Backup and restore: a router snapshots its state (breakers, what `adaptive` learned, budget
 * spend) to a directory every 100 ms; a "new process" — here a second router — restores the
 * newest valid snapshot before it takes traffic, so the failing target stays out and the budget
 * keeps what was spent. Then the newest file is torn, and the restore falls back to the one
 * before it, saying so. No API keys, no network; files in a temporary directory.
 *
 * Run: npx tsx examples/backup.ts
 */
import { mkdtempSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Router, type RouterOptions } from 'switchyard-llm';
import { FileSnapshotSink, restoreLatest, startSnapshots } from 'switchyard-llm/backup';
import { MockAdapter } from 'switchyard-llm/testing';

const options = (): RouterOptions => ({
  targets: [
    {
      id: 'flaky',
      model: 'm',
      price: { inputPerMTok: 1, outputPerMTok: 4 },
      adapter: new MockAdapter(() => ({ error: { status: 503 }, delayMs: 5 })),
    },
    {
      id: 'steady',
      model: 'm',
      price: { inputPerMTok: 1, outputPerMTok: 4 },
      adapter: new MockAdapter(() => ({
        text: 'ok',
        delayMs: 10,
        usage: { inputTokens: 500, outputTokens: 200 },
      })),
    },
  ],
  strategy: 'adaptive',
  breaker: { failureThreshold: 1, cooldownMs: 600_000 }, // one 503 ejects for ten minutes
  budgets: [{ id: 'team', limitUsd: 1, period: 'day' }],
});
const ask = { messages: [{ role: 'user' as const, content: 'Summarise our week.' }], maxOutputTokens: 200 };

const dir = mkdtempSync(join(tmpdir(), 'switchyard-backup-example-'));
try {
  // The first process: serves, and snapshots every 100 ms (a real deployment keeps the 5 s default).
  const sink = new FileSnapshotSink({ dir });
  const first = new Router(options());
  const snapshots = startSnapshots(first, { sink, everyMs: 100, keep: 5 });
  snapshots.on('error', (e) => console.error(`snapshot failed: ${e.error.message}`));
  for (let i = 0; i < 30; i++) await first.complete(ask);
  await new Promise((resolve) => setTimeout(resolve, 250));
  await snapshots.stop(); // a final snapshot on a graceful shutdown
  const spent = first.budgets()[0]!.spentUsd;
  console.log(`first router: ${snapshots.written} snapshots written, ${readdirSync(dir).length} kept`);
  console.log(`first router: flaky is ${first.health()[0]!.state}, budget spent $${spent.toFixed(4)}`);

  // The next process restores before it takes traffic.
  const second = new Router(options());
  const result = await restoreLatest(second, sink);
  console.log(`restored ${result.restored?.id}`);
  console.log(
    `second router: flaky is ${second.health()[0]!.state}, budget spent $${second.budgets()[0]!.spentUsd.toFixed(4)}`,
  );
  const res = await second.complete(ask);
  console.log(`second router's first call: ${res.target} after ${res.attempts.length} attempt(s)`);

  // A torn newest file (a disk that lost its end) is passed over with an event.
  truncateSync(join(dir, result.restored!.id), 120);
  const third = new Router(options());
  const again = await restoreLatest(third, sink, {
    onSkip: (e) => console.log(`skipped ${e.id}: ${e.reason} (${e.message})`),
  });
  console.log(`restored the previous one instead: ${again.restored?.id}`);
  await Promise.all([first.close(), second.close(), third.close()]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
