/**
 * Processes for the multi-process Redis tests: `redis-router-worker.ts` bundled once with esbuild
 * (so that twenty processes start in well under a second each, with no TypeScript loader), a
 * counting HTTP upstream, and a handle per process to drive it over IPC.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

/** Bundles the worker into a temp dir; returns its path and a cleanup. */
export async function bundleWorker(): Promise<{ file: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-redis-worker-'));
  const file = join(dir, 'worker.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'redis-router-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: file,
    logLevel: 'silent',
    // node-redis is CommonJS: give the bundle a `require` for Node built-ins.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An HTTP upstream that counts requests; answers `status` after `delayMs`. */
export interface Upstream {
  readonly url: string;
  count: number;
  status: number;
  delayMs: number;
  close(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  let server: Server | undefined;
  const upstream: Upstream = {
    url: '',
    count: 0,
    status: 200,
    delayMs: 0,
    close: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
  server = createServer((req, res) => {
    upstream.count++;
    req.resume();
    const answer = () => {
      res.writeHead(upstream.status, { 'content-type': 'text/plain', connection: 'close' });
      res.end('x');
    };
    if (upstream.delayMs > 0) setTimeout(answer, upstream.delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  (upstream as { url: string }).url =
    `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  return upstream;
}

/** What a worker answers to `calls`. */
export interface CallsResult {
  readonly ok: number;
  readonly errors: Record<string, number>;
}

/** One worker process. */
export class Worker {
  readonly child: ChildProcess;
  readonly events: string[] = [];
  readonly #pending: Array<(m: CallsResult) => void> = [];
  readonly #eventWaiters: Array<{ name: string; resolve: () => void }> = [];
  readonly ready: Promise<void>;

  constructor(file: string, config: Record<string, unknown>) {
    this.child = fork(file, [], {
      env: { ...process.env, REDIS_WORKER: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [], // not the test runner's loader flags: the bundle is plain JavaScript
    });
    this.ready = new Promise((resolve, reject) => {
      this.child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      this.child.on(
        'message',
        (m: { ready?: boolean; message?: string; done?: boolean; event?: string } & CallsResult) => {
          if (m.ready === true) resolve();
          else if (m.ready === false) reject(new Error(`worker could not connect: ${m.message}`));
          else if (m.done === true) this.#pending.shift()?.(m);
          else if (m.event !== undefined) {
            this.events.push(m.event);
            for (const w of this.#eventWaiters.filter((x) => x.name === m.event)) {
              this.#eventWaiters.splice(this.#eventWaiters.indexOf(w), 1);
              w.resolve();
            }
          }
        },
      );
    });
  }

  /** Sends `n` concurrent calls; resolves with how they ended. */
  calls(n: number): Promise<CallsResult> {
    return new Promise((resolve) => {
      this.#pending.push(resolve);
      this.child.send({ op: 'calls', n });
    });
  }

  /** Resolves when the store has emitted `name` (now or already). */
  event(name: string): Promise<void> {
    if (this.events.includes(name)) return Promise.resolve();
    return new Promise((resolve) => this.#eventWaiters.push({ name, resolve }));
  }

  /** Asks the worker to close; kills it after 5 s. */
  async exit(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ op: 'exit' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** Starts `n` workers with `config` and waits until each is connected. */
export async function startWorkers(
  file: string,
  n: number,
  config: Record<string, unknown>,
): Promise<Worker[]> {
  const workers = Array.from({ length: n }, () => new Worker(file, config));
  await Promise.all(workers.map((w) => w.ready));
  return workers;
}

/** Sums the outcomes of several workers. */
export function total(results: readonly CallsResult[]): CallsResult {
  const errors: Record<string, number> = {};
  let ok = 0;
  for (const r of results) {
    ok += r.ok;
    for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
  }
  return { ok, errors };
}
