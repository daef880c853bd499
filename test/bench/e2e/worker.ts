/**
 * One bench worker: a fresh process that sets up one contender, warms it up and measures the
 * four scenarios (sequential and concurrent, non-streaming and streaming), then prints one
 * result line (`@@E2E@@{json}`). Started by `index.ts`; also runnable by hand:
 *
 *   node --import tsx test/bench/e2e/worker.ts --e2e-worker --contender openai --base http://127.0.0.1:PORT/v1
 */
import { type ContenderClient, contender } from './contenders.js';
import { EXPECTED_TEXT } from './protocol.js';
import { percentile } from './stats.js';

/** One scenario's measurements in one worker. */
export interface ScenarioResult {
  readonly concurrency: number;
  readonly stream: boolean;
  /** Calls completed (correct or not) in the measured window. */
  readonly calls: number;
  readonly callsPerSecond: number;
  readonly p50Us: number;
  readonly p99Us: number;
  /** Time to the first text delta, streams only. */
  readonly ttftP50Us: number | null;
  /** Client process CPU (user + system) per call. */
  readonly cpuUsPerCall: number;
}

/** What a worker reports. */
export interface WorkerResult {
  readonly contender: string;
  readonly setupMs: number;
  readonly scenarios: Record<string, ScenarioResult>;
  /** Every call started, warm-up included: the mock must have seen exactly this many. */
  readonly attempted: number;
  readonly errors: number;
  readonly wrongAnswers: number;
  readonly firstProblem: string | null;
}

/** Options of {@link runWorker}. */
export interface WorkerOptions {
  readonly contender: string;
  readonly baseURL: string;
  /** Seconds per measured scenario. */
  readonly seconds: number;
  /** Seconds per warm-up phase. */
  readonly warmSeconds: number;
  readonly concurrency: number;
}

/** Scenario names, in report order, for a concurrency. */
export function scenarioNames(concurrency: number): string[] {
  return ['c1/non-stream', 'c1/stream', `c${concurrency}/non-stream`, `c${concurrency}/stream`];
}

/** Sets up the contender and runs every scenario. */
export async function runWorker(options: WorkerOptions): Promise<WorkerResult> {
  const t0 = performance.now();
  const client: ContenderClient = await contender(options.contender).setup(options.baseURL);
  const setupMs = performance.now() - t0;
  let attempted = 0;
  let errors = 0;
  let wrongAnswers = 0;
  let firstProblem: string | null = null;

  /** One call: [latency µs, ttft µs | NaN], or undefined when it failed. */
  async function once(stream: boolean): Promise<[number, number] | undefined> {
    attempted++;
    const start = performance.now();
    let first = Number.NaN;
    let text: string;
    try {
      text = stream ? await client.stream(() => (first = performance.now())) : await client.call();
    } catch (error) {
      errors++;
      firstProblem ??= `error: ${String((error as Error)?.message ?? error).slice(0, 300)}`;
      return undefined;
    }
    const end = performance.now();
    if (text !== EXPECTED_TEXT) {
      wrongAnswers++;
      firstProblem ??= `wrong answer: ${JSON.stringify(text).slice(0, 200)}`;
    }
    return [(end - start) * 1000, (first - start) * 1000];
  }

  async function measure(stream: boolean, concurrency: number, seconds: number): Promise<ScenarioResult> {
    const latencies: number[] = [];
    const ttfts: number[] = [];
    const until = performance.now() + seconds * 1000;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const lane = async () => {
      while (performance.now() < until) {
        const r = await once(stream);
        if (r) {
          latencies.push(r[0]);
          if (stream) ttfts.push(r[1]);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    const wall = (performance.now() - wall0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    latencies.sort((a, b) => a - b);
    ttfts.sort((a, b) => a - b);
    return {
      concurrency,
      stream,
      calls: latencies.length,
      callsPerSecond: latencies.length / wall,
      p50Us: percentile(latencies, 0.5),
      p99Us: percentile(latencies, 0.99),
      ttftP50Us: stream ? percentile(ttfts, 0.5) : null,
      cpuUsPerCall: (cpu.user + cpu.system) / Math.max(1, latencies.length),
    };
  }

  const c = options.concurrency;
  const warm = options.warmSeconds;
  // Warm-up: JIT, lazy imports and a full connection pool.
  for (const stream of [false, true]) await measure(stream, 1, warm);
  for (const stream of [false, true]) await measure(stream, c, warm);
  const names = scenarioNames(c);
  const scenarios: Record<string, ScenarioResult> = {};
  scenarios[names[0] as string] = await measure(false, 1, options.seconds);
  scenarios[names[1] as string] = await measure(true, 1, options.seconds);
  // Re-warm the pool right before each concurrent scenario: the sequential ones left it idle.
  await measure(false, c, warm / 2);
  scenarios[names[2] as string] = await measure(false, c, options.seconds);
  await measure(true, c, warm / 2);
  scenarios[names[3] as string] = await measure(true, c, options.seconds);
  await client.close?.();
  return {
    contender: options.contender,
    setupMs,
    scenarios,
    attempted,
    // Warm-up calls count too: every call must be right.
    errors,
    wrongAnswers,
    firstProblem,
  };
}

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? fallback : process.argv[i + 1];
  if (value === undefined) throw new Error(`missing --${name}`);
  return value;
}

/** Flag that makes this module run as a worker process. */
export const WORKER_FLAG = '--e2e-worker';

if (process.argv.includes(WORKER_FLAG)) {
  runWorker({
    contender: arg('contender'),
    baseURL: arg('base'),
    seconds: Number(arg('seconds', '2')),
    warmSeconds: Number(arg('warm', '1')),
    concurrency: Number(arg('c', '64')),
  })
    .then((result) => {
      process.stdout.write(`\n@@E2E@@${JSON.stringify(result)}\n`);
      process.exit(0); // do not wait for keep-alive sockets or library timers
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
