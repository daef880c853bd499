/**
 * What the Redis store costs (issue #18): router overhead with `RedisStateStore` (answered from
 * its local mirror: no limit, breaker closed) against the memory store; and the latency a call
 * gains from an atomic requests-per-minute claim and from a budget reservation + settlement on a
 * local redis-server (started here on a free loopback port). Medians.
 *
 * Run alone: node --import tsx test/bench/redis-overhead.ts
 */
import { MemoryStateStore, type Router, type StateStore, type TargetConfig } from '../../index.js';
import { RedisStateStore } from '../../modules/redis/index.js';
import { REDIS_SERVER, startRedis } from '../helpers/redis-server.js';
import { eightTargetRouter, median } from './eight-targets.js';

const messages = [{ role: 'user' as const, content: 'hello there' }];
const PRICE = { inputPerMTok: 0.001, outputPerMTok: 0.001 };

/** One row of the Redis table. */
export interface RedisRow {
  readonly case: string;
  readonly perCallUs: number;
  readonly addedUs: number;
}

function router(store: StateStore, extra: Partial<TargetConfig> = {}, budgets = false): Router {
  return eightTargetRouter(
    [],
    { price: PRICE, ...extra },
    {
      store,
      budgets: budgets ? [{ id: 'bench', limitUsd: 1e9, period: 'total' }] : undefined,
    },
  );
}

async function round(r: Router, calls: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await r.complete({ messages, model: 'chat' });
  return Number(process.hrtime.bigint() - t0) / calls / 1000;
}

/** Times each case in alternating rounds; returns the median µs per call of each. */
async function timeCases(
  cases: Record<string, { r: Router; calls: number }>,
  rounds: number,
): Promise<Record<string, number>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const { r, calls } of Object.values(cases)) await round(r, Math.min(calls, 500)); // warm up
  for (let i = 0; i < rounds; i++) {
    for (const [name, { r, calls }] of Object.entries(cases)) times[name]!.push(await round(r, calls));
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

/** Runs the Redis benches; `undefined` when no redis-server is installed. */
export async function redisRows(quick: boolean): Promise<RedisRow[] | undefined> {
  if (REDIS_SERVER === undefined) return undefined;
  const server = await startRedis();
  const stores: RedisStateStore[] = [];
  const connect = async (prefix: string) => {
    const s = new RedisStateStore({ url: server.url, prefix, commandTimeoutMs: 2000 });
    await s.connect();
    stores.push(s);
    return s;
  };
  try {
    const fast = quick ? 2000 : 10_000;
    const slow = quick ? 300 : 1500;
    const rounds = quick ? 3 : 7;
    const memory = router(new MemoryStateStore());
    const mirror = router(await connect('bench-mirror:'));
    const limited = router(await connect('bench-rpm:'), { requestsPerMinute: 1e9 });
    const budgeted = router(await connect('bench-budget:'), {}, true);
    const both = router(await connect('bench-both:'), { requestsPerMinute: 1e9 }, true);
    const local = await timeCases(
      { memory: { r: memory, calls: fast }, mirror: { r: mirror, calls: fast } },
      rounds,
    );
    const remote = await timeCases(
      {
        mirror: { r: mirror, calls: slow },
        limited: { r: limited, calls: slow },
        budgeted: { r: budgeted, calls: slow },
        both: { r: both, calls: slow },
      },
      rounds,
    );
    for (const r of [memory, mirror, limited, budgeted, both]) await r.close();
    return [
      { case: 'memory store', perCallUs: local.memory!, addedUs: 0 },
      {
        case: 'Redis store, local mirror (no limit, breaker closed)',
        perCallUs: local.mirror!,
        addedUs: local.mirror! - local.memory!,
      },
      {
        case: 'Redis store + atomic requests-per-minute claim',
        perCallUs: remote.limited!,
        addedUs: remote.limited! - remote.mirror!,
      },
      {
        case: 'Redis store + budget reservation and settlement',
        perCallUs: remote.budgeted!,
        addedUs: remote.budgeted! - remote.mirror!,
      },
      { case: 'Redis store + both', perCallUs: remote.both!, addedUs: remote.both! - remote.mirror! },
    ];
  } finally {
    for (const s of stores) await s.close();
    await server.stop();
  }
}

/** The rows as a markdown table. */
export function redisTable(rows: readonly RedisRow[]): string {
  const f = (n: number) => n.toFixed(1);
  return [
    '| case (8 MockAdapter targets, sequential calls, local redis-server) | µs per call (median) | added µs |',
    '|---|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.case} | ${f(r.perCallUs)} | ${r.addedUs === 0 ? '—' : `${r.addedUs > 0 ? '+' : ''}${f(r.addedUs)}`} |`,
    ),
  ].join('\n');
}

if (process.argv[1]?.endsWith('redis-overhead.ts')) {
  const rows = await redisRows(process.argv.includes('--quick'));
  console.log(rows === undefined ? 'no redis-server: skipped' : redisTable(rows));
}
