/**
 * `npm run bench`: the performance suite. Measures the cold start of the built entries (fresh
 * processes), the router's own overhead (no I/O), the cost of a strategy pick, memory over
 * 100,000 calls, memory over 1,000,000 calls with the metrics collector and the usage ledger
 * attached, what the metrics collector, the usage ledger and the OpenTelemetry middleware add to a
 * call, the alerts module on the call path, the prediction cost of each `switchyard-llm/ml`
 * model family, `streamText` through the AI SDK bridge against `@ai-sdk/openai` directly, and
 * (when `test/bench/e2e` is present) end to end against a local mock server; prints ratios and
 * writes `docs/performance.md`.
 *
 * With a redis-server installed, it also times the Redis store (`redis-overhead.ts`).
 *
 * Flags: `--quick` (shorter runs), `--no-e2e`, `--no-ai-sdk`, `--no-redis`, `--no-write` (print only).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { Router } from '../../index.js';
import {
  MAX_LEDGER_KEYS,
  MAX_TAG_VALUES,
  type ObservedMemoryRow,
  observedMemory,
} from '../helpers/observed-memory.js';
import { aiSdkSection } from './ai-sdk-overhead.js';
import { type AlertsOverheadRow, alertsOverheadRow } from './alerts-overhead.js';
import { type ColdStart, coldStart } from './cold-start.js';
import { metricsOverheadRows, type ObserverRow } from './metrics-overhead.js';
import { type MlPredictRow, mlPredictRows } from './ml-predict.js';
import { type MonitorOverheadRow, monitorOverheadRow } from './monitor-overhead.js';
import { otelOverheadRows } from './otel-overhead.js';
import { redisRows, redisTable } from './redis-overhead.js';
import { redisProcessesRow, redisProcessesTable } from './redis-processes.js';
import {
  type ConcurrencyRow,
  concurrencyRows,
  type MemoryRow,
  memoryRow,
  type OverheadRow,
  overheadRows,
  type PickRow,
  pickRows,
} from './router-overhead.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function overheadTable(rows: OverheadRow[]): string {
  return table(
    ['case', 'routed p50 ns', 'direct p50 ns', 'overhead p50 ns', 'routed calls/s (1 core)'],
    rows.map((r) => [r.case, fmt(r.routedNs), fmt(r.directNs), fmt(r.overheadNs), fmt(r.routedPerSec)]),
  );
}

function coldStartTable(cold: ColdStart): string {
  const openai = cold.rows[cold.rows.length - 1]!.medianMs;
  return table(
    ['import() in a fresh process', 'median ms', 'min ms', 'max ms', '÷ bare openai'],
    cold.rows.map((r) => [
      r.case,
      fmt(r.medianMs, 1),
      fmt(r.minMs, 1),
      fmt(r.maxMs, 1),
      fmt(r.medianMs / openai, 2),
    ]),
  );
}

function concurrencyTable(rows: ConcurrencyRow[]): string {
  return table(
    ['case', 'routed calls/s', 'direct calls/s', 'routed ÷ direct'],
    rows.map((r) => [r.case, fmt(r.routedPerSec), fmt(r.directPerSec), fmt(r.ratio, 2)]),
  );
}

function pickTable(rows: PickRow[]): string {
  return table(
    ['strategy (8 candidates, steady state)', 'pick + observe p50 ns', 'observe p50 ns', 'pick ≈ ns'],
    rows.map((r) => [r.strategy, fmt(r.pickObserveNs, 1), fmt(r.observeNs, 1), fmt(r.pickNs, 1)]),
  );
}

function memoryTable(m: MemoryRow): string {
  return table(
    [
      'calls',
      'heap before MB',
      'heap after MB',
      'heap growth MB',
      'RSS growth MB',
      'heap per in-flight call (bytes)',
    ],
    [
      [
        fmt(m.calls),
        fmt(m.heapBeforeMb, 2),
        fmt(m.heapAfterMb, 2),
        fmt(m.heapGrowthMb, 2),
        fmt(m.rssGrowthMb, 2),
        fmt(m.bytesPerInFlightCall),
      ],
    ],
  );
}

function mlTable(rows: MlPredictRow[]): string {
  return table(
    [
      'family',
      'per (request, target) p50 ns',
      'budget ns',
      'per prediction ns',
      'observe p50 ns',
      'fit 1000 rows ms',
    ],
    rows.map((r) => [
      r.family,
      fmt(r.perTargetNs, 0),
      r.family === 'reference' ? '' : Number.isNaN(r.budgetNs) ? 'sum of members' : fmt(r.budgetNs),
      fmt(r.perPredictionNs, 0),
      Number.isNaN(r.observeNs) ? '' : fmt(r.observeNs, 0),
      Number.isNaN(r.fitMs) ? '' : fmt(r.fitMs, 1),
    ]),
  );
}

function observedMemoryTable(m: ObservedMemoryRow): string {
  return table(
    [
      'calls (distinct tags each)',
      'heap before MB',
      'heap after MB',
      'heap growth MB',
      'RSS growth MB',
      'calls/s',
      'series lines',
      'ledger cells',
    ],
    [
      [
        fmt(m.calls),
        fmt(m.heapBeforeMb, 2),
        fmt(m.heapAfterMb, 2),
        fmt(m.heapGrowthMb, 2),
        fmt(m.rssGrowthMb, 2),
        fmt(m.calls / m.seconds),
        fmt(m.seriesLines),
        fmt(m.ledgerCells),
      ],
    ],
  );
}

function observerTable(rows: ObserverRow[]): string {
  const bare = rows.find((r) => r.case === 'bare')?.ns ?? Number.NaN;
  return table(
    ['case (8 targets, sequential)', 'µs per call (median)', 'added µs (median of paired rounds)', 'added %'],
    rows.map((r) => [
      r.case,
      fmt(r.ns / 1000, 2),
      r.case === 'bare' ? '' : fmt(r.addedNs / 1000, 2),
      r.case === 'bare' ? '' : fmt((r.addedNs / bare) * 100, 0),
    ]),
  );
}

function monitorTable(r: MonitorOverheadRow): string {
  return table(
    ['case (8 targets, sequential)', 'p50 ns per call', 'added ns (p50 of paired rounds)'],
    [
      ['bare router', fmt(r.bareNs), ''],
      ['with a monitor, no client connected', fmt(r.idleNs), fmt(r.idlePairedNs)],
      [`with a monitor and ${r.clients} WebSocket clients`, fmt(r.watchedNs), fmt(r.watchedPairedNs)],
    ],
  );
}

function alertsTable(r: AlertsOverheadRow): string {
  return table(
    [
      'case (8 targets, sequential)',
      'p50 ns per call',
      'added ns (difference of p50s)',
      'added ns (p50 of paired rounds)',
    ],
    [
      ['bare router', fmt(r.bareNs), '', ''],
      [`with an AlertManager of ${r.rules} rules`, fmt(r.alertsNs), fmt(r.overheadNs), fmt(r.pairedNs)],
    ],
  );
}

/** The global `gc` of `node --expose-gc` (as `npm run bench` runs). */
function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run the benchmark with node --expose-gc');
  g();
}

/** Sections of the suite, for the `n/N` progress lines. */
const STEPS = 12;
let stepsDone = 0;
/** The progress line of the next section: `\n3/9 title`. */
function step(title: string): string {
  return `${stepsDone === 0 ? '' : '\n'}${++stepsDone}/${STEPS} ${title}`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const strategies = Router.strategies.names();
  const sections: string[] = [];

  console.log(step('cold start of the built entries (fresh processes, medians of 10)…'));
  const cold = coldStart(10);
  console.log(coldStartTable(cold));
  console.log(step('router overhead, sequential (mitata, medians)…'));
  const overhead = await overheadRows(strategies);
  console.log(overheadTable(overhead));
  console.log(step('router overhead at concurrency 64 (alternating rounds, medians)…'));
  const conc = await concurrencyRows(quick ? 1 : 3);
  console.log(concurrencyTable(conc));
  console.log(step('strategy pick cost…'));
  const picks = await pickRows(strategies);
  console.log(pickTable(picks));
  console.log(step('memory…'));
  const mem = await memoryRow(quick ? 20_000 : 100_000);
  console.log(memoryTable(mem));
  console.log(step('memory with the metrics collector and the usage ledger attached…'));
  const observed = await observedMemory({ calls: quick ? 100_000 : 1_000_000, warmup: 5_000, gc });
  console.log(observedMemoryTable(observed));
  console.log(
    step('observers: metrics collector, usage ledger, OpenTelemetry middleware (rotating rounds, medians)…'),
  );
  const observerRounds = quick ? 5 : 15;
  const metricsRows = await metricsOverheadRows(observerRounds, 10_000);
  console.log(observerTable(metricsRows));
  const otelRows = await otelOverheadRows(observerRounds, 10_000);
  console.log(observerTable(otelRows.complete));
  console.log(observerTable(otelRows.stream));
  console.log(step('alerts: what an AlertManager adds to a routed call (alternating rounds, medians)…'));
  const alertsRow = await alertsOverheadRow(quick ? 11 : 31, 5_000);
  console.log(alertsTable(alertsRow));
  console.log(
    step('monitor: what 100 connected WebSocket clients add to a routed call (rotating rounds, medians)…'),
  );
  const monitorRow = await monitorOverheadRow(quick ? 11 : 31, 5_000, 100);
  console.log(monitorTable(monitorRow));
  console.log(step('ml model prediction cost (8 targets × 3 quantities, 6 features)…'));
  const ml = await mlPredictRows(quick);
  console.log(mlTable(ml));

  sections.push(
    '## Cold start',
    '',
    `\`import()\` of the built \`dist/\` entries in a fresh Node process (Node's own boot not counted), median of ${cold.runs} processes each, runs interleaved; the bare \`openai\` SDK for scale.`,
    '',
    coldStartTable(cold),
    '',
  );
  sections.push('## Router overhead without I/O (sequential)', '', overheadTable(overhead), '');
  sections.push('## Router overhead at concurrency 64', '', concurrencyTable(conc), '');
  sections.push('## Strategy pick cost', '', pickTable(picks), '');
  sections.push('## Memory', '', memoryTable(mem), '');
  sections.push(
    '## Memory with metrics and the usage ledger',
    '',
    `A Router (2 MockAdapter targets, 1 attempt in 50 failing and retried on the other) with \`collectMetrics\` (every label, \`tag\` capped at ${MAX_TAG_VALUES} values) and a \`UsageLedger\` (tags capped at ${MAX_LEDGER_KEYS} keys) attached; every call has tags of its own. Heap after a full GC, before and after the calls (5,000 warm-up calls first; issue #15: growth under 5 MB).`,
    '',
    observedMemoryTable(observed),
    '',
  );
  sections.push(
    '## Observers on the call path',
    '',
    `What \`collectMetrics\` (default labels; \`metrics+tags\`: with the \`tag\` label), the \`UsageLedger\` and both together add to a call (issue #15: under +1 µs at p50 together), against the same router bare and with no-op listeners on the same events (\`empty listeners\`: the floor of any event-based observer, which makes the router build the payloads). Routers of 8 MockAdapter targets, one tag per call, ${observerRounds} rounds of 10,000 calls that rotate the order of the cases; "added" is the median over the rounds of the case's time minus the bare router's in the same round. Alone: \`node --import tsx test/bench/metrics-overhead.ts\`.`,
    '',
    observerTable(metricsRows),
    '',
    `\`otelMiddleware\` (issue #15: under +1 µs with a no-op tracer; with a recording one, measured): \`otel no-op\` is the API with no SDK registered (no-op tracer and meter), \`+prop\` with \`propagateTraceContext\`, \`otel recording\` an SDK 2.x tracer recording every span into a dropping exporter and a meter with a reader; \`empty\` a middleware whose four hooks pass straight through. Completions (${observerRounds} rounds of 10,000 calls), then streams read to the end (5,000 calls a round). Alone: \`node --import tsx test/bench/otel-overhead.ts\`.`,
    '',
    '### Completions',
    '',
    observerTable(otelRows.complete),
    '',
    '### Streams',
    '',
    observerTable(otelRows.stream),
    '',
  );
  sections.push(
    '## Alerts on the call path',
    '',
    'A router of 8 MockAdapter targets, bare and with `switchyard-llm/alerts` attached (ten rules); the call path only increments a counter, rules run on a timer.',
    '',
    alertsTable(alertsRow),
    '',
  );
  sections.push(
    '## Monitor clients on the call path',
    '',
    `A router of 8 MockAdapter targets, bare, with \`switchyard-llm/monitor\` and no client, and with 100 WebSocket clients connected from a child process (issue #16: nothing measurable on the call path). Rounds rotate the three; the clients received ${monitorRow.messages} messages (snapshots once a second, events) during the run. With a client connected the monitor records each routing decision (one listener on \`route\`); sending runs off the call path, on the next turn of the event loop.`,
    '',
    monitorTable(monitorRow),
    '',
  );
  sections.push(
    '## Learned model prediction cost (`switchyard-llm/ml`)',
    '',
    'Each family trained on 1000 rows per model, 24 models (8 targets × latency, output tokens, failure), 6 features; a request predicts all 24. Defaults: forest 50 trees of depth ≤ 6, boosting 50 trees of depth ≤ 3, MLP one hidden layer of 16, SVR RBF with 32 random Fourier features, ensemble = linear + forest + boosting. Budgets from issue #19. `reference` is a plain 6-term dot product per prediction (what linear costs at best), to read the rows against when the machine is loaded. See docs/ml.md.',
    '',
    mlTable(ml),
    '',
  );

  if (args.has('--no-ai-sdk')) {
    console.log(step('AI SDK bridge: skipped (--no-ai-sdk)'));
  } else {
    console.log(step('AI SDK bridge: streamText through createSwitchyard vs @ai-sdk/openai directly…'));
    const md = await aiSdkSection({ quick });
    console.log(md);
    sections.push(md, '');
  }

  if (!args.has('--no-redis')) {
    console.log(step('Redis store against a local redis-server…'));
    const rows = await redisRows(quick);
    if (rows === undefined) {
      console.log('(no redis-server installed: skipped)');
    } else {
      console.log(redisTable(rows));
      sections.push(
        '## Redis store',
        '',
        '`switchyard-llm/redis` (docs/redis.md): router overhead with the store answering from its local mirror, against the memory store; and what an atomic requests-per-minute claim and a budget reservation (+ settlement) add per call on a local redis-server, each against the mirror-only Redis router in the same rounds.',
        '',
        redisTable(rows),
        '',
      );
      const procs = await redisProcessesRow(20, quick ? 3 : 10, 20);
      if (procs !== undefined) {
        console.log(redisProcessesTable(procs));
        sections.push(
          '### 20 processes sharing limits',
          '',
          'Twenty processes, each a Router over a `RedisStateStore` whose one target has a requests-per-minute limit and a budget (so every call makes an atomic claim, a reservation and a settlement on the same keys), calling a counting local HTTP upstream; all send waves of 20 concurrent calls at once.',
          '',
          redisProcessesTable(procs),
          '',
        );
      }
    }
  }

  if (!args.has('--no-e2e')) {
    const e2ePath = './e2e/index.js'; // optional part of the suite: resolved at run time
    const e2e = (await import(e2ePath).catch(() => undefined)) as
      | { e2eMarkdown?: (o: { quick: boolean }) => Promise<string> }
      | undefined;
    if (e2e && typeof e2e.e2eMarkdown === 'function') {
      console.log('\nend to end against a local mock server…');
      const md: string = await e2e.e2eMarkdown({ quick });
      console.log(md);
      sections.push(md, '');
    } else {
      console.log('\n(end-to-end suite not present: skipped)');
    }
  }

  const seconds = (performance.now() - started) / 1000;
  const header = [
    '# Performance',
    '',
    'Written by `npm run bench` (`test/bench/run.ts`); do not edit by hand. Medians; ratios are from the same run.',
    'This machine is shared and noisy: treat differences under ~20% as noise.',
    '',
    `- Machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, ${fmt(totalmem() / 2 ** 30, 0)} GiB`,
    `- Node ${process.version}, V8 ${process.versions.v8}`,
    `- Run: ${new Date().toISOString()}, ${fmt(seconds, 0)} s${quick ? ' (--quick)' : ''}`,
    '',
    'The router path measured here includes request validation, the strategy pick, the deadline timer,',
    'the attempt bookkeeping and the response object; "direct" calls the same `MockAdapter` without the router.',
    '',
  ];
  const file = new URL('../../docs/performance.md', import.meta.url);
  const doc = [...header, ...sections, ...keptLoadtestSection(file)].join('\n');
  if (!args.has('--no-write')) {
    writeFileSync(file, `${doc}\n`);
    console.log('\nwrote docs/performance.md');
  }
}

/** The "Gateway load test" section `npm run loadtest` wrote (test/load/report.ts), kept as it is. */
function keptLoadtestSection(file: URL): string[] {
  if (!existsSync(file)) return [];
  const old = readFileSync(file, 'utf8');
  const begin = old.indexOf('<!-- loadtest:begin');
  const end = old.indexOf('<!-- loadtest:end -->');
  return begin === -1 || end === -1 ? [] : [old.slice(begin, end + '<!-- loadtest:end -->'.length), ''];
}

await main();
