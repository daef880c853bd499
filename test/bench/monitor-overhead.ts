/**
 * What `switchyard-llm/monitor` adds to a routed call (issue #16: 100 connected clients cost the
 * call path nothing measurable): three routers of 8 MockAdapter targets — bare, with a monitor
 * and no client, with a monitor and 100 WebSocket clients (in a child process, as browsers would
 * be elsewhere) — timed in rotating rounds; medians of each and of the paired differences.
 * Part of `npm run bench`; alone: node --import tsx test/bench/monitor-overhead.ts
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Router } from '../../index.js';
import { createMonitor } from '../../modules/monitor/index.js';
import { eightTargetRouter, median } from './eight-targets.js';

/** Medians in ns per call, and what the clients received during the timed rounds. */
export interface MonitorOverheadRow {
  readonly clients: number;
  readonly bareNs: number;
  readonly idleNs: number;
  readonly watchedNs: number;
  /** Medians of the per-round differences against the bare router. */
  readonly idlePairedNs: number;
  readonly watchedPairedNs: number;
  /** WebSocket messages the clients received (snapshots and events). */
  readonly messages: number;
}

const TOKEN = 'bench-token-0123456789abcdef';
const messages = [{ role: 'user' as const, content: 'hello there' }];

async function round(r: Router, calls: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await r.complete({ messages, model: 'chat' });
  return Number(process.hrtime.bigint() - t0) / calls;
}

/** Times the three routers in `rounds` rotating rounds of `calls` calls, with `clients` clients on the third. */
export async function monitorOverheadRow(
  rounds = 31,
  calls = 5_000,
  clients = 100,
): Promise<MonitorOverheadRow> {
  const bare = eightTargetRouter();
  const idle = eightTargetRouter();
  const watched = eightTargetRouter();
  const idleMonitor = await createMonitor(idle, { port: 0, token: TOKEN });
  const monitor = await createMonitor(watched, { port: 0, token: TOKEN, maxClients: clients });
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('./monitor-clients.ts', import.meta.url)),
      `${monitor.baseUrl.replace('http', 'ws')}ws`,
      TOKEN,
      String(clients),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const nextLine = async () => (await once(lines, 'line'))[0] as string;
  try {
    if ((await nextLine()) !== 'ready') throw new Error('monitor clients did not start');
    const routers = [bare, idle, watched];
    for (const r of routers) await round(r, calls);
    const ns: number[][] = [[], [], []];
    for (let i = 0; i < rounds; i++) {
      // Rotate the order so that a drift of the machine spreads over all three.
      for (let k = 0; k < 3; k++) {
        const j = (i + k) % 3;
        ns[j]!.push(await round(routers[j]!, calls));
      }
    }
    child.stdin!.end();
    const received = Number((await nextLine()).split(' ')[1]);
    const diff = (xs: number[]) => median(xs.map((x, i) => x - ns[0]![i]!));
    return {
      clients,
      bareNs: median(ns[0]!),
      idleNs: median(ns[1]!),
      watchedNs: median(ns[2]!),
      idlePairedNs: diff(ns[1]!),
      watchedPairedNs: diff(ns[2]!),
      messages: received,
    };
  } finally {
    child.kill();
    lines.close();
    await Promise.all([idleMonitor.close(), monitor.close()]);
  }
}

if (process.argv[1]?.endsWith('monitor-overhead.ts')) {
  const row = await monitorOverheadRow(Number(process.env.ROUNDS ?? 31), Number(process.env.CALLS ?? 5_000));
  const us = (ns: number) => (ns / 1000).toFixed(3);
  console.log(
    `bare ${us(row.bareNs)} µs/call; monitor, no client ${us(row.idleNs)} (+${us(row.idlePairedNs)}); monitor, ${row.clients} clients ${us(row.watchedNs)} (+${us(row.watchedPairedNs)}); clients received ${row.messages} messages`,
  );
}
