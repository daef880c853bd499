/**
 * End-to-end bench: Switchyard's OpenAI adapter through the Router against the raw `openai` SDK,
 * the `undici.request` floor, the Vercel AI SDK and LangChain, all calling a local mock OpenAI
 * server that runs in its own process. Each contender runs in a fresh worker process per round,
 * in rotated order; the tables show medians over the rounds and ratios against the raw `openai`
 * SDK of the same run. Every answer's text is checked, and the mock must have seen exactly as
 * many requests as the worker made (no hidden retries).
 *
 * Used by `test/bench/run.ts` (`e2eMarkdown`) and by `test/bench/e2e/run.ts` on its own.
 */
import { CONTENDERS } from './contenders.js';
import {
  benchDependenciesInstalled,
  canPin,
  installBenchDependencies,
  type Mock,
  runWorkerProcess,
  startMock,
} from './processes.js';
import { fixed, int, median } from './stats.js';
import { OVERHEAD_FLAG, type StreamOverhead } from './stream-overhead.js';
import { type ScenarioResult, scenarioNames, WORKER_FLAG, type WorkerResult } from './worker.js';

/** Options of {@link runE2E}. */
export interface E2EOptions {
  /** Shorter run: 1 round, 1 s scenarios, fewer overhead samples. @default false */
  readonly quick?: boolean;
  /** Rounds per contender. @default 3 (1 when quick) */
  readonly rounds?: number;
  /** Seconds per measured scenario. @default 2 (1 when quick) */
  readonly seconds?: number;
  /** Seconds per warm-up phase. @default 1 (0.5 when quick) */
  readonly warmSeconds?: number;
  /** Concurrency of the concurrent scenarios. @default 64 */
  readonly concurrency?: number;
  /** Contender names to run. @default all that can run here */
  readonly only?: readonly string[];
  /** Pin the mock to CPU 0 and workers to CPU 1 with `taskset`. @default when available */
  readonly pin?: boolean;
  /** Run `npm ci --prefix test/bench` when the AI SDK / LangChain are missing. @default true */
  readonly install?: boolean;
  /** Measure the Router's stream overhead (TTFT, per delta). @default true */
  readonly streamOverhead?: boolean;
  /** Progress lines. @default console.log */
  readonly log?: (line: string) => void;
}

/** One table row: a contender in a scenario, medians over rounds. */
export interface E2ERow {
  readonly scenario: string;
  readonly contender: string;
  readonly rounds: number;
  readonly callsPerSecond: number;
  /** calls/s ÷ raw openai's calls/s in the same scenario. */
  readonly callsVsOpenAI: number;
  /** Per-round calls/s, in round order. */
  readonly callsPerSecondByRound: readonly number[];
  readonly p50Us: number;
  readonly p99Us: number;
  readonly ttftP50Us: number | null;
  readonly cpuUsPerCall: number;
  /** CPU per call ÷ raw openai's. */
  readonly cpuVsOpenAI: number;
}

/** Everything one run measured. */
export interface E2EResult {
  readonly rows: readonly E2ERow[];
  readonly streamOverhead: StreamOverhead | undefined;
  /** Failed checks and skipped contenders; empty when all went well. */
  readonly problems: readonly string[];
  readonly contenders: readonly string[];
  readonly pinned: boolean;
  readonly rounds: number;
  readonly seconds: number;
  readonly concurrency: number;
  readonly elapsedSeconds: number;
  /** The tables, as markdown for docs/performance.md. */
  readonly markdown: string;
}

/** Sends `n` requests at concurrency `c` straight to the mock, so round 1 meets a warm server. */
async function prewarmMock(mock: Mock, n: number): Promise<void> {
  const body = (stream: boolean) =>
    JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      ...(stream ? { stream: true } : {}),
    });
  let left = n;
  const lane = async () => {
    while (left-- > 0) {
      const res = await fetch(`${mock.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body(left % 3 === 0),
      });
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
}

/** Runs the whole suite. */
export async function runE2E(options: E2EOptions = {}): Promise<E2EResult> {
  const started = performance.now();
  const quick = options.quick ?? false;
  const rounds = options.rounds ?? (quick ? 1 : 3);
  const seconds = options.seconds ?? (quick ? 1 : 2);
  const warmSeconds = options.warmSeconds ?? (quick ? 0.5 : 1);
  const concurrency = options.concurrency ?? 64;
  const pin = options.pin ?? canPin();
  const log = options.log ?? ((line: string) => console.log(line));
  const problems: string[] = [];

  if (!benchDependenciesInstalled() && (options.install ?? true)) {
    log('installing the AI SDK and LangChain for the bench (npm ci --prefix test/bench)…');
    try {
      installBenchDependencies();
    } catch (error) {
      problems.push(`npm ci --prefix test/bench failed: ${String((error as Error).message).slice(0, 200)}`);
    }
  }
  let names = CONTENDERS.map((c) => c.name);
  if (options.only) names = names.filter((n) => options.only?.includes(n));
  for (const c of CONTENDERS) {
    const why = c.missing?.();
    if (why && names.includes(c.name)) {
      problems.push(`${c.name} skipped: ${why}`);
      names = names.filter((n) => n !== c.name);
    }
  }

  const mock = await startMock(pin);
  // Never leave the mock behind, even when the run is interrupted.
  const stopMock = () => mock.stop();
  process.once('exit', stopMock);
  const results: Array<WorkerResult & { round: number }> = [];
  let streamOverhead: StreamOverhead | undefined;
  try {
    await prewarmMock(mock, quick ? 1500 : 4000);
    log(
      `e2e: mock pid ${mock.pid} at ${mock.baseURL}; ${pin ? 'pinned (mock CPU 0, workers CPU 1)' : 'not pinned'}`,
    );
    for (let round = 0; round < rounds; round++) {
      const order = names.map((_, i) => names[(i + round) % names.length] as string);
      for (const name of order) {
        const before = await mock.requests();
        const args = [
          WORKER_FLAG,
          '--contender',
          name,
          '--base',
          mock.baseURL,
          '--seconds',
          String(seconds),
          '--warm',
          String(warmSeconds),
          '--c',
          String(concurrency),
        ];
        let result: WorkerResult;
        try {
          result = await runWorkerProcess<WorkerResult>('./worker.ts', args, pin, 180_000);
        } catch (error) {
          problems.push(`${name} round ${round + 1}: ${String((error as Error).message).slice(0, 500)}`);
          continue;
        }
        const seen = (await mock.requests()) - before;
        if (seen !== result.attempted) {
          problems.push(
            `${name} round ${round + 1}: the mock saw ${seen} requests for ${result.attempted} calls`,
          );
        }
        if (result.errors || result.wrongAnswers) {
          problems.push(
            `${name} round ${round + 1}: ${result.errors} errors, ${result.wrongAnswers} wrong answers (${result.firstProblem})`,
          );
        }
        results.push({ ...result, round });
        const brief = Object.entries(result.scenarios)
          .map(([k, v]) => `${k} ${int(v.callsPerSecond)}/s`)
          .join(' | ');
        log(`e2e round ${round + 1} ${name.padEnd(20)} ${brief}`);
      }
    }
    if (options.streamOverhead ?? true) {
      try {
        streamOverhead = await runWorkerProcess<StreamOverhead>(
          './stream-overhead.ts',
          [OVERHEAD_FLAG, '--base', mock.baseURL, ...(quick ? ['--quick'] : [])],
          pin,
          300_000,
        );
        log(
          `e2e stream overhead: TTFT +${fixed(streamOverhead.ttftOverheadUs)} µs, ` +
            `per delta ${fixed(streamOverhead.wirePerDeltaCpuUs, 2)} µs CPU (wire), ${fixed(streamOverhead.memoryPerDeltaCpuUs, 2)} µs (memory)`,
        );
      } catch (error) {
        problems.push(`stream overhead: ${String((error as Error).message).slice(0, 500)}`);
      }
    }
  } finally {
    process.off('exit', stopMock);
    mock.stop();
  }

  const rows = summarize(results, names, concurrency);
  const elapsedSeconds = (performance.now() - started) / 1000;
  const partial = {
    rows,
    streamOverhead,
    problems,
    contenders: names,
    pinned: pin,
    rounds,
    seconds,
    concurrency,
    elapsedSeconds,
  };
  return { ...partial, markdown: renderMarkdown(partial) };
}

function summarize(
  results: ReadonlyArray<WorkerResult & { round: number }>,
  names: readonly string[],
  c: number,
): E2ERow[] {
  const rows: E2ERow[] = [];
  for (const scenario of scenarioNames(c)) {
    const byName = new Map<string, ScenarioResult[]>();
    for (const name of names) {
      const rs = results
        .filter((r) => r.contender === name)
        .sort((a, b) => a.round - b.round)
        .map((r) => r.scenarios[scenario])
        .filter((s): s is ScenarioResult => s !== undefined);
      if (rs.length) byName.set(name, rs);
    }
    const med = (rs: readonly ScenarioResult[], pick: (s: ScenarioResult) => number | null) =>
      median(rs.map((s) => pick(s) ?? Number.NaN));
    const openai = byName.get('openai');
    const openaiCalls = openai ? med(openai, (s) => s.callsPerSecond) : Number.NaN;
    const openaiCpu = openai ? med(openai, (s) => s.cpuUsPerCall) : Number.NaN;
    for (const [name, rs] of byName) {
      const calls = med(rs, (s) => s.callsPerSecond);
      const cpu = med(rs, (s) => s.cpuUsPerCall);
      const ttft = med(rs, (s) => s.ttftP50Us);
      rows.push({
        scenario,
        contender: name,
        rounds: rs.length,
        callsPerSecond: calls,
        callsVsOpenAI: calls / openaiCalls,
        callsPerSecondByRound: rs.map((s) => s.callsPerSecond),
        p50Us: med(rs, (s) => s.p50Us),
        p99Us: med(rs, (s) => s.p99Us),
        ttftP50Us: Number.isFinite(ttft) ? ttft : null,
        cpuUsPerCall: cpu,
        cpuVsOpenAI: cpu / openaiCpu,
      });
    }
  }
  return rows;
}

function renderMarkdown(r: Omit<E2EResult, 'markdown'>): string {
  const lines: string[] = [];
  lines.push('## End to end against a local mock OpenAI server', '');
  lines.push(
    `Each contender in a fresh process per round (${r.rounds} round${r.rounds === 1 ? '' : 's'}, order rotated), ` +
      `the mock in another process${r.pinned ? ' (mock on CPU 0, client on CPU 1 via taskset)' : ' (no CPU pinning available)'}; ` +
      `${r.seconds} s per scenario after warm-up; medians over rounds. "× openai" compares with the raw \`openai\` SDK in the same run. ` +
      'Every answer is checked, and the mock saw exactly one request per call. CPU is the client process (user + system) per call.',
    '',
  );
  const label = (name: string) => (name === 'switchyard' ? '**switchyard**' : name);
  for (const scenario of scenarioNames(r.concurrency)) {
    const rows = r.rows.filter((x) => x.scenario === scenario);
    if (!rows.length) continue;
    const stream = scenario.endsWith('/stream');
    lines.push(`### ${scenario}`, '');
    const head = ['contender', 'calls/s', '× openai', 'p50 µs', 'p99 µs'];
    if (stream) head.push('TTFT p50 µs');
    head.push('CPU µs/call', 'CPU × openai', 'calls/s by round');
    lines.push(`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`);
    for (const x of rows) {
      const cells = [
        label(x.contender),
        int(x.callsPerSecond),
        `${fixed(x.callsVsOpenAI, 2)}×`,
        int(x.p50Us),
        int(x.p99Us),
      ];
      if (stream) cells.push(int(x.ttftP50Us ?? Number.NaN));
      cells.push(
        int(x.cpuUsPerCall),
        `${fixed(x.cpuVsOpenAI, 2)}×`,
        x.callsPerSecondByRound.map(int).join(' / '),
      );
      lines.push(`| ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  const o = r.streamOverhead;
  if (o) {
    lines.push(
      '### Router stream overhead (same OpenAI adapter, alone vs through the Router, alternating calls)',
      '',
    );
    lines.push('| measure | adapter alone | through Router | overhead |', '|---|---:|---:|---:|');
    lines.push(
      `| TTFT p50, 8-delta stream (${int(o.samples.ttft)} pairs; overhead = median paired difference) | ${int(o.ttftAdapterUs)} µs | ${int(o.ttftRouterUs)} µs | ${fixed(o.ttftOverheadUs)} µs |`,
    );
    lines.push(
      `| wall p50, ${o.deltas}-delta stream (${o.samples.wire} pairs) | ${int(o.wireWallAdapterUs)} µs | ${int(o.wireWallRouterUs)} µs | ${fixed(o.wirePerDeltaWallUs, 2)} µs/delta |`,
    );
    lines.push(
      `| client CPU mean, ${o.deltas}-delta stream | ${int(o.wireCpuAdapterUs)} µs | ${int(o.wireCpuRouterUs)} µs | ${fixed(o.wirePerDeltaCpuUs, 2)} µs/delta |`,
    );
    lines.push(
      `| client CPU, ${o.deltas} deltas from an in-memory adapter (${int(o.samples.memory)} pairs, no I/O) | | | ${fixed(o.memoryPerDeltaCpuUs, 3)} µs/delta |`,
    );
    lines.push('');
  }
  if (r.problems.length) {
    lines.push('Problems in this run:', '');
    for (const p of r.problems) lines.push(`- ${p}`);
    lines.push('');
  }
  lines.push(
    `Contenders: ${r.contenders.map((n) => `\`${n}\``).join(', ')}. Suite time: ${int(r.elapsedSeconds)} s.`,
    '',
  );
  for (const c of CONTENDERS.filter((x) => r.contenders.includes(x.name)))
    lines.push(`- \`${c.name}\`: ${c.label}`);
  lines.push('');
  return lines.join('\n');
}

/** The rows of a run (see {@link runE2E}). */
export async function e2eRows(options: E2EOptions = {}): Promise<readonly E2ERow[]> {
  return (await runE2E(options)).rows;
}

/** The markdown section of a run, for `test/bench/run.ts`. */
export async function e2eMarkdown(options: E2EOptions = {}): Promise<string> {
  return (await runE2E(options)).markdown;
}
