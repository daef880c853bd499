/**
 * Against a real Prometheus server: the test starts `prometheus` (the binary, not a system
 * service) on a free loopback port with a temp TSDB and a scrape config pointing at the
 * exporter, routes calls, and reads the values back through Prometheus's HTTP API.
 * Skipped only when the binary is missing outside CI; in CI a missing binary fails.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { collectMetrics, type MetricsCollector } from './index.js';

function prometheusBinary(): string | undefined {
  for (const candidate of [process.env.PROMETHEUS_BIN, 'prometheus', '/usr/bin/prometheus']) {
    if (candidate === undefined || candidate === '') continue;
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore', timeout: 10_000 });
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

const binary = prometheusBinary();
if (binary === undefined && process.env.CI) {
  throw new Error('prometheus binary not found, and CI is set: install it (apt-get install -y prometheus)');
}
if (binary === undefined) {
  console.warn(
    'SKIPPED metrics/prometheus.test.ts: no prometheus binary on PATH (apt-get install -y prometheus); runs in CI',
  );
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value, or fails after `ms`. */
async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`);
}

describe.skipIf(binary === undefined)('metrics scraped by a real Prometheus', () => {
  let dir: string;
  let prometheus: ChildProcess | undefined;
  let exporter: Server;
  let promUrl: string;
  let collector: MetricsCollector;
  let log = '';
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
    const exporterPort = (exporter.address() as AddressInfo).port;
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    dir = mkdtempSync(join(tmpdir(), 'switchyard-prometheus-'));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: switchyard',
        '    scrape_interval: 1s',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${exporterPort}']`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      binary as string,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=1h',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    prometheus.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    await until('Prometheus to be ready', 30_000, async () => {
      if (prometheus?.exitCode !== null) throw new Error(`prometheus exited: ${log.slice(-2000)}`);
      return (await fetch(`${promUrl}/-/ready`)).ok ? true : undefined;
    });
  }, 45_000);

  afterAll(async () => {
    collector?.close();
    await new Promise<void>((resolve) => (exporter ? exporter.close(() => resolve()) : resolve()));
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 15_000);

  /** Result of an instant query, as numbers by label set. */
  async function query(promql: string): Promise<Array<{ metric: Record<string, string>; value: number }>> {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as {
      status: string;
      data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    if (body.status !== 'success') throw new Error(`query failed: ${JSON.stringify(body)}`);
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

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
