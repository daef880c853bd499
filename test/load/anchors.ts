/**
 * The `anchors` profile of `npm run loadtest`: the shared anchors harness (`bench.mjs` in
 * `../shared/anchors`) run with our gateway as its `GATEWAY_CMD` — the built CLI serving
 * `anchors-gateway.config.json` — beside Portkey's gateway and undici straight to its mock. This is
 * the side-by-side measurement issue #17 §5 names; the harness's own client, mock, pinning and
 * warm-up decide the figures, not ours.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One (client, scenario) median of the harness's summary. */
export interface AnchorsRow {
  /** `gateway+undici` (ours), `portkey+undici` or `undici.request` (the mock straight). */
  readonly client: string;
  /** `seq/non-stream`, `seq/stream`, `c64/non-stream` or `c64/stream`. */
  readonly scenario: string;
  readonly callsPerS: number;
  readonly p50: number;
  readonly p99: number;
  /** Spread of calls/s across rounds, (max − min) / median, %. */
  readonly spreadPct: number;
  /** CPU of the gateway process, % of one core (absent for `undici.request`). */
  readonly gatewayCpuPct?: number;
  readonly errors: number;
  readonly mismatches: number;
}

/** What the anchors profile measured, or why it did not run. */
export interface AnchorsResult {
  readonly rounds: number;
  readonly date?: string;
  /** Whether the harness pinned its processes (mock and gateways on CPU 0, client on CPU 1). */
  readonly pinned?: boolean;
  readonly rows: readonly AnchorsRow[];
  readonly skipped?: string;
}

export const OURS = 'gateway+undici';
export const PORTKEY = 'portkey+undici';
export const DIRECT = 'undici.request';
const OUT = 'switchyard-gateway';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = path.join(root, 'dist/cli/bin.js');
const config = fileURLToPath(new URL('./anchors-gateway.config.json', import.meta.url));

const num = (x: unknown): number => (typeof x === 'number' ? x : Number.NaN);

/** The rows of a `results/<out>.json` the harness wrote (its `summary`). */
export function anchorsRows(json: unknown): AnchorsRow[] {
  const summary = (json as { summary?: unknown }).summary;
  if (!Array.isArray(summary)) throw new Error('anchors results: no summary array');
  return summary.map((s: Record<string, unknown>) => ({
    client: String(s.client),
    scenario: String(s.scenario),
    callsPerS: num(s.callsPerS),
    p50: num(s.p50),
    p99: num(s.p99),
    spreadPct: num(s.spreadPct),
    ...(typeof s.gatewayCpuPct === 'number' ? { gatewayCpuPct: s.gatewayCpuPct } : {}),
    errors: num(s.errors),
    mismatches: num(s.mismatches ?? 0),
  }));
}

/** The row of one client in one scenario. */
export function anchorsRow(
  rows: readonly AnchorsRow[],
  client: string,
  scenario: string,
): AnchorsRow | undefined {
  return rows.find((r) => r.client === client && r.scenario === scenario);
}

/** Our calls/s over Portkey's in one scenario (NaN when either is missing). */
export function anchorsRatio(rows: readonly AnchorsRow[], scenario: string): number {
  const rps = (client: string) => anchorsRow(rows, client, scenario)?.callsPerS ?? Number.NaN;
  return rps(OURS) / rps(PORTKEY);
}

/**
 * Runs `bench.mjs` in `dir` (its results land in `dir/results/switchyard-gateway.*`). Needs
 * `npm run build` first (the harness starts `dist/cli/bin.js`). Never rejects: a failure is a
 * `skipped` reason.
 */
export async function runAnchors(
  dir: string,
  options: { rounds: number; quick: boolean; log: (line: string) => void },
): Promise<AnchorsResult> {
  const { rounds, quick, log } = options;
  if (!existsSync(bin))
    return { rounds, rows: [], skipped: 'dist/cli/bin.js is missing: run `npm run build` first' };
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const gatewayCmd = `exec ${q(process.execPath)} ${q(bin)} serve --config ${q(config)} --host 127.0.0.1 --port "$GATEWAY_PORT"`;
  const args = ['bench.mjs', '--only', [OURS, PORTKEY, DIRECT].join(','), '--no-mem', '--out', OUT];
  args.push(...(quick ? ['--quick'] : ['--rounds', String(rounds)]));
  let tail = '';
  // The load client pins itself (and so its children) to CPU 1; the harness decides whether to pin
  // from the CPUs it may use, so it starts with every CPU again.
  const [command, commandArgs] = existsSync('/usr/bin/taskset')
    ? ['taskset', ['-c', `0-${cpus().length - 1}`, process.execPath, ...args]]
    : [process.execPath, args];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(command, commandArgs, {
      cwd: dir,
      env: { ...process.env, GATEWAY_CMD: gatewayCmd },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    const lines = (d: Buffer) => {
      pending += d;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) if (line.startsWith('[')) log(`anchors ${line}`);
    };
    child.stdout.on('data', lines);
    child.stderr.on('data', (d: Buffer) => {
      tail = `${tail}${d}`.slice(-2000);
    });
    child.once('error', () => resolve(null));
    child.once('exit', (c) => resolve(c));
  });
  const file = path.join(dir, 'results', `${OUT}.json`);
  if (code !== 0 || !existsSync(file)) {
    return { rounds, rows: [], skipped: `bench.mjs exited with ${code ?? 'an error'}: ${tail.trim()}` };
  }
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const meta = (json as { meta?: { date?: unknown; pin?: unknown } }).meta;
  return {
    rounds,
    rows: anchorsRows(json),
    ...(typeof meta?.date === 'string' ? { date: meta.date } : {}),
    ...(typeof meta?.pin === 'boolean' ? { pinned: meta.pin } : {}),
  };
}
