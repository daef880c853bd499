/**
 * Router overhead without I/O: `Router` + `MockAdapter` against calling the `MockAdapter`
 * directly, sequential and at concurrency 64, for 1 and 8 targets and each built-in strategy;
 * the cost of one strategy pick with 8 targets; memory over 100,000 routed calls.
 */
import { measure } from 'mitata';
import {
  type AdapterRequest,
  type CompletionRequest,
  type PickContext,
  Router,
  type RouterEventName,
  type RouterOptions,
  systemClock,
  type TargetView,
} from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';

export interface OverheadRow {
  readonly case: string;
  /** Median ns per routed call. */
  readonly routedNs: number;
  /** Median ns per direct adapter call. */
  readonly directNs: number;
  readonly overheadNs: number;
  /** Routed calls per second on one core (1e9 / mean). */
  readonly routedPerSec: number;
}

const request: CompletionRequest = {
  messages: [{ role: 'user', content: 'Say hello' }],
  maxOutputTokens: 16,
};
const adapterRequest: AdapterRequest = { model: 'm', messages: request.messages, maxOutputTokens: 16 };

export function makeTargets(n: number, adapter: MockAdapter): RouterOptions['targets'] {
  return Array.from({ length: n }, (_, i) => ({ id: `t${i}`, adapter, model: 'm', weight: 1 + (i % 3) }));
}

export function quietMock(): MockAdapter {
  const outcome = { text: 'Hello! This is a mock reply.' };
  return new MockAdapter(() => outcome, { recordCalls: false });
}

/** The events a metrics consumer listens to; `route` (a debugging aid) is measured on its own. */
const LIFECYCLE = ['request:start', 'attempt:start', 'attempt:success', 'request:success'] as const;

function withEvents(router: Router, names: readonly RouterEventName[] = LIFECYCLE): Router {
  const sink: unknown[] = [];
  const keep = (e: unknown) => {
    if (sink.length > 100) sink.length = 0;
    sink.push(e);
  };
  for (const name of names) router.on(name, keep);
  return router;
}

const opts = { min_cpu_time: 300e6, warmup_samples: 2, max_samples: 1e9 };

export async function measureDirect(): Promise<number> {
  const adapter = quietMock();
  const callOptions = {
    signal: new AbortController().signal,
    target: 't0',
    clock: systemClock,
    deadline: Infinity,
  };
  const stats = await measure(async () => adapter.complete(adapterRequest, callOptions), opts);
  return stats.p50;
}

export async function measureRouted(router: Router): Promise<{ p50: number; avg: number }> {
  const stats = await measure(async () => router.complete(request), opts);
  return { p50: stats.p50, avg: stats.avg };
}

/** Sequential overhead rows. */
export async function overheadRows(strategies: readonly string[]): Promise<OverheadRow[]> {
  const rows: OverheadRow[] = [];
  for (const targets of [1, 8]) {
    for (const strategy of strategies) {
      const directNs = await measureDirect();
      const routed = await measureRouted(
        new Router({ targets: makeTargets(targets, quietMock()), strategy }),
      );
      rows.push({
        case: `${targets} target${targets > 1 ? 's' : ''}, ${strategy}`,
        routedNs: routed.p50,
        directNs,
        overheadNs: routed.p50 - directNs,
        routedPerSec: 1e9 / routed.avg,
      });
    }
  }
  for (const [label, build] of [
    [
      '8 targets, round-robin, lifecycle events on (4 listeners)',
      () => withEvents(new Router({ targets: makeTargets(8, quietMock()) })),
    ],
    [
      '8 targets, round-robin, lifecycle + route events on (describe() of 8 candidates)',
      () => withEvents(new Router({ targets: makeTargets(8, quietMock()) }), [...LIFECYCLE, 'route']),
    ],
    [
      '8 targets, round-robin, lifecycle events + validation + prices all on',
      () =>
        withEvents(
          new Router({
            targets: makeTargets(8, quietMock()).map((t) => ({
              ...t,
              price: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
            })),
          }),
        ),
    ],
    [
      '8 targets, round-robin, validation off',
      () => new Router({ targets: makeTargets(8, quietMock()), validateRequests: false }),
    ],
    [
      '8 targets, round-robin, one pass-through wrapAttempt middleware',
      () =>
        new Router({
          targets: makeTargets(8, quietMock()),
          middleware: [{ name: 'pass', wrapAttempt: (_ctx, next) => next() }],
        }),
    ],
    [
      '8 targets, round-robin, one pass-through wrapCall middleware',
      () =>
        new Router({
          targets: makeTargets(8, quietMock()),
          middleware: [{ name: 'pass', wrapCall: (_ctx, next) => next() }],
        }),
    ],
    [
      '8 targets, round-robin, prices on (cost accounting)',
      () =>
        new Router({
          targets: makeTargets(8, quietMock()).map((t) => ({
            ...t,
            price: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
          })),
        }),
    ],
  ] as const) {
    const directNs = await measureDirect();
    const routed = await measureRouted(build());
    rows.push({
      case: label,
      routedNs: routed.p50,
      directNs,
      overheadNs: routed.p50 - directNs,
      routedPerSec: 1e9 / routed.avg,
    });
  }
  return rows;
}

/** Calls per second with `lanes` calls in flight, for `durationMs`. */
export async function concurrentRate(
  call: () => Promise<unknown>,
  lanes = 64,
  durationMs = 1000,
): Promise<number> {
  let done = 0;
  const end = performance.now() + durationMs;
  const lane = async () => {
    while (performance.now() < end) {
      await call();
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: lanes }, lane));
  return done / ((performance.now() - started) / 1000);
}

export interface ConcurrencyRow {
  readonly case: string;
  readonly routedPerSec: number;
  readonly directPerSec: number;
  /** routed ÷ direct */
  readonly ratio: number;
}

/** Concurrency-64 rows; the routed and direct runs alternate over `rounds` and medians are kept. */
export async function concurrencyRows(rounds = 3): Promise<ConcurrencyRow[]> {
  const rows: ConcurrencyRow[] = [];
  const callOptions = {
    signal: new AbortController().signal,
    target: 't0',
    clock: systemClock,
    deadline: Infinity,
  };
  for (const targets of [1, 8]) {
    for (const strategy of ['round-robin', 'least-connections', 'response-time']) {
      const routed: number[] = [];
      const direct: number[] = [];
      const router = new Router({ targets: makeTargets(targets, quietMock()), strategy });
      const adapter = quietMock();
      for (let r = 0; r < rounds; r++) {
        direct.push(await concurrentRate(() => adapter.complete(adapterRequest, callOptions)));
        routed.push(await concurrentRate(() => router.complete(request)));
      }
      const routedPerSec = median(routed);
      const directPerSec = median(direct);
      rows.push({
        case: `c64, ${targets} target${targets > 1 ? 's' : ''}, ${strategy}`,
        routedPerSec,
        directPerSec,
        ratio: routedPerSec / directPerSec,
      });
    }
  }
  return rows;
}

export interface PickRow {
  readonly strategy: string;
  /** p50 ns of one pick followed by its observe (what a call costs the strategy). */
  readonly pickObserveNs: number;
  /** p50 ns of one observe. */
  readonly observeNs: number;
  /** pick ≈ (pick + observe) − observe, in steady state. */
  readonly pickNs: number;
}

/**
 * The cost of a strategy with 8 healthy candidates in steady state: every pick is followed by
 * its observe (as in the router), so strategies that track their own picks stay balanced. Each
 * strategy is measured in a fresh process (`pick-worker.ts`), so that the JIT state left by the
 * other strategies and the rest of the suite does not colour its figure.
 */
export async function pickRows(strategies: readonly string[]): Promise<PickRow[]> {
  const { execFileSync } = await import('node:child_process');
  const worker = new URL('./pick-worker.ts', import.meta.url).pathname;
  return strategies.map((name) => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', worker, name], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    return JSON.parse(out.trim().split('\n').at(-1)!) as PickRow;
  });
}

/** Measures one strategy in this process (the body of `pick-worker.ts`). */
export async function pickRowOf(name: string): Promise<PickRow> {
  const targets = new Router({ targets: makeTargets(8, quietMock()) }).targets;
  const usage = { inputTokens: 10, outputTokens: 10, totalTokens: 20 };
  let tick = 0;
  const startedAt = systemClock.now(); // attempts start at (or after) the pick's time, as in the router
  const outcome = (target: TargetView) => ({
    target,
    request,
    stream: false,
    ok: true,
    startedAt,
    latencyMs: 100 + 10 * target.index + (tick++ % 7),
    usage,
    costUsd: 0.00001,
  });
  const strategy = Router.strategies.get(name)!({ targets, clock: systemClock, random: Math.random });
  const ctx: PickContext = { request, stream: false, attempt: 1, now: startedAt, random: Math.random };
  const round = () => {
    const picked = strategy.pick(targets, ctx); // outside the optional call: always evaluated
    strategy.observe?.(outcome(picked));
  };
  for (let i = 0; i < 5000; i++) round(); // learning strategies reach steady state
  const pair = await measure(round, { min_cpu_time: 200e6 });
  const observeOnly = () => {
    const target = targets[tick % 8]!;
    strategy.observe?.(outcome(target));
  };
  const observe = await measure(observeOnly, { min_cpu_time: 200e6 });
  return {
    strategy: name,
    pickObserveNs: pair.p50,
    observeNs: observe.p50,
    pickNs: Math.max(0, pair.p50 - observe.p50),
  };
}

export interface MemoryRow {
  readonly calls: number;
  readonly heapBeforeMb: number;
  readonly heapAfterMb: number;
  readonly heapGrowthMb: number;
  readonly rssGrowthMb: number;
  /** Bytes of heap held per in-flight call (10,000 calls held open). */
  readonly bytesPerInFlightCall: number;
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run the benchmark with node --expose-gc');
  for (let i = 0; i < 6; i++) g();
}

/** Heap and RSS growth over `calls` routed calls (forced GC before and after), and heap per in-flight call. */
export async function memoryRow(calls = 100_000): Promise<MemoryRow> {
  const router = withEvents(new Router({ targets: makeTargets(8, quietMock()), strategy: 'response-time' }));
  for (let i = 0; i < 5000; i++) await router.complete(request);
  gc();
  const before = process.memoryUsage();
  for (let i = 0; i < calls; i += 64)
    await Promise.all(Array.from({ length: 64 }, () => router.complete(request)));
  gc();
  const after = process.memoryUsage();

  // Heap per in-flight call: hold 10,000 calls open on an adapter that answers only when released.
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const held = new MockAdapter(
    async () => {
      await gate;
      return { text: 'ok' };
    },
    { recordCalls: false },
  );
  const heldRouter = new Router({ targets: [{ id: 'h', adapter: held, model: 'm' }] });
  gc();
  const idle = process.memoryUsage().heapUsed;
  const inFlight = Array.from({ length: 10_000 }, () => heldRouter.complete(request));
  await new Promise((r) => setImmediate(r));
  gc();
  const busy = process.memoryUsage().heapUsed;
  release();
  await Promise.all(inFlight);
  const mb = (b: number) => b / 1024 / 1024;
  return {
    calls,
    heapBeforeMb: mb(before.heapUsed),
    heapAfterMb: mb(after.heapUsed),
    heapGrowthMb: mb(after.heapUsed - before.heapUsed),
    rssGrowthMb: mb(after.rss - before.rss),
    bytesPerInFlightCall: (busy - idle) / 10_000,
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
