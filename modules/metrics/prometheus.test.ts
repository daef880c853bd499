/**
 * Against a real Prometheus server: the test starts `prometheus` (the binary, not a system
 * service) on a free loopback port with a temp TSDB and a scrape config pointing at the
 * exporter, routes calls, and reads the values back through Prometheus's HTTP API.
 * Skipped only when the binary is missing outside CI; in CI a missing binary fails.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { collectMetrics, type MetricsCollector } from './index.js';
import { type PrometheusServer, requirePrometheus, startPrometheus, until } from './prometheus-harness.js';

const binary = requirePrometheus('metrics/prometheus.test.ts');

describe.skipIf(binary === undefined)('metrics scraped by a real Prometheus', () => {
  let prometheus: PrometheusServer | undefined;
  let exporter: Server;
  let collector: MetricsCollector;
  const router = new Router({
    targets: [
      {
        id: 'flaky',
        adapter: new MockAdapter([{ error: { status: 503 } }, { text: 'ok' }], {
          provider: 'p1',
          whenScriptEnds: 'repeat-last',
        }),
        model: 'm1',
      },
      {
        id: 'steady',
        adapter: new MockAdapter(() => ({ text: 'ok', usage: { inputTokens: 7, outputTokens: 3 } }), {
          provider: 'p2',
        }),
        model: 'm2',
      },
    ],
    strategy: 'priority',
    breaker: false,
  });

  beforeAll(async () => {
    collector = collectMetrics(router);
    exporter = createServer(collector.metricsHandler());
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    prometheus = await startPrometheus(binary as string, (exporter.address() as AddressInfo).port);
  }, 45_000);

  afterAll(async () => {
    collector?.close();
    await new Promise<void>((resolve) => (exporter ? exporter.close(() => resolve()) : resolve()));
    await prometheus?.stop();
  }, 15_000);

  const query = (promql: string) => (prometheus as PrometheusServer).query(promql);

  it('finds the calls, attempts, fallbacks and tokens the router made', async () => {
    const CALLS = 12;
    for (let i = 0; i < CALLS; i++) await router.complete({ messages: [{ role: 'user', content: `q${i}` }] });

    // flaky fails its first attempt (fallback to steady), then answers every call.
    const success = await until('the calls to be scraped', 20_000, async () => {
      const [row] = await query('sum(switchyard_requests_total{outcome="success"})');
      return row?.value === CALLS ? row.value : undefined;
    });
    expect(success).toBe(CALLS);

    const attempts = await query('sum by (target, outcome, error_kind) (switchyard_attempts_total)');
    const byKey = Object.fromEntries(
      attempts.map((r) => [`${r.metric.target} ${r.metric.outcome} ${r.metric.error_kind ?? ''}`, r.value]),
    );
    expect(byKey).toEqual({ 'flaky failure server': 1, 'flaky success ': CALLS - 1, 'steady success ': 1 });
    expect((await query('switchyard_fallbacks_total'))[0]).toMatchObject({
      metric: { target: 'flaky', to: 'steady', provider: 'p1', error_kind: 'server' },
      value: 1,
    });
    expect((await query('sum(switchyard_request_duration_seconds_count)'))[0]?.value).toBe(CALLS);
    expect((await query('switchyard_target_state{state="closed"}')).map((r) => r.value)).toEqual([1, 1]);
    expect((await query('sum(switchyard_tokens_total{target="steady",type="input"})'))[0]?.value).toBe(7);
  }, 30_000);
});
