/**
 * Test support (not exported by the module): starts a real `prometheus` binary (not a system
 * service) on a free loopback port with a temp TSDB and a 1 s scrape of one exporter, and reads
 * values back through its HTTP API. Used by the tests that check the metrics and the Grafana
 * dashboard against a real server.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The first `prometheus` binary that runs (`PROMETHEUS_BIN`, the PATH, `/usr/bin`), if any. */
export function prometheusBinary(): string | undefined {
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

/**
 * The binary for the test file `testName`: outside CI a missing binary warns (the caller skips),
 * under CI it throws, so that a CI run never passes without the real server.
 */
export function requirePrometheus(testName: string): string | undefined {
  const binary = prometheusBinary();
  if (binary === undefined && process.env.CI) {
    throw new Error('prometheus binary not found, and CI is set: install it (apt-get install -y prometheus)');
  }
  if (binary === undefined) {
    console.warn(
      `SKIPPED ${testName}: no prometheus binary on PATH (apt-get install -y prometheus); runs in CI`,
    );
  }
  return binary;
}

/** A free TCP port on 127.0.0.1 (free when asked; the caller binds it right away). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every 250 ms until it returns a value, or fails after `ms`. */
export async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
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

/** One series of an instant query's result; `value` is `NaN` for Prometheus's "NaN". */
export interface Sample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

/** A running Prometheus. */
export interface PrometheusServer {
  /** Base URL of its HTTP API, e.g. `http://127.0.0.1:9090`. */
  readonly url: string;
  /** Runs an instant query; throws with Prometheus's error when the query fails (e.g. a parse error). */
  query(promql: string): Promise<Sample[]>;
  /** Its output so far (for failure messages). */
  log(): string;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and removes its temp directory. */
  stop(): Promise<void>;
}

/**
 * Starts `binary` scraping `http://127.0.0.1:<exporterPort>/metrics` every second, and waits
 * until it is ready (up to 30 s).
 */
export async function startPrometheus(binary: string, exporterPort: number): Promise<PrometheusServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-prometheus-'));
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
  let output = '';
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));

  async function stop(): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }

  try {
    await until('Prometheus to be ready', 30_000, async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited: ${output.slice(-2000)}`);
      return (await fetch(`${url}/-/ready`)).ok ? true : undefined;
    });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    log: () => output,
    stop,
    async query(promql: string): Promise<Sample[]> {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: { resultType: string; result: unknown };
      };
      if (body.status !== 'success' || body.data === undefined) {
        throw new Error(`query ${promql} failed: ${body.error ?? JSON.stringify(body)}`);
      }
      const { resultType, result } = body.data;
      if (resultType === 'scalar') {
        return [{ metric: {}, value: Number((result as [number, string])[1]) }];
      }
      if (resultType !== 'vector') throw new Error(`query ${promql}: unexpected result type ${resultType}`);
      return (result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((r) => ({
        metric: r.metric,
        value: Number(r.value[1]),
      }));
    },
  };
}
