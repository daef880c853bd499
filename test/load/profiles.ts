/**
 * The load profiles of `npm run loadtest`: smoke, load, stress, spike, soak, and the side-by-side
 * run against Portkey's gateway. Each is bounded in call count and in time, and returns plain
 * figures for the report (report.ts).
 */
import { loadavg } from 'node:os';
import { Caller, closedLoop, errorsOf, type LoadTarget, type PhaseResult, paced } from './client.js';
import { type HeapSample, HeapSampler } from './heap-sampler.js';
import type { ServerProcess } from './processes.js';

/** The running servers and targets a profile uses. */
export interface Bench {
  readonly mock: ServerProcess;
  readonly gateway: ServerProcess;
  /** Straight to the mock. */
  readonly direct: LoadTarget;
  /** Through our gateway. */
  readonly ours: LoadTarget;
  /** Through the bare pass-through proxy (the floor: bare-proxy.ts), when it runs. */
  readonly bare?: { readonly server: ServerProcess; readonly target: LoadTarget };
  readonly log: (line: string) => void;
}

/** A phase's result with the machine's 1-minute load average when it started and the gateway's CPU per call. */
export interface Row extends PhaseResult {
  readonly load1: number;
  /** CPU µs per answered call of the gateway process that served it (NaN for direct calls). */
  readonly gatewayCpuPerCall: number;
  /** Paced phases: the calls/s asked for. */
  readonly rate?: number;
  /** Closed-loop phases: the calls kept in flight. */
  readonly connections?: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

export { median };

/** Runs one phase against a target with a fresh caller, measuring the serving process's CPU. */
async function phase(
  bench: Bench,
  target: LoadTarget,
  server: ServerProcess | undefined,
  connections: number,
  run: (caller: Caller) => Promise<PhaseResult>,
): Promise<Row> {
  const caller = new Caller(target, connections);
  const load1 = loadavg()[0] ?? Number.NaN;
  const cpuBefore = server?.cpuMicros() ?? Number.NaN;
  try {
    const r = await run(caller);
    const cpu = server === undefined ? Number.NaN : (server.cpuMicros() - cpuBefore) / Math.max(1, r.ok);
    const row: Row = { ...r, load1, gatewayCpuPerCall: cpu };
    bench.log(describe(row));
    return row;
  } finally {
    await caller.close();
  }
}

/** One line per phase for the console. */
export function describe(r: Row): string {
  const us = (x: number) => `${Math.round(x)}µs`;
  const cpu = Number.isFinite(r.gatewayCpuPerCall) ? ` gw CPU ${Math.round(r.gatewayCpuPerCall)}µs/call` : '';
  const err = errorsOf(r) ? ` ERRORS ${errorsOf(r)} (${r.firstError})` : '';
  return `  ${r.target.padEnd(8)} ${r.stream ? 'stream' : 'plain '} ${r.ok}/${r.calls} ok ${Math.round(r.rps)}/s p50 ${us(r.p50)} p95 ${us(r.p95)} p99 ${us(r.p99)} max ${us(r.max)}${cpu} load ${r.load1.toFixed(2)}${err}`;
}

/** Warms a target's JIT and connections (not recorded). */
async function warm(bench: Bench, target: LoadTarget, seconds: number): Promise<void> {
  const caller = new Caller(target, 16);
  for (const stream of [false, true]) await closedLoop(caller, { stream, concurrency: 16, seconds });
  await caller.close();
  void bench;
}

/** smoke: a few hundred calls of each kind through the gateway; zero errors expected. */
export async function smoke(bench: Bench, calls: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const stream of [false, true]) {
    rows.push(
      await phase(bench, bench.ours, bench.gateway, 8, (c) =>
        closedLoop(c, { stream, concurrency: 8, seconds: 30, maxCalls: calls }),
      ),
    );
  }
  return rows;
}

/** A load round: the same paced rate straight to the mock and through the gateway (order alternating). */
export interface LoadRound {
  readonly direct: Row;
  readonly gateway: Row;
  /** The bare pass-through proxy at the same rate in the same round, when it runs. */
  readonly bare?: Row;
}

/** load: `rate` calls/s for `seconds`, plain and streamed, direct and through the gateway, `rounds` times. */
export async function load(
  bench: Bench,
  o: { rate: number; seconds: number; rounds: number },
): Promise<{ plain: LoadRound[]; stream: LoadRound[] }> {
  await warm(bench, bench.direct, 1);
  await warm(bench, bench.ours, 2);
  if (bench.bare) await warm(bench, bench.bare.target, 1);
  const out: { plain: LoadRound[]; stream: LoadRound[] } = { plain: [], stream: [] };
  for (let round = 0; round < o.rounds; round++) {
    for (const stream of [false, true]) {
      const run = (target: LoadTarget, server: ServerProcess | undefined) =>
        phase(bench, target, server, 64, (c) => paced(c, { stream, rate: o.rate, seconds: o.seconds }));
      // direct → bare → gateway in even rounds, the reverse in odd ones.
      const steps: (() => Promise<void>)[] = [];
      let direct: Row | undefined;
      let gateway: Row | undefined;
      let bare: Row | undefined;
      steps.push(async () => {
        direct = await run(bench.direct, undefined);
      });
      const b = bench.bare;
      if (b)
        steps.push(async () => {
          bare = await run(b.target, b.server);
        });
      steps.push(async () => {
        gateway = await run(bench.ours, bench.gateway);
      });
      if (round % 2 === 1) steps.reverse();
      for (const step of steps) await step();
      (stream ? out.stream : out.plain).push({
        direct: direct as Row,
        gateway: gateway as Row,
        ...(bare ? { bare } : {}),
      });
    }
  }
  return out;
}

/** stress: a rising paced rate (where p99 or errors jump) and rising concurrency (where throughput stops rising). */
export async function stress(
  bench: Bench,
  o: { rates: readonly number[]; concurrency: readonly number[]; seconds: number },
): Promise<{ rates: Row[]; concurrency: Row[] }> {
  await warm(bench, bench.ours, 1);
  const rates: Row[] = [];
  for (const stream of [false, true]) {
    for (const rate of o.rates) {
      const row: Row = {
        ...(await phase(bench, bench.ours, bench.gateway, 256, (c) =>
          paced(c, { stream, rate, seconds: o.seconds, maxInFlight: 1000 }),
        )),
        rate,
      };
      rates.push(row);
      // Past the knee by far: stop raising this mode's rate.
      if (errorsOf(row) > row.calls * 0.05) break;
    }
  }
  const concurrency: Row[] = [];
  for (const stream of [false, true]) {
    for (const n of o.concurrency) {
      concurrency.push({
        ...(await phase(bench, bench.ours, bench.gateway, n, (c) =>
          closedLoop(c, { stream, concurrency: n, seconds: o.seconds }),
        )),
        connections: n,
      });
    }
  }
  return { rates, concurrency };
}

/** spike: `base` calls/s, then 10× for `spikeSeconds`, then `base` again (plain calls). */
export async function spike(
  bench: Bench,
  o: { base: number; baseSeconds: number; spikeSeconds: number },
): Promise<{ before: Row; during: Row; after: Row }> {
  await warm(bench, bench.ours, 1);
  const run = async (rate: number, seconds: number): Promise<Row> => ({
    ...(await phase(bench, bench.ours, bench.gateway, 256, (c) =>
      paced(c, { stream: false, rate, seconds }),
    )),
    rate,
  });
  const before = await run(o.base, o.baseSeconds);
  const during = await run(o.base * 10, o.spikeSeconds);
  const after = await run(o.base, o.baseSeconds);
  return { before, during, after };
}

/**
 * soak: `rate` calls/s (half plain, half streamed) for `seconds`; the gateway's heap sampled every
 * `every` s, after a forced full GC only for the first and the last sample (heap-sampler.ts).
 */
export async function soak(
  bench: Bench,
  o: { rate: number; seconds: number; every: number },
): Promise<{ plain: Row; stream: Row; heap: HeapSample[]; afterGc: boolean }> {
  await warm(bench, bench.ours, 3);
  const sampler = new HeapSampler((collect) => bench.gateway.heap(collect), o.every * 1000);
  await sampler.start();
  const [plain, stream] = await Promise.all(
    [false, true].map((s) =>
      phase(bench, bench.ours, bench.gateway, 64, (c) =>
        paced(c, { stream: s, rate: o.rate / 2, seconds: o.seconds }),
      ),
    ),
  );
  await sampler.stop();
  // Both halves ran in parallel: each row's CPU figure covers both, per half's calls. Halve it.
  const fix = (r: Row): Row => ({ ...r, gatewayCpuPerCall: r.gatewayCpuPerCall / 2 });
  return {
    plain: fix(plain as Row),
    stream: fix(stream as Row),
    heap: sampler.samples,
    afterGc: sampler.afterGc,
  };
}

/** One side-by-side round at a fixed concurrency: each target, plain and streamed. */
export async function sideBySide(
  bench: Bench,
  targets: readonly { target: LoadTarget; server: ServerProcess | undefined }[],
  o: { concurrency: number; seconds: number; rounds: number },
): Promise<Row[]> {
  for (const { target } of targets) await warm(bench, target, 2);
  const rows: Row[] = [];
  for (let round = 0; round < o.rounds; round++) {
    const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
    for (const { target, server } of order) {
      for (const stream of [false, true]) {
        rows.push(
          await phase(bench, target, server, o.concurrency, (c) =>
            closedLoop(c, { stream, concurrency: o.concurrency, seconds: o.seconds }),
          ),
        );
      }
    }
  }
  return rows;
}
