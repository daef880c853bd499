/**
 * Throughput of 20 processes sharing limits through one local redis-server (issue #18): each
 * process is a Router over a RedisStateStore whose one target has a requests-per-minute limit
 * (so every call makes its atomic claim) and a budget (a reservation and a settlement per call),
 * calling a counting local HTTP upstream. All processes send their calls at once, in waves of
 * `concurrency` per process; calls/s over the whole run, and the upstream count as a check.
 *
 * Run alone: node --import tsx test/bench/redis-processes.ts
 */

import { REDIS_SERVER, startRedis } from '../helpers/redis-server.js';
import { bundleWorker, startUpstream, startWorkers } from '../helpers/redis-workers.js';

/** What one run measured. */
export interface RedisProcessesRow {
  readonly processes: number;
  readonly calls: number;
  readonly ok: number;
  readonly upstreamCount: number;
  readonly seconds: number;
  readonly callsPerSecond: number;
}

/** Runs `processes` workers, each sending `waves` waves of `concurrency` calls; `undefined` without redis-server. */
export async function redisProcessesRow(
  processes = 20,
  waves = 10,
  concurrency = 20,
): Promise<RedisProcessesRow | undefined> {
  if (REDIS_SERVER === undefined) return undefined;
  const server = await startRedis();
  const upstream = await startUpstream();
  const bundle = await bundleWorker();
  const workers = await startWorkers(bundle.file, processes, {
    url: server.url,
    upstream: upstream.url,
    prefix: `bench-procs-${Date.now()}:`,
    requestsPerMinute: 1e9,
    budgets: [{ id: 'shared', limitUsd: 1e12, period: 'total' }],
  });
  try {
    await Promise.all(workers.map((w) => w.calls(2))); // warm up: connections, scripts loaded
    upstream.count = 0;
    const t0 = process.hrtime.bigint();
    let ok = 0;
    for (let i = 0; i < waves; i++) {
      const results = await Promise.all(workers.map((w) => w.calls(concurrency)));
      for (const r of results) ok += r.ok;
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const calls = processes * waves * concurrency;
    return { processes, calls, ok, upstreamCount: upstream.count, seconds, callsPerSecond: calls / seconds };
  } finally {
    await Promise.all(workers.map((w) => w.exit()));
    bundle.remove();
    await upstream.close();
    await server.stop();
  }
}

/** The row as a markdown table. */
export function redisProcessesTable(r: RedisProcessesRow): string {
  return [
    '| processes | calls | succeeded | upstream requests | seconds | calls/s |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${r.processes} | ${r.calls} | ${r.ok} | ${r.upstreamCount} | ${r.seconds.toFixed(2)} | ${Math.round(r.callsPerSecond)} |`,
  ].join('\n');
}

if (process.argv[1]?.endsWith('redis-processes.ts')) {
  const row = await redisProcessesRow();
  console.log(row === undefined ? 'no redis-server: skipped' : redisProcessesTable(row));
}
