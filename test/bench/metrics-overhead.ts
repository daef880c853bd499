/**
 * What `collectMetrics` and `UsageLedger` add to a routed call: routers of 8 MockAdapter targets
 * in one process, one bare, one with the collector attached (default labels; and with tags on),
 * one with the ledger, one with both (issue #15: together under +1 µs at p50), timed in
 * alternating rounds; prints the median ns per call of each and the difference.
 * `BENCH_ONLY=both` (comma-separated case names) times only those cases, besides `bare`.
 *
 * Run: node --import tsx test/bench/metrics-overhead.ts
 */
import type { Router } from '../../index.js';
import { collectMetrics, type MetricLabel } from '../../modules/metrics/index.js';
import { UsageLedger } from '../../modules/usage/index.js';
import { median, eightTargetRouter as router } from './eight-targets.js';

const ROUNDS = 9;
const CALLS = 20_000;
const messages = [{ role: 'user' as const, content: 'hello there' }];

async function round(r: Router): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) await r.complete({ messages, model: 'chat', tags: [`t${i % 50}`] });
  return Number(process.hrtime.bigint() - t0) / CALLS;
}

const withTags: MetricLabel[] = ['target', 'provider', 'model', 'alias', 'tag'];
const all: Record<string, Router> = {
  bare: router(),
  metrics: router(),
  'metrics+tags': router(),
  ledger: router(),
  both: router(),
  'empty listeners': router(),
};
// The floor of any pair of event-based observers: no-op listeners on the events the two modules
// subscribe to (the collector on nine, the ledger on three), so the router builds the same payloads.
const noop = () => {};
const metricsEvents = [
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
for (const event of metricsEvents) (all['empty listeners'] as Router).on(event, noop);
for (const event of ['request:start', 'request:success', 'request:failure'] as const) {
  (all['empty listeners'] as Router).on(event, noop);
}
collectMetrics(all.metrics as Router);
collectMetrics(all['metrics+tags'] as Router, { labels: withTags, maxTagValues: 20 });
new UsageLedger().attach(all.ledger as Router);
collectMetrics(all.both as Router);
new UsageLedger().attach(all.both as Router);
const only = process.env.BENCH_ONLY?.split(',');
const cases = Object.fromEntries(
  Object.entries(all).filter(([name]) => name === 'bare' || only === undefined || only.includes(name)),
);
const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (const r of Object.values(cases)) await round(r); // warm up
for (let i = 0; i < ROUNDS; i++) {
  for (const [name, r] of Object.entries(cases)) times[name]?.push(await round(r));
}
const bare = median(times.bare ?? []);
for (const [name, ts] of Object.entries(times)) {
  const m = median(ts);
  console.log(
    `${name.padEnd(14)} ${(m / 1000).toFixed(2)} µs/call  (+${((m - bare) / 1000).toFixed(2)} µs, ${(((m - bare) / bare) * 100).toFixed(1)}%)`,
  );
}
