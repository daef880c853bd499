/**
 * Every PromQL expression of the Grafana dashboard (docs/grafana/switchyard.json) runs against a
 * real Prometheus scraping a router's metrics after traffic that exercises each panel:
 * successes, failures of several kinds, retries, fallbacks, streams with a first token, and
 * ejections. Each expression must return data with at least one finite value (a panel that shows
 * nothing, or only NaN, fails). The traffic runs twice with a scrape in between, so that rates and
 * quantiles over `$__rate_interval` see counters move.
 * Skipped only when the binary is missing outside CI; in CI a missing binary fails.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Price, Router } from '../../index.js';
import { MockAdapter, type MockHandler } from '../../src/testing/index.js';
import { type Dashboard, type DashboardQuery, dashboardQueries, loadDashboard } from './dashboard-queries.js';
import { collectMetrics, type MetricsCollector } from './index.js';
import {
  type PrometheusServer,
  requirePrometheus,
  sleep,
  startPrometheus,
  until,
} from './prometheus-harness.js';

const binary = requirePrometheus('metrics/dashboard.prometheus.test.ts');

/** Why `query` would show nothing in Grafana, or undefined when it returns finite data. */
async function problemOf(prometheus: PrometheusServer, query: DashboardQuery): Promise<string | undefined> {
  try {
    const samples = await prometheus.query(query.promql);
    if (samples.length === 0) return `${query.where}: no data for ${query.promql}`;
    if (!samples.some((s) => Number.isFinite(s.value))) {
      return `${query.where}: only NaN/Inf for ${query.promql}`;
    }
    return undefined;
  } catch (error) {
    return `${query.where}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

async function problems(prometheus: PrometheusServer, dashboard: Dashboard): Promise<string[]> {
  const found: string[] = [];
  for (const q of dashboardQueries(dashboard)) {
    const problem = await problemOf(prometheus, q);
    if (problem !== undefined) found.push(problem);
  }
  return found;
}

const PRICE_A: Price = { inputPerMTok: 2.5, outputPerMTok: 10 };
const PRICE_B: Price = { inputPerMTok: 0.15, outputPerMTok: 0.6 };

/** Answers a completion or a stream (three chunks, the first after `firstMs`). */
function answer(stream: boolean, firstMs: number, usage: Record<string, number>) {
  return stream
    ? { stream: ['The ', 'answer ', 'is 42.'], chunkDelayMs: firstMs, usage }
    : { text: 'The answer is 42.', delayMs: firstMs * 2, usage };
}

/**
 * `primary`: a 400 for a bad prompt, else every 4th call a 503 and every 4th (offset 2) a 429,
 * never two failures in a row (its breaker stays closed); otherwise answers.
 */
const primary: MockHandler = (request, { call, stream }) => {
  const text = JSON.stringify(request.messages);
  if (text.includes('bad request')) return { error: { status: 400 } };
  if (call % 4 === 1) return { error: { status: 503 }, delayMs: 3 };
  if (call % 4 === 3) return { error: { status: 429 }, delayMs: 2 };
  return answer(stream, 8, { inputTokens: 200, outputTokens: 60, reasoningTokens: 20 });
};

describe.skipIf(binary === undefined)('the Grafana dashboard against a real Prometheus', () => {
  let prometheus: PrometheusServer | undefined;
  let exporter: Server;
  let collector: MetricsCollector;
  const dashboard = loadDashboard();
  const router = new Router({
    targets: [
      {
        id: 'primary',
        model: 'model-a',
        aliases: ['chat'],
        price: PRICE_A,
        adapter: new MockAdapter(primary, { provider: 'prov-a', recordCalls: false }),
      },
      {
        id: 'backup',
        model: 'model-b',
        aliases: ['chat'],
        price: PRICE_B,
        adapter: new MockAdapter(
          (_r, { stream }) =>
            answer(stream, 4, { inputTokens: 120, outputTokens: 40, cachedInputTokens: 30 }),
          { provider: 'prov-b', recordCalls: false },
        ),
      },
      {
        // Fails every other call: alone under its alias, so the router retries it.
        id: 'solo',
        model: 'model-c',
        aliases: ['solo'],
        price: PRICE_B,
        adapter: new MockAdapter(
          (_r, { call }) =>
            call % 2 === 1 ? { error: { kind: 'timeout' }, delayMs: 2 } : { text: 'ok', delayMs: 5 },
          { provider: 'prov-c', recordCalls: false },
        ),
      },
      {
        // Never answers: its breaker opens after two failures (an ejection), and again after
        // each failed half-open probe.
        id: 'broken',
        model: 'model-d',
        aliases: ['flaky'],
        price: PRICE_B,
        adapter: new MockAdapter([{ error: { kind: 'connection' } }], {
          provider: 'prov-d',
          whenScriptEnds: 'repeat-last',
          recordCalls: false,
        }),
      },
    ],
    strategy: 'priority',
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    breaker: { failureThreshold: 2, cooldownMs: 150, maxCooldownMs: 150 },
    // The whole router's spend; a team budget of zero that refuses every call of the team.
    budgets: [
      { id: 'router', limitUsd: 1_000, period: 'total' },
      { id: 'team-zero', scope: { tag: 'team-zero' }, limitUsd: 0, period: 'day' },
    ],
  });

  const ask = (model: string, content = 'What is the answer?') => ({
    model,
    messages: [{ role: 'user' as const, content }],
  });

  /** One round of traffic; returns the number of calls made. */
  async function traffic(): Promise<number> {
    const calls: Array<Promise<unknown>> = [];
    for (let i = 0; i < 8; i++) calls.push(router.complete(ask('chat')));
    for (let i = 0; i < 4; i++) calls.push(router.stream(ask('chat')).response);
    for (let i = 0; i < 3; i++) calls.push(router.complete(ask('solo')));
    calls.push(router.complete(ask('chat', 'a bad request')));
    for (let i = 0; i < 3; i++) calls.push(router.complete(ask('flaky')));
    calls.push(router.complete({ ...ask('chat'), tags: ['team-zero'] })); // budget_exceeded
    await Promise.allSettled(calls);
    return calls.length;
  }

  /** Waits until Prometheus has scraped `calls` calls in all. */
  const scraped = (calls: number) =>
    until(`${calls} calls to be scraped`, 20_000, async () => {
      const [row] = await (prometheus as PrometheusServer).query('sum(switchyard_requests_total)');
      return row?.value === calls ? true : undefined;
    });

  beforeAll(async () => {
    collector = collectMetrics(router);
    exporter = createServer(collector.metricsHandler());
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    prometheus = await startPrometheus(binary as string, (exporter.address() as AddressInfo).port);
    const first = await traffic();
    await scraped(first);
    await sleep(200); // past the breaker's cooldown: the next round probes `broken` and ejects it again
    const second = await traffic();
    await scraped(first + second);
  }, 60_000);

  afterAll(async () => {
    collector?.close();
    await new Promise<void>((resolve) => (exporter ? exporter.close(() => resolve()) : resolve()));
    await prometheus?.stop();
    await router.close();
  }, 15_000);

  it('the traffic covers what the panels show: error kinds, retries, fallbacks, streams, ejections', async () => {
    const p = prometheus as PrometheusServer;
    const kinds = (await p.query('sum by (error_kind) (switchyard_requests_total{outcome="failure"})')).map(
      (s) => s.metric.error_kind,
    );
    expect(kinds).toEqual(expect.arrayContaining(['invalid_request']));
    expect(kinds.length).toBeGreaterThanOrEqual(2);
    const fallbackKinds = (await p.query('sum by (error_kind) (switchyard_fallbacks_total)')).map(
      (s) => s.metric.error_kind,
    );
    expect(fallbackKinds.sort()).toEqual(['rate_limited', 'server']);
    expect((await p.query('sum(switchyard_retries_total)'))[0]?.value).toBeGreaterThan(0);
    expect((await p.query('sum(switchyard_time_to_first_token_seconds_count)'))[0]?.value).toBe(8);
    expect((await p.query('sum(switchyard_target_ejections_total{target="broken"})'))[0]?.value).toBe(2);
  });

  it('every expression of the dashboard returns data', async () => {
    const queries = dashboardQueries(dashboard);
    expect(queries.length).toBeGreaterThan(30);
    expect(await problems(prometheus as PrometheusServer, dashboard)).toEqual([]);
  }, 30_000);

  it('a panel with a typo in a metric or label name, or a PromQL error, is caught', async () => {
    const panel = (title: string, expr: string) => ({
      type: 'timeseries',
      title,
      targets: [{ refId: 'A', expr }],
    });
    const edited: Dashboard = {
      ...dashboard,
      panels: [
        panel('metric typo', 'sum(rate(switchyard_request_total{target=~"$target"}[$__rate_interval]))'),
        panel('label typo', 'sum by (target) (switchyard_attempts_total{outcome="sucess"})'),
        panel('NaN quantile', 'histogram_quantile(0.95, sum by (le) (rate(switchyard_tokens_total[1m])))'),
        panel('syntax', 'sum(rate(switchyard_requests_total[$__rate_interval])'),
      ],
    };
    const found = await problems(prometheus as PrometheusServer, edited);
    expect(found.map((p) => p.split(':')[0])).toEqual([
      'metric typo [A]',
      'label typo [A]',
      'NaN quantile [A]',
      'syntax [A]',
    ]);
  });
});
