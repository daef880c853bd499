/** The markdown section of docs/performance.md written by `npm run loadtest`. */
import { cpus } from 'node:os';
import type { AnchorsResult } from './anchors.js';
import { anchorsGoals, anchorsSection } from './anchors-report.js';
import { errorsOf } from './client.js';
import { int, yes } from './format.js';
import type { HeapSample } from './heap-sampler.js';
import { type LoadRound, median, type Row } from './profiles.js';

/** Everything a run measured (a profile not run is absent). */
export interface LoadReport {
  readonly started: Date;
  readonly seconds: number;
  readonly pinned: boolean;
  readonly quick: boolean;
  readonly loadAtStart: readonly number[];
  readonly loadAtEnd: readonly number[];
  readonly smoke?: Row[];
  readonly load?: { rate: number; seconds: number; plain: LoadRound[]; stream: LoadRound[] };
  readonly stress?: { rates: Row[]; concurrency: Row[]; seconds: number };
  readonly spike?: { base: number; before: Row; during: Row; after: Row };
  readonly soak?: {
    rate: number;
    seconds: number;
    plain: Row;
    stream: Row;
    heap: HeapSample[];
    afterGc: boolean;
  };
  readonly portkey?: { concurrency: number; seconds: number; rounds: number; rows: Row[]; skipped?: string };
  readonly anchors?: AnchorsResult;
}

export const BEGIN = '<!-- loadtest:begin (written by npm run loadtest; npm run bench keeps it) -->';
export const END = '<!-- loadtest:end -->';

const ms = (us: number) => (Number.isFinite(us) ? (us / 1000).toFixed(2) : '—');
const signedUs = (us: number) => (Number.isFinite(us) ? `${us >= 0 ? '+' : ''}${Math.round(us)}` : '—');
const loads = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(', ');

/** Added latency of one round: the gateway's (or the bare proxy's) percentile minus direct's, µs. */
function added(
  r: LoadRound,
  side: 'gateway' | 'bare' = 'gateway',
): { p50: number; p95: number; p99: number } {
  const x = r[side];
  if (!x) return { p50: Number.NaN, p95: Number.NaN, p99: Number.NaN };
  return {
    p50: x.p50 - r.direct.p50,
    p95: x.p95 - r.direct.p95,
    p99: x.p99 - r.direct.p99,
  };
}

/** Medians over rounds of the added latency (of the gateway, or of the bare proxy). */
export function addedMedian(
  rounds: readonly LoadRound[],
  side: 'gateway' | 'bare' = 'gateway',
): { p50: number; p95: number; p99: number } {
  const a = rounds.map((r) => added(r, side));
  return {
    p50: median(a.map((x) => x.p50)),
    p95: median(a.map((x) => x.p95)),
    p99: median(a.map((x) => x.p99)),
  };
}

/** Median calls/s of a target and mode in the side-by-side rows. */
export function sideRps(rows: readonly Row[], target: string, stream: boolean): number {
  return median(rows.filter((r) => r.target === target && r.stream === stream).map((r) => r.rps));
}

/** Heap growth over the soak: last sample minus the first (both after a full GC), MB. */
export function heapGrowth(heap: readonly HeapSample[]): number {
  if (heap.length < 2) return Number.NaN;
  return (heap[heap.length - 1] as HeapSample).heapMB - (heap[0] as HeapSample).heapMB;
}

/** The rate knee: the highest rate held with no errors, ≥ 95 % of the rate achieved and p99 under 5× the lowest rate's. */
export function rateKnee(rows: readonly Row[]): { held?: Row; broke?: Row } {
  const base = rows[0];
  if (!base) return {};
  let held: Row | undefined;
  for (const r of rows) {
    const ok = errorsOf(r) === 0 && r.ok >= 0.95 * r.calls && r.p99 <= 5 * Math.max(base.p99, 1000);
    if (!ok) return { ...(held ? { held } : {}), broke: r };
    held = r;
  }
  return held ? { held } : {};
}

function goals(r: LoadReport): string[] {
  const out = ['| goal (issue #17 §5) | measured | holds |', '|---|---|---|'];
  if (r.anchors) out.push(...anchorsGoals(r.anchors));
  if (r.portkey && !r.portkey.skipped) {
    for (const stream of [false, true]) {
      const ours = sideRps(r.portkey.rows, 'gateway', stream);
      const pk = sideRps(r.portkey.rows, 'portkey', stream);
      out.push(
        `| ≥ 5× Portkey's calls/s, ${stream ? 'streamed' : 'non-streamed'}, concurrency ${r.portkey.concurrency}, this harness | ${int(ours)} vs ${int(pk)} calls/s: ${(ours / pk).toFixed(1)}× | ${yes(ours >= 5 * pk)} |`,
      );
    }
  }
  if (r.load) {
    for (const stream of [false, true]) {
      const a = addedMedian(stream ? r.load.stream : r.load.plain);
      out.push(
        `| p99 added latency < 1 ms at ${int(r.load.rate)} req/s, ${stream ? 'streamed' : 'non-streamed'} | ${signedUs(a.p99)} µs (median of ${r.load.plain.length} rounds) | ${yes(a.p99 < 1000)} |`,
      );
    }
  }
  if (r.load || r.soak) {
    const rows = [
      ...(r.load ? [...r.load.plain, ...r.load.stream].map((x) => x.gateway) : []),
      ...(r.soak ? [r.soak.plain, r.soak.stream] : []),
    ];
    const errors = rows.reduce((n, x) => n + errorsOf(x), 0);
    const calls = rows.reduce((n, x) => n + x.calls, 0);
    const sum = (k: 'badStatus' | 'socketErrors' | 'badBody' | 'shed') =>
      int(rows.reduce((n, x) => n + x[k], 0));
    out.push(
      `| zero errors in load and soak | ${int(errors)} errors in ${int(calls)} calls (wrong status ${sum('badStatus')}, socket ${sum('socketErrors')}, wrong body ${sum('badBody')}, shed by the client past its in-flight cap ${sum('shed')}) | ${yes(errors === 0)} |`,
    );
  }
  if (r.soak) {
    const g = heapGrowth(r.soak.heap);
    out.push(
      `| heap flat over the soak (< 10 MB growth after GC) | ${g >= 0 ? '+' : ''}${g.toFixed(2)} MB over ${int(r.soak.seconds)} s | ${yes(r.soak.afterGc && g < 10)} |`,
    );
  }
  return out;
}

const rowHeader =
  '| path | mode | calls/s | p50 ms | p95 ms | p99 ms | max ms | errors | gateway CPU µs/call | load 1m |';
const rowLine = (x: Row, label = x.target) =>
  `| ${label} | ${x.stream ? 'stream' : 'plain'} | ${int(x.rps)} | ${ms(x.p50)} | ${ms(x.p95)} | ${ms(x.p99)} | ${ms(x.max)} | ${int(errorsOf(x))} | ${int(x.gatewayCpuPerCall)} | ${x.load1.toFixed(2)} |`;

function loadSection(l: NonNullable<LoadReport['load']>): string[] {
  const withBare = [...l.plain, ...l.stream].some((r) => r.bare !== undefined);
  const out = [
    `### Load: ${int(l.rate)} calls/s for ${l.seconds} s, ${l.plain.length} rounds`,
    '',
    `The same paced rate straight to the mock ("direct")${withBare ? ', through the bare pass-through proxy ("bare": `test/load/bare-proxy.ts`, node:http + an undici pool, no routing — the floor any Node proxy pays here)' : ''} and through the gateway, alternating order; added = percentile − direct percentile of the same round, median over rounds.`,
    '',
    '| path | mode | direct p50 / p95 / p99 µs | path p50 / p95 / p99 µs | added p50 / p95 / p99 µs | added p99 by round µs | errors | CPU µs/call | load 1m |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const side of withBare ? (['bare', 'gateway'] as const) : (['gateway'] as const)) {
    for (const stream of [false, true]) {
      const rounds = stream ? l.stream : l.plain;
      const d = (k: 'p50' | 'p95' | 'p99', s: 'direct' | 'gateway' | 'bare') =>
        int(median(rounds.map((r) => r[s]?.[k] ?? Number.NaN)));
      const a = addedMedian(rounds, side);
      out.push(
        `| ${side === 'gateway' ? '**gateway**' : 'bare proxy'} | ${stream ? 'stream' : 'plain'} | ${d('p50', 'direct')} / ${d('p95', 'direct')} / ${d('p99', 'direct')} | ${d('p50', side)} / ${d('p95', side)} / ${d('p99', side)} | ${signedUs(a.p50)} / ${signedUs(a.p95)} / ${signedUs(a.p99)} | ${rounds.map((r) => signedUs(added(r, side).p99)).join(' / ')} | ${int(rounds.reduce((n, r) => n + (r[side] ? errorsOf(r[side]) : 0), 0))} | ${int(median(rounds.map((r) => r[side]?.gatewayCpuPerCall ?? Number.NaN)))} | ${rounds.map((r) => r[side]?.load1.toFixed(1) ?? '—').join(' / ')} |`,
      );
    }
  }
  return out;
}

function stressSection(s: NonNullable<LoadReport['stress']>): string[] {
  const out = [
    `### Stress (${s.seconds} s per step)`,
    '',
    'Paced rate raised step by step (a step with > 5 % errors ends the ramp):',
    '',
  ];
  out.push(
    '| mode | target calls/s | achieved calls/s | p50 ms | p99 ms | errors | gateway CPU µs/call | load 1m |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const x of s.rates) {
    out.push(
      `| ${x.stream ? 'stream' : 'plain'} | ${int(x.rate ?? Number.NaN)} | ${int(x.rps)} | ${ms(x.p50)} | ${ms(x.p99)} | ${int(errorsOf(x))} | ${int(x.gatewayCpuPerCall)} | ${x.load1.toFixed(2)} |`,
    );
  }
  for (const stream of [false, true]) {
    const k = rateKnee(s.rates.filter((x) => x.stream === stream));
    out.push(
      '',
      `Knee (${stream ? 'stream' : 'plain'}): ${k.held ? `held ${int(k.held.rps)} calls/s (p99 ${ms(k.held.p99)} ms, no errors)` : 'no step held'}${k.broke ? `; the next step (${int(k.broke.rate ?? Number.NaN)} asked) got ${int(k.broke.rps)} calls/s, p99 ${ms(k.broke.p99)} ms, ${int(errorsOf(k.broke))} errors` : '; no step broke'}.`,
    );
  }
  out.push(
    '',
    'Closed loop, connections raised (throughput stops rising at the knee, latency grows past it):',
    '',
  );
  out.push(
    '| mode | connections | calls/s | p50 ms | p99 ms | errors | gateway CPU µs/call | load 1m |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const x of s.concurrency) {
    out.push(
      `| ${x.stream ? 'stream' : 'plain'} | ${int(x.connections ?? Number.NaN)} | ${int(x.rps)} | ${ms(x.p50)} | ${ms(x.p99)} | ${int(errorsOf(x))} | ${int(x.gatewayCpuPerCall)} | ${x.load1.toFixed(2)} |`,
    );
  }
  return out;
}

/** The whole section, between {@link BEGIN} and {@link END}. */
export function loadMarkdown(r: LoadReport): string {
  const out = [
    BEGIN,
    '## Gateway load test',
    '',
    `Written by \`npm run loadtest\` (\`test/load/run.ts\`${r.quick ? ', --quick' : ''}), ${r.started.toISOString()}, ${int(r.seconds)} s. Load average (1, 5, 15 min) at the start ${loads(r.loadAtStart)}, at the end ${loads(r.loadAtEnd)}, on ${cpus().length} shared cores: every row gives the 1-minute load when it started.`,
    '',
    `The gateway (\`createGateway\`, node:http) in front of a \`Router\` whose one target is the OpenAI adapter (\`baseURL\`) calling a zero-latency OpenAI-compatible mock (\`test/load/mock-upstream.ts\`: a JSON answer, or an SSE stream of 11 events). Mock, gateway and Portkey's gateway each run in their own process${r.pinned ? ' on CPU 0 (taskset), the load client on CPU 1' : ' (not pinned)'}. The client (\`test/load/client.ts\`, undici keep-alive pools) checks every answer: status 200 and the exact text (\`Hello! This is a mock reply.\`), reassembled from the deltas and ending in \`[DONE]\` for streams; errors = other statuses + socket errors + wrong bodies + calls shed by the client when more than its in-flight cap were pending. Latency is from issuing the call to the last byte.`,
    '',
  ];
  const peak = Math.max(r.loadAtStart[0] ?? 0, r.loadAtEnd[0] ?? 0);
  if (peak > cpus().length) {
    out.push(
      `**Read with care:** the machine's 1-minute load average reached ${peak.toFixed(1)} on ${cpus().length} cores during this run (other work on the shared machine), so each pinned process got a fraction of its core. Latencies, rates, sheds and the knee then measure that contention more than the gateway; the CPU µs per call of each gateway and the same-run ratios are the steadier figures. Rerun on a quiet machine for the service-level figures.`,
      '',
    );
  }
  out.push(...goals(r), '');
  if (r.smoke)
    out.push(
      '### Smoke',
      '',
      rowHeader,
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...r.smoke.map((x) => rowLine(x)),
      '',
    );
  if (r.load) out.push(...loadSection(r.load), '');
  if (r.stress) out.push(...stressSection(r.stress), '');
  if (r.spike) {
    const s = r.spike;
    out.push(
      `### Spike: ${int(s.base)} calls/s, then ${int(s.base * 10)} for ${Math.round(s.during.calls / (s.base * 10))} s, then ${int(s.base)} again (plain)`,
      '',
      rowHeader,
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      rowLine(s.before, 'before'),
      rowLine(s.during, 'spike ×10'),
      rowLine(s.after, 'after'),
      '',
    );
  }
  if (r.soak) {
    const s = r.soak;
    const h = s.heap;
    const mb = (x: number) => x.toFixed(2);
    out.push(
      `### Soak: ${int(s.rate)} calls/s (half streamed) for ${int(s.seconds)} s`,
      '',
      rowHeader,
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      rowLine(s.plain),
      rowLine(s.stream),
      '',
      `Gateway heap in use, ${h.length} samples: first ${mb(h[0]?.heapMB ?? Number.NaN)} MB, min ${mb(Math.min(...h.map((x) => x.heapMB)))}, max ${mb(Math.max(...h.map((x) => x.heapMB)))}, last ${mb(h[h.length - 1]?.heapMB ?? Number.NaN)} MB (growth ${mb(heapGrowth(h))} MB, first to last); RSS ${mb(h[0]?.rssMB ?? Number.NaN)} → ${mb(h[h.length - 1]?.rssMB ?? Number.NaN)} MB. ${s.afterGc ? 'The first and the last sample follow a forced full GC (`--expose-gc`, marked *); the others do not, since a forced GC every few seconds stalls the gateway and was most of the soak’s tail.' : 'No GC was available: raw figures.'}`,
      '',
      `Samples (s: MB): ${h.map((x) => `${Math.round(x.second)}: ${mb(x.heapMB)}${x.afterGc ? '*' : ''}`).join(', ')}.`,
      '',
    );
  }
  if (r.portkey) {
    const p = r.portkey;
    out.push(
      `### Side by side with Portkey's gateway (concurrency ${p.concurrency}, ${p.seconds} s per scenario, ${p.rounds} rounds)`,
      '',
    );
    if (p.skipped) out.push(`Skipped: ${p.skipped}`, '');
    else {
      out.push(
        "Portkey's gateway (`@portkey-ai/gateway` from the shared anchors harness, run in place; `x-portkey-provider: openai`, `x-portkey-custom-host` = the same mock), ours, the bare pass-through proxy (when it ran) and the mock directly, with the same client, order rotated each round; medians over rounds.",
        '',
        '| path | mode | calls/s (median) | calls/s by round | p50 ms | p99 ms | errors | gateway CPU µs/call | ours ÷ this |',
        '|---|---|---:|---:|---:|---:|---:|---:|---:|',
      );
      for (const stream of [false, true]) {
        const ours = sideRps(p.rows, 'gateway', stream);
        for (const target of ['gateway', 'bare', 'portkey', 'direct']) {
          const rows = p.rows.filter((x) => x.target === target && x.stream === stream);
          if (rows.length === 0) continue;
          const rps = median(rows.map((x) => x.rps));
          out.push(
            `| ${target === 'gateway' ? '**ours**' : target === 'bare' ? 'bare proxy' : target} | ${stream ? 'stream' : 'plain'} | ${int(rps)} | ${rows.map((x) => int(x.rps)).join(' / ')} | ${ms(median(rows.map((x) => x.p50)))} | ${ms(median(rows.map((x) => x.p99)))} | ${int(rows.reduce((n, x) => n + errorsOf(x), 0))} | ${int(median(rows.map((x) => x.gatewayCpuPerCall)))} | ${target === 'gateway' ? '' : `${(ours / rps).toFixed(2)}×`} |`,
          );
        }
      }
      out.push('');
    }
  }
  if (r.anchors) out.push(...anchorsSection(r.anchors), '');
  out.push(END);
  return out.join('\n');
}
