/**
 * The load test's server processes: the mock upstream, our gateway and (optionally) Portkey's
 * gateway from the shared anchors harness, each in its own process, pinned with `taskset` to
 * CPU 0 while the load client (this process) moves itself to CPU 1 — the anchors harness's layout.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestBody } from './protocol.js';

/** Whether `taskset` can pin processes (2+ CPUs). */
export function canPin(): boolean {
  if (availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Moves every thread of this process to `cpu`. */
export function pinSelf(cpu: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

const children = new Set<ChildProcess>();
/** Kills every child this module started (by its own process id). */
export function killChildren(): void {
  for (const child of children) {
    try {
      child.kill('SIGTERM');
    } catch {}
  }
  children.clear();
}
process.on('exit', killChildren);

function launch(
  command: string,
  args: readonly string[],
  cpu: number | null,
  options: { cwd?: string; ipc: boolean },
): ChildProcess {
  const [cmd, cmdArgs] = cpu === null ? [command, args] : ['taskset', ['-c', String(cpu), command, ...args]];
  const child = spawn(cmd, cmdArgs, {
    cwd: options.cwd,
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** A server process. */
export interface ServerProcess {
  readonly origin: string;
  readonly pid: number;
  /** Heap in use and RSS, in bytes, after a full GC unless `collect` is false (our processes only). */
  heap(collect?: boolean): Promise<{ heapUsed: number; rss: number; afterGc: boolean }>;
  /** CPU time of the process so far, µs (from /proc for any process). */
  cpuMicros(): number;
  /** SIGTERM; resolves when the process has exited (at most 10 s). */
  stop(): Promise<void>;
}

function ask<T>(child: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${message}`)), 30_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m as T);
    });
    child.send(message);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const TICK_MICROS = 1e6 / 100; // USER_HZ is 100 on Linux

/** utime + stime of `pid` from /proc, µs. */
export function procCpuMicros(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MICROS;
  } catch {
    return Number.NaN;
  }
}

const serversFile = fileURLToPath(new URL('./servers.ts', import.meta.url));

/** Starts `servers.ts <args>` (mock or gateway) and waits for its origin. */
export async function startServer(
  args: readonly string[],
  pin: boolean,
  nodeFlags: readonly string[] = [],
): Promise<ServerProcess> {
  const child = launch(
    process.execPath,
    ['--expose-gc', ...nodeFlags, '--import', 'tsx', serversFile, ...args],
    pin ? 0 : null,
    {
      ipc: true,
    },
  );
  let output = '';
  child.stderr?.on('data', (d: Buffer) => (output = (output + d).slice(-4000)));
  child.stdout?.resume();
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start: ${output}`)), 30_000);
    child.once('message', (m: { origin?: string }) => {
      clearTimeout(timer);
      if (typeof m.origin === 'string') resolve(m.origin);
      else reject(new Error(`${args[0]} sent no origin`));
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited (${code}): ${output}`)));
  });
  const pid = child.pid ?? -1;
  return {
    origin,
    pid,
    heap: (collect = true) => ask(child, collect ? 'heap' : 'heap-raw'),
    cpuMicros: () => procCpuMicros(pid),
    stop: () => stopChild(child),
  };
}

/** Where the anchors harness lives: `--anchors`/`ANCHORS_DIR`, else `../shared/anchors` beside the checkout. */
export function findAnchors(explicit: string | undefined): string | undefined {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const candidates = explicit
    ? [explicit]
    : [path.resolve(root, '../shared/anchors'), path.resolve(root, '../../shared/anchors')];
  return candidates.find((dir) =>
    existsSync(path.join(dir, 'node_modules/@portkey-ai/gateway/build/start-server.js')),
  );
}

/** The headers Portkey's gateway needs to forward to the mock as an OpenAI-compatible host. */
export function portkeyHeaders(mockOrigin: string): Record<string, string> {
  return {
    authorization: 'Bearer sk-mock',
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': `${mockOrigin}/v1`,
  };
}

/** Starts Portkey's gateway from the anchors install (run in place, not modified) and checks one call of each kind. */
export async function startPortkey(
  anchors: string,
  mockOrigin: string,
  port: number,
  pin: boolean,
): Promise<ServerProcess> {
  const entry = path.join(anchors, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  const child = launch(process.execPath, [entry, `--port=${port}`, '--headless'], pin ? 0 : null, {
    cwd: anchors,
    ipc: false,
  });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const origin = `http://127.0.0.1:${port}`;
  const headers = { 'content-type': 'application/json', ...portkeyHeaders(mockOrigin) };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${origin}/v1/chat/completions`, {
        method: 'POST',
        headers,
        body: requestBody(false),
      });
      await res.text();
      if (res.status === 200) break;
      throw new Error(`HTTP ${res.status}`);
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new Error(`Portkey's gateway did not answer: ${String(error)}; output: ${output.slice(-800)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  const pid = child.pid ?? -1;
  return {
    origin,
    pid,
    heap: () => Promise.reject(new Error('no heap probe in Portkey')),
    cpuMicros: () => procCpuMicros(pid),
    stop: () => stopChild(child),
  };
}
