/** Child processes of the bench: the mock server and the workers, pinned to a CPU when possible. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Whether `taskset` can pin the mock to CPU 0 and the workers to CPU 1. */
export function canPin(): boolean {
  if (availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** `node --import tsx <file> ...args`, under `taskset -c <cpu>` when pinning. */
function nodeProcess(file: string, args: readonly string[], cpu: number | null, ipc: boolean): ChildProcess {
  const nodeArgs = ['--import', 'tsx', here(file), ...args];
  const [command, commandArgs] =
    cpu === null
      ? [process.execPath, nodeArgs]
      : ['taskset', ['-c', String(cpu), process.execPath, ...nodeArgs]];
  return spawn(command, commandArgs, {
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

/** A running mock server. */
export interface Mock {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseURL: string;
  readonly pid: number;
  /** Completions requests served so far. */
  requests(): Promise<number>;
  stop(): void;
}

/** Starts `mock-server.ts` in its own process (CPU 0 when pinning). */
export async function startMock(pin: boolean): Promise<Mock> {
  const child = nodeProcess('./mock-server.ts', [], pin ? 0 : null, true);
  let output = '';
  child.stderr?.on('data', (d: Buffer) => (output = (output + d).slice(-4000)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mock server did not start: ${output}`)), 20_000);
    child.once('message', (m: { port?: number }) => {
      clearTimeout(timer);
      if (typeof m.port === 'number') resolve(m.port);
      else reject(new Error('mock server sent no port'));
    });
    child.once('exit', (code) => reject(new Error(`mock server exited (${code}): ${output}`)));
  });
  child.disconnect?.();
  const origin = `http://127.0.0.1:${port}`;
  return {
    baseURL: `${origin}/v1`,
    pid: child.pid ?? -1,
    async requests() {
      const res = await fetch(`${origin}/__stats`);
      return ((await res.json()) as { requests: number }).requests;
    },
    stop() {
      child.kill('SIGTERM');
    },
  };
}

/** Runs a worker module to its end (CPU 1 when pinning) and returns its `@@E2E@@` JSON line. */
export function runWorkerProcess<T>(
  file: string,
  args: readonly string[],
  pin: boolean,
  timeoutMs: number,
): Promise<T> {
  const child = nodeProcess(file, args, pin ? 1 : null, false);
  let output = '';
  const keep = (d: Buffer) => (output = (output + d).slice(-200_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise<T>((resolve, reject) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const at = output.lastIndexOf('@@E2E@@');
      if (at === -1) {
        reject(
          new Error(
            `worker ${args.join(' ')} ended (code ${code}, ${signal}) without a result: ${output.slice(-2000)}`,
          ),
        );
        return;
      }
      resolve(JSON.parse(output.slice(at + 7).split('\n')[0] as string) as T);
    });
  });
}

/** Whether a file next to this module exists (the contenders' optional install). */
export function benchDependenciesInstalled(): boolean {
  return (
    existsSync(here('../node_modules/ai/package.json')) &&
    existsSync(here('../node_modules/@langchain/openai/package.json'))
  );
}

/** `npm ci --prefix test/bench` (the Vercel AI SDK and LangChain, pinned by its lockfile). */
export function installBenchDependencies(): void {
  execFileSync('npm', ['ci', '--prefix', here('..'), '--ignore-scripts', '--no-audit', '--no-fund'], {
    stdio: 'ignore',
    timeout: 300_000,
  });
}
