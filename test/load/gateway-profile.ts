/**
 * `npm run loadtest:profile [-- --calls N] [--top K]`: what one gateway call costs, measured in
 * ONE process (load client, mock upstream and the server under test together), N sequential calls
 * per phase, plain and streamed, for three routes to the same mock:
 * - `direct`: the client straight to the mock (what client and mock cost by themselves);
 * - `bare`: through the bare pass-through proxy (bare-proxy.ts, the floor);
 * - `gateway`: through `createGateway` in front of a `Router` with the OpenAI adapter.
 *
 * Per phase it prints the CPU µs per call (`process.cpuUsage`), the scavenges per 1,000 calls and
 * their median ms (PerformanceObserver `gc`), and the bytes allocated per call (the inspector's
 * sampling heap profiler, objects collected by minor and major GCs included) and of those the bytes
 * that outlived a scavenge (what a scavenge copies: its pause grows with them); each also minus the
 * `direct` phase's figure, which is what the proxy itself adds. Then, for the gateway, the top
 * allocation sites, the top survivor sites and the top CPU self-time (inspector Profiler) in this
 * repository's files.
 *
 * Counts and bytes are stable from run to run; CPU time is not on a busy machine, so compare the
 * routes within one run. Loopback only; nothing is written.
 */
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { startBareProxy } from './bare-proxy.js';
import { plainTextOf, streamTextOf } from './client.js';
import { startMockUpstream } from './mock-upstream.js';
import { API_KEY, EXPECTED_TEXT, requestBody } from './protocol.js';
import { startGatewayStack } from './stack.js';

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '5000' },
    top: { type: 'string', default: '25' },
    routes: { type: 'string', default: 'direct,bare,gateway' },
  },
});
const CALLS = Number(args.calls);
const TOP = Number(args.top);
const WARMUP = Math.min(2000, CALLS);
const REPO = new URL('../../', import.meta.url).href;

interface Route {
  readonly name: string;
  readonly origin: string;
  readonly path: string;
}

/** One sequential call; throws when the answer is not the expected one. */
async function call(pool: Pool, route: Route, stream: boolean): Promise<void> {
  const res = await pool.request({
    path: route.path,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: stream ? STREAM_BODY : PLAIN_BODY,
  });
  const text = await res.body.text();
  const got = stream ? streamTextOf(text) : plainTextOf(text);
  if (res.statusCode !== 200 || got !== EXPECTED_TEXT)
    throw new Error(`${route.name}: ${res.statusCode} ${text.slice(0, 200)}`);
}
const PLAIN_BODY = requestBody(false);
const STREAM_BODY = requestBody(true);

async function calls(pool: Pool, route: Route, stream: boolean, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await call(pool, route, stream);
}

interface Phase {
  readonly route: string;
  readonly stream: boolean;
  readonly cpuMicros: number;
  readonly scavengesPer1k: number;
  readonly scavengeMedianMs: number;
  readonly bytesPerCall: number;
  /** Bytes per call that outlived a scavenge. */
  readonly survivorBytesPerCall: number;
}

interface GcEntry {
  readonly duration: number;
  readonly detail?: { readonly kind?: number };
}

const MINOR = 1; // perf_hooks.constants.NODE_PERFORMANCE_GC_MINOR

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** CPU and GC of `n` calls, unprofiled. */
async function timed(
  pool: Pool,
  route: Route,
  stream: boolean,
): Promise<Omit<Phase, 'bytesPerCall' | 'survivorBytesPerCall'>> {
  const scavenges: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries() as unknown as GcEntry[])
      if (e.detail?.kind === MINOR) scavenges.push(e.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  const before = process.cpuUsage();
  await calls(pool, route, stream, CALLS);
  const used = process.cpuUsage(before);
  await new Promise((resolve) => setImmediate(resolve)); // let the observer deliver
  observer.disconnect();
  return {
    route: route.name,
    stream,
    cpuMicros: (used.user + used.system) / CALLS,
    scavengesPer1k: (scavenges.length * 1000) / CALLS,
    scavengeMedianMs: median(scavenges),
  };
}

interface SamplingNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: SamplingNode[];
}

/**
 * Bytes per call, and by site (function and file:line) over the whole phase: all that was
 * allocated (`survivors` false), or only what outlived a scavenge (`survivors` true: objects a
 * minor GC collected are left out). Survivors are what a scavenge copies, so they set its pause.
 */
async function allocations(
  session: Session,
  pool: Pool,
  route: Route,
  stream: boolean,
  survivors = false,
): Promise<{ perCall: number; sites: Map<string, number> }> {
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 256,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: !survivors,
  });
  await calls(pool, route, stream, CALLS);
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
    profile: { head: SamplingNode };
  };
  const sites = new Map<string, number>();
  let total = 0;
  // A native frame (Map, Promise, …) is told apart by its caller.
  const walk = (node: SamplingNode, caller: string): void => {
    total += node.selfSize;
    const site = siteOf(node.callFrame);
    if (node.selfSize > 0) {
      const key = node.callFrame.url === '' ? `${site} ← ${caller}` : site;
      sites.set(key, (sites.get(key) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, site);
  };
  walk(profile.head, '(root)');
  return { perCall: total / CALLS, sites };
}

function siteOf(frame: { functionName: string; url: string; lineNumber: number }): string {
  const file = frame.url.startsWith(REPO) ? frame.url.slice(REPO.length) : frame.url || '(native)';
  return `${frame.functionName || '(anonymous)'} ${file}`;
}

interface CpuProfile {
  readonly nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** CPU self-time by function over the phase, µs. */
async function cpuSites(
  session: Session,
  pool: Pool,
  route: Route,
  stream: boolean,
): Promise<Map<string, number>> {
  await session.post('Profiler.setSamplingInterval', { interval: 50 });
  await session.post('Profiler.start');
  await calls(pool, route, stream, CALLS);
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const frame = byId.get(profile.samples[i] as number);
    if (frame === undefined) continue;
    const key = siteOf(frame);
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  return self;
}

/** A site in this repository's own code (not a dependency, not Node's, not the probe's client and mock). */
const ours = (site: string): boolean =>
  !site.includes('node_modules') &&
  !site.includes('node:') &&
  /\.(ts|js)$/.test(site) &&
  !site.includes('test/load/');

function printTop(title: string, sites: Map<string, number>, unit: (v: number) => string): void {
  console.log(`\n${title}`);
  const all = [...sites].sort((a, b) => b[1] - a[1]);
  const rows = all.filter(([site]) => ours(site));
  const sum = rows.reduce((s, [, v]) => s + v, 0);
  console.log(`  our files: ${unit(sum)} in all`);
  for (const [site, value] of rows.slice(0, TOP)) console.log(`  ${unit(value).padStart(10)}  ${site}`);
  console.log('  elsewhere (Node, dependencies, the probe; client and mock included):');
  for (const [site, value] of all.filter(([site]) => !ours(site)).slice(0, Math.ceil(TOP / 2)))
    console.log(`  ${unit(value).padStart(10)}  ${site}`);
}

async function main(): Promise<void> {
  const mock = await startMockUpstream();
  const bare = await startBareProxy(mock.origin);
  const stack = await startGatewayStack(mock.origin);
  const all: Route[] = [
    { name: 'direct', origin: mock.origin, path: '/v1/chat/completions' },
    { name: 'bare', origin: bare.origin, path: '/v1/chat/completions' },
    { name: 'gateway', origin: stack.origin, path: '/v1/chat/completions' },
  ];
  const wanted = new Set(args.routes.split(','));
  const routes = all.filter((r) => wanted.has(r.name));
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('Profiler.enable');
  const phases: Phase[] = [];
  const pools: Pool[] = [];
  try {
    for (const stream of [false, true]) {
      for (const route of routes) {
        const pool = new Pool(route.origin, { connections: 1, pipelining: 1 });
        pools.push(pool);
        await calls(pool, route, stream, WARMUP);
        const t = await timed(pool, route, stream);
        const heap = await allocations(session, pool, route, stream);
        const kept = await allocations(session, pool, route, stream, true);
        phases.push({ ...t, bytesPerCall: heap.perCall, survivorBytesPerCall: kept.perCall });
        if (route.name === 'gateway') {
          const kind = stream ? 'stream' : 'plain';
          printTop(
            `gateway ${kind}: bytes allocated per call by site (our files)`,
            divide(heap.sites),
            (v) => `${Math.round(v)} B`,
          );
          printTop(
            `gateway ${kind}: bytes per call that outlived a scavenge, by site (our files)`,
            divide(kept.sites),
            (v) => `${Math.round(v)} B`,
          );
          const cpu = await cpuSites(session, pool, route, stream);
          printTop(
            `gateway ${kind}: CPU self-time per call by function (our files)`,
            divide(cpu),
            (v) => `${v.toFixed(2)} µs`,
          );
        }
      }
    }
  } finally {
    session.disconnect();
    await Promise.all(pools.map((p) => p.close()));
    await stack.close();
    await bare.close();
    await mock.close();
  }
  report(phases);
}

function divide(sites: Map<string, number>): Map<string, number> {
  return new Map([...sites].map(([k, v]) => [k, v / CALLS]));
}

function report(phases: Phase[]): void {
  console.log(
    `\n${CALLS} sequential calls per phase (after ${WARMUP} warm-up), one process; "+" = minus direct`,
  );
  console.log(
    'route     kind    CPU µs/call (+)   scav/1k (+)    scav med ms   KB/call (+)     survived KB/call (+)',
  );
  for (const p of phases) {
    const base = phases.find((q) => q.route === 'direct' && q.stream === p.stream);
    const plus = (v: number, b: number | undefined, digits: number) =>
      b === undefined || p.route === 'direct' ? '' : ` (+${(v - b).toFixed(digits)})`;
    console.log(
      [
        p.route.padEnd(9),
        (p.stream ? 'stream' : 'plain').padEnd(7),
        `${p.cpuMicros.toFixed(0)}${plus(p.cpuMicros, base?.cpuMicros, 0)}`.padEnd(17),
        `${p.scavengesPer1k.toFixed(2)}${plus(p.scavengesPer1k, base?.scavengesPer1k, 2)}`.padEnd(14),
        p.scavengeMedianMs.toFixed(2).padEnd(13),
        `${(p.bytesPerCall / 1024).toFixed(1)}${plus(p.bytesPerCall / 1024, base ? base.bytesPerCall / 1024 : undefined, 1)}`.padEnd(
          15,
        ),
        `${(p.survivorBytesPerCall / 1024).toFixed(2)}${plus(p.survivorBytesPerCall / 1024, base ? base.survivorBytesPerCall / 1024 : undefined, 2)}`,
      ].join(' '),
    );
  }
}

await main();
