/**
 * What `collectMetrics` and `UsageLedger` add to a routed call: routers of 8 MockAdapter targets
 * in one process, one bare, one with the collector attached (default labels; and with tags on),
 * one with the ledger, one with both (issue #15: together under +1 µs at p50), and one with no-op
 * listeners on the events the two subscribe to (the floor of any event-based observer: the
 * router builds the same payloads). Timed in rounds that rotate the order of the cases; each
 * case's figure is the median over the rounds of its time minus the bare router's in the same
 * round (so a load that drifts between rounds cancels out), and the medians themselves.
 *
 * Part of `npm run bench`. Alone: node --import tsx test/bench/metrics-overhead.ts
 * (ROUNDS, CALLS; BENCH_CLOCK=cpu times CPU time instead of wall time; `BENCH_ONLY=both` (comma-separated case names) times only those cases besides
 * `bare`; `METRICS_BASELINE` / `USAGE_BASELINE` = the index.ts of another copy of the module adds
 * `before …` cases for it in the same rounds).
 */
import type { Router } from '../../index.js';
import { collectMetrics, type MetricLabel } from '../../modules/metrics/index.js';
import { UsageLedger } from '../../modules/usage/index.js';
import { median, eightTargetRouter as router } from './eight-targets.js';

/** One case: the median ns per call, and the median of its per-round difference from `bare`. */
export interface ObserverRow {
  readonly case: string;
  readonly ns: number;
  /** Median over the rounds of (this case − bare) in the same round; 0 for `bare`. */
  readonly addedNs: number;
}

const messages = [{ role: 'user' as const, content: 'hello there' }];

/**
 * Nanoseconds now: wall time, or with `BENCH_CLOCK=cpu` the process's CPU time (user + system),
 * which time spent waiting for a core on a loaded machine does not inflate.
 */
export const nowNs: () => number =
  process.env.BENCH_CLOCK === 'cpu'
    ? () => {
        const u = process.cpuUsage();
        return (u.user + u.system) * 1000;
      }
    : () => Number(process.hrtime.bigint());

async function round(r: Router, calls: number): Promise<number> {
  const t0 = nowNs();
  for (let i = 0; i < calls; i++) await r.complete({ messages, model: 'chat', tags: [`t${i % 50}`] });
  return (nowNs() - t0) / calls;
}

/** The events `collectMetrics` subscribes to. */
const METRICS_EVENTS = [
  'request:start',
  'attempt:success',
  'attempt:failure',
  'retry',
  'fallback',
  'stream:first-token',
  'request:success',
  'request:failure',
  'target:ejected',
] as const;
/** The events `UsageLedger` subscribes to. */
const LEDGER_EVENTS = ['request:start', 'request:success', 'request:failure'] as const;

/**
 * Times `cases` (which must hold `bare`) in `rounds` rounds of `calls` calls each; the order of
 * the cases rotates from round to round.
 */
export async function timeCases(
  cases: Record<string, Router>,
  rounds: number,
  calls: number,
  run: (r: Router, calls: number) => Promise<number> = round,
): Promise<ObserverRow[]> {
  const names = Object.keys(cases);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const added: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) await run(cases[name] as Router, calls); // warm up
  for (let i = 0; i < rounds; i++) {
    const inRound: Record<string, number> = {};
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length] as string;
      inRound[name] = await run(cases[name] as Router, calls);
    }
    for (const name of names) {
      times[name]?.push(inRound[name] as number);
      added[name]?.push((inRound[name] as number) - (inRound.bare as number));
    }
  }
  return names.map((name) => ({
    case: name,
    ns: median(times[name] ?? []),
    addedNs: median(added[name] ?? []),
  }));
}

/** The routers of this bench: bare, empty listeners, the collector, the ledger, both. */
export function metricsCases(only?: readonly string[]): Record<string, Router> {
  const withTags: MetricLabel[] = ['target', 'provider', 'model', 'alias', 'tag'];
  const all: Record<string, () => Router> = {
    bare: () => router(),
    'empty listeners': () => {
      const r = router();
      const noop = () => {};
      for (const event of METRICS_EVENTS) r.on(event, noop);
      for (const event of LEDGER_EVENTS) r.on(event, () => {});
      return r;
    },
    metrics: () => {
      const r = router();
      collectMetrics(r);
      return r;
    },
    'metrics+tags': () => {
      const r = router();
      collectMetrics(r, { labels: withTags, maxTagValues: 20 });
      return r;
    },
    ledger: () => {
      const r = router();
      new UsageLedger().attach(r);
      return r;
    },
    both: () => {
      const r = router();
      collectMetrics(r);
      new UsageLedger().attach(r);
      return r;
    },
  };
  return Object.fromEntries(
    Object.entries(all)
      .filter(([name]) => name === 'bare' || only === undefined || only.includes(name))
      .map(([name, make]) => [name, make()]),
  );
}

/** Every case, rounds rotating (what `npm run bench` prints in its observers section). */
export async function metricsOverheadRows(rounds = 15, calls = 10_000): Promise<ObserverRow[]> {
  return timeCases(metricsCases(), rounds, calls);
}

if (process.argv[1]?.endsWith('metrics-overhead.ts')) {
  const cases = metricsCases(process.env.BENCH_ONLY?.split(','));
  if (process.env.METRICS_BASELINE || process.env.USAGE_BASELINE) {
    const m = process.env.METRICS_BASELINE
      ? ((await import(process.env.METRICS_BASELINE)) as { collectMetrics: typeof collectMetrics })
      : { collectMetrics };
    const u = process.env.USAGE_BASELINE
      ? ((await import(process.env.USAGE_BASELINE)) as { UsageLedger: typeof UsageLedger })
      : { UsageLedger };
    const add = (name: string, attach: (r: Router) => void) => {
      const r = router();
      attach(r);
      cases[name] = r;
    };
    add('before metrics', (r) => m.collectMetrics(r));
    add('before ledger', (r) => new u.UsageLedger().attach(r));
    add('before both', (r) => {
      m.collectMetrics(r);
      new u.UsageLedger().attach(r);
    });
  }
  const rows = await timeCases(cases, Number(process.env.ROUNDS ?? 15), Number(process.env.CALLS ?? 10_000));
  for (const row of rows) {
    const bare = rows[0]?.ns ?? row.ns;
    console.log(
      `${row.case.padEnd(16)} ${(row.ns / 1000).toFixed(2)} µs/call  (+${(row.addedNs / 1000).toFixed(2)} µs paired, ${((row.addedNs / bare) * 100).toFixed(1)}%)`,
    );
  }
}
