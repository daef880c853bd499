/**
 * `npm run loadtest`: the gateway under load (issue #17 §5), with a local mock upstream.
 *
 *   npm run loadtest -- [--profiles smoke,load,stress,spike,soak,portkey,anchors] [--quick]
 *                       [--rate 1000] [--load-seconds 10] [--rounds 3] [--spike-base 300]
 *                       [--soak-seconds 600] [--soak-rate 1000] [--no-portkey] [--anchors DIR]
 *                       [--no-pin] [--no-bare] [--no-write] [--cpu-prof DIR] [--gateway-node-flags="--flag ..."] [--json FILE]
 *   npm run loadtest -- --from-json FILE   (renders and writes a saved run's section; runs nothing)
 *
 * Starts the mock upstream and the gateway (servers.ts) in their own processes on CPU 0 and moves
 * itself (the load client) to CPU 1; runs the profiles; prints each phase; writes the
 * "Gateway load test" section of docs/performance.md (between markers that `npm run bench` keeps).
 * Portkey's gateway runs from the shared anchors harness when it is installed (`--anchors DIR`,
 * `ANCHORS_DIR`, else `../shared/anchors` beside the checkout); the `anchors` profile runs that
 * harness itself with the built CLI as its gateway (anchors.ts; needs `npm run build`). Loopback
 * only; every loop is bounded in calls and time. Exits 1 when a profile saw an error.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runAnchors } from './anchors.js';
import { errorsOf } from './client.js';
import {
  canPin,
  findAnchors,
  killChildren,
  pinSelf,
  portkeyHeaders,
  startPortkey,
  startServer,
} from './processes.js';
import {
  type Bench,
  load as loadProfile,
  type Row,
  sideBySide,
  smoke,
  soak,
  spike,
  stress,
} from './profiles.js';
import { BEGIN, END, type LoadReport, loadMarkdown } from './report.js';

const { values: a } = parseArgs({
  options: {
    profiles: { type: 'string', default: 'smoke,load,stress,spike,soak,portkey,anchors' },
    quick: { type: 'boolean', default: false },
    rate: { type: 'string', default: '1000' },
    'load-seconds': { type: 'string' },
    rounds: { type: 'string' },
    'spike-base': { type: 'string', default: '300' },
    'soak-seconds': { type: 'string' },
    'soak-rate': { type: 'string', default: '1000' },
    'portkey-port': { type: 'string' },
    anchors: { type: 'string' },
    'no-portkey': { type: 'boolean', default: false },
    'no-pin': { type: 'boolean', default: false },
    'no-bare': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    json: { type: 'string' },
    'from-json': { type: 'string' },
    'gateway-node-flags': { type: 'string' },
  },
});
const quick = a.quick === true;
const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
const profiles = new Set(String(a.profiles).split(','));
if (a['no-portkey']) {
  profiles.delete('portkey');
  profiles.delete('anchors');
}

/** Replaces (or appends) the section between the markers in docs/performance.md. */
function writeSection(md: string): void {
  const file = new URL('../../docs/performance.md', import.meta.url);
  const doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Performance\n';
  const begin = doc.indexOf(BEGIN.slice(0, 22));
  const end = doc.indexOf(END);
  const next =
    begin !== -1 && end !== -1
      ? `${doc.slice(0, begin)}${md}${doc.slice(end + END.length)}`
      : `${doc.trimEnd()}\n\n${md}\n`;
  writeFileSync(file, next);
  console.log('wrote the "Gateway load test" section of docs/performance.md');
}

if (a['from-json']) {
  const saved = JSON.parse(readFileSync(a['from-json'], 'utf8')) as LoadReport & { started: string };
  const md = loadMarkdown({ ...saved, started: new Date(saved.started) });
  console.log(md);
  if (!a['no-write']) writeSection(md);
  process.exit(0);
}

const pin = !a['no-pin'] && canPin();
if (pin) pinSelf(1);
const startedAt = new Date();
const t0 = performance.now();
const log = (line: string) =>
  console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${line}`);
const loadAtStart = loadavg();
log(`load average ${loadAtStart.map((x) => x.toFixed(2)).join(' ')}; pinning ${pin ? 'on' : 'off'}`);

const mock = await startServer(['mock'], pin);
// --cpu-prof DIR: a V8 CPU profile of the gateway process, written when it stops.
const gateway = await startServer(['gateway', mock.origin], pin, [
  ...(a['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${a['cpu-prof']}`] : []),
  ...(a['gateway-node-flags'] ? String(a['gateway-node-flags']).split(' ').filter(Boolean) : []),
]);
// The floor: a bare pass-through proxy (bare-proxy.ts) on the same CPU, in the load and portkey profiles.
const bareServer =
  !a['no-bare'] && (profiles.has('load') || profiles.has('portkey'))
    ? await startServer(['bare', mock.origin], pin)
    : undefined;
const bench: Bench = {
  mock,
  gateway,
  direct: { name: 'direct', origin: mock.origin },
  ours: { name: 'gateway', origin: gateway.origin },
  ...(bareServer
    ? { bare: { server: bareServer, target: { name: 'bare', origin: bareServer.origin } } }
    : {}),
  log,
};
log(
  `mock ${mock.origin} (pid ${mock.pid}), gateway ${gateway.origin} (pid ${gateway.pid})${bareServer ? `, bare proxy ${bareServer.origin} (pid ${bareServer.pid})` : ''}`,
);

let report: LoadReport = { started: startedAt, seconds: 0, pinned: pin, quick, loadAtStart, loadAtEnd: [] };
try {
  if (profiles.has('smoke')) {
    log('smoke');
    report = { ...report, smoke: await smoke(bench, quick ? 200 : 1000) };
  }
  if (profiles.has('load')) {
    const rate = num(a.rate, 1000);
    const seconds = num(a['load-seconds'], quick ? 3 : 10);
    log(`load: ${rate} calls/s, ${seconds} s per phase`);
    const r = await loadProfile(bench, { rate, seconds, rounds: num(a.rounds, quick ? 1 : 3) });
    report = { ...report, load: { rate, seconds, ...r } };
  }
  if (profiles.has('stress')) {
    const seconds = quick ? 2 : 4;
    log('stress');
    const r = await stress(bench, {
      rates: quick ? [1000, 3000, 6000] : [1000, 2000, 3000, 4000, 5000, 6000, 8000],
      concurrency: quick ? [1, 16, 64, 256] : [1, 4, 16, 64, 128, 256],
      seconds,
    });
    report = { ...report, stress: { ...r, seconds } };
  }
  if (profiles.has('spike')) {
    const base = num(a['spike-base'], 300);
    log(`spike: ${base} → ${base * 10} calls/s`);
    const r = await spike(bench, { base, baseSeconds: quick ? 3 : 10, spikeSeconds: quick ? 5 : 30 });
    report = { ...report, spike: { base, ...r } };
  }
  if (profiles.has('soak')) {
    const seconds = num(a['soak-seconds'], quick ? 20 : 600);
    const rate = num(a['soak-rate'], 1000);
    log(`soak: ${rate} calls/s for ${seconds} s`);
    const r = await soak(bench, {
      rate,
      seconds,
      every: Math.max(2, Math.min(30, Math.round(seconds / 20))),
    });
    report = { ...report, soak: { rate, seconds, ...r } };
  }
  if (profiles.has('portkey')) {
    const concurrency = 64;
    const seconds = quick ? 2 : 5;
    const rounds = num(a.rounds, quick ? 1 : 3);
    const anchors = findAnchors(a.anchors ?? process.env.ANCHORS_DIR);
    if (!anchors) {
      report = {
        ...report,
        portkey: {
          concurrency,
          seconds,
          rounds,
          rows: [],
          skipped: "the anchors harness with Portkey's gateway is not installed (--anchors DIR)",
        },
      };
      log('portkey: skipped (no anchors harness found)');
    } else {
      const portkey = await startPortkey(anchors, mock.origin, num(a['portkey-port'], 18_787), pin);
      log(`portkey: ${portkey.origin} (pid ${portkey.pid}) from ${anchors}`);
      const rows = await sideBySide(
        bench,
        [
          { target: bench.ours, server: gateway },
          ...(bench.bare ? [bench.bare] : []),
          {
            target: { name: 'portkey', origin: portkey.origin, headers: portkeyHeaders(mock.origin) },
            server: portkey,
          },
          { target: bench.direct, server: undefined },
        ],
        { concurrency, seconds, rounds },
      );
      await portkey.stop();
      report = { ...report, portkey: { concurrency, seconds, rounds, rows } };
    }
  }
  if (profiles.has('anchors')) {
    const rounds = num(a.rounds, quick ? 1 : 3);
    const anchors = findAnchors(a.anchors ?? process.env.ANCHORS_DIR);
    log(`anchors: the shared harness${anchors ? ` in ${anchors}` : ': not installed (--anchors DIR)'}`);
    const result = anchors
      ? await runAnchors(anchors, { rounds, quick, log })
      : { rounds, rows: [], skipped: 'the shared anchors harness is not installed (--anchors DIR)' };
    if (result.skipped) log(`anchors: skipped: ${result.skipped}`);
    report = { ...report, anchors: result };
  }
} finally {
  await bareServer?.stop();
  await gateway.stop();
  await mock.stop();
}

report = { ...report, seconds: (performance.now() - t0) / 1000, loadAtEnd: loadavg() };
if (a.json) writeFileSync(a.json, JSON.stringify(report, null, 1));
const md = loadMarkdown(report);
console.log(`\n${md}\n`);
if (!a['no-write']) writeSection(md);
const all: Row[] = [
  ...(report.smoke ?? []),
  ...(report.load ? [...report.load.plain, ...report.load.stream].map((x) => x.gateway) : []),
  ...(report.soak ? [report.soak.plain, report.soak.stream] : []),
];
killChildren();
process.exit(all.some((x) => errorsOf(x) > 0) ? 1 : 0);
