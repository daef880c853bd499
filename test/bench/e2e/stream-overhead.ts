/**
 * What the Router's stream path adds on top of the adapter: the same OpenAI adapter streams the
 * same answer from the mock, alone and through a Router, alternating call by call.
 *
 * - TTFT overhead: median time to the first text delta, router minus adapter (8-delta streams).
 * - Per-delta overhead over the wire: (router − adapter) / deltas, for wall time and client CPU,
 *   with long streams (500 deltas by default).
 * - Per-delta overhead without I/O: the same comparison with an in-memory adapter that yields
 *   the deltas at once; nothing but the Router's own work differs.
 *
 * Runs in its own process (`--stream-overhead`), started by `index.ts`.
 */
import { OpenAIAdapter } from '../../../adapters/openai/index.js';
import {
  type Adapter,
  type AdapterCallOptions,
  type AdapterRequest,
  type AdapterStreamPart,
  Router,
  systemClock,
} from '../../../index.js';
import { API_KEY, DELTAS_HEADER, MAX_TOKENS, MODEL, PROMPT } from './protocol.js';
import { median, percentile } from './stats.js';

/** The measurements, all in µs. */
export interface StreamOverhead {
  readonly ttftAdapterUs: number;
  readonly ttftRouterUs: number;
  readonly ttftOverheadUs: number;
  readonly deltas: number;
  readonly wireWallAdapterUs: number;
  readonly wireWallRouterUs: number;
  readonly wirePerDeltaWallUs: number;
  readonly wireCpuAdapterUs: number;
  readonly wireCpuRouterUs: number;
  readonly wirePerDeltaCpuUs: number;
  readonly memoryPerDeltaCpuUs: number;
  readonly samples: { readonly ttft: number; readonly wire: number; readonly memory: number };
}

/** Options of {@link measureStreamOverhead}. */
export interface StreamOverheadOptions {
  readonly baseURL: string;
  /** Pairs of calls for TTFT. @default 1500 */
  readonly ttftPairs?: number;
  /** Pairs of long streams over the wire. @default 150 */
  readonly wirePairs?: number;
  /** Deltas per long stream. @default 500 */
  readonly deltas?: number;
}

const MESSAGES = [{ role: 'user' as const, content: PROMPT }];

function callOptions(): AdapterCallOptions {
  return {
    signal: new AbortController().signal,
    target: 'mock',
    clock: systemClock,
    deadline: Number.POSITIVE_INFINITY,
  };
}

/** One stream read to the end: [wall µs, ttft µs, cpu µs, text deltas]. */
async function timed(read: () => AsyncIterable<{ type: string }>): Promise<[number, number, number, number]> {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let first = Number.NaN;
  let deltas = 0;
  for await (const part of read()) {
    if (part.type === 'text-delta') {
      if (deltas === 0) first = performance.now();
      deltas++;
    }
  }
  const end = performance.now();
  const cpu = process.cpuUsage(cpu0);
  return [(end - start) * 1000, (first - start) * 1000, cpu.user + cpu.system, deltas];
}

/** An adapter whose stream is `deltas` text deltas from memory. */
function memoryAdapter(deltas: number): Adapter {
  const finish: AdapterStreamPart = {
    type: 'finish',
    finishReason: 'stop',
    usage: { inputTokens: 2, outputTokens: deltas, totalTokens: deltas + 2 },
  } as AdapterStreamPart;
  return {
    provider: 'memory',
    capabilities: { streaming: true, tools: false, json: false, images: false },
    complete: () => Promise.reject(new Error('stream only')),
    async *stream() {
      for (let i = 0; i < deltas; i++) yield { type: 'text-delta', delta: 'x' };
      yield finish;
    },
  };
}

/** Alternates `a` and `b` `pairs` times (order flipped every pair) and returns both samples. */
async function alternate<T>(pairs: number, a: () => Promise<T>, b: () => Promise<T>): Promise<[T[], T[]]> {
  const as: T[] = [];
  const bs: T[] = [];
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      as.push(await a());
      bs.push(await b());
    } else {
      bs.push(await b());
      as.push(await a());
    }
  }
  return [as, bs];
}

/** Measures the Router's stream overhead against the mock at `baseURL`. */
export async function measureStreamOverhead(options: StreamOverheadOptions): Promise<StreamOverhead> {
  const ttftPairs = options.ttftPairs ?? 1500;
  const wirePairs = options.wirePairs ?? 150;
  const deltas = options.deltas ?? 500;
  const adapter = new OpenAIAdapter({ baseURL: options.baseURL, apiKey: API_KEY });
  const router = new Router({ targets: [{ id: 'mock', adapter, model: MODEL }], retry: { maxAttempts: 1 } });
  const headers = { [DELTAS_HEADER]: String(deltas) };
  const direct = (h?: Record<string, string>) => () =>
    timed(() =>
      adapter.stream(
        {
          model: MODEL,
          messages: MESSAGES,
          maxOutputTokens: MAX_TOKENS,
          ...(h ? { headers: h } : {}),
        } as AdapterRequest,
        callOptions(),
      ),
    );
  const routed = (h?: Record<string, string>) => () =>
    timed(() =>
      router.stream({ messages: MESSAGES, maxOutputTokens: MAX_TOKENS, ...(h ? { headers: h } : {}) }),
    );

  // Warm-up of both paths (JIT, pool).
  await alternate(300, direct(), routed());
  await alternate(20, direct(headers), routed(headers));

  const [ttftA, ttftR] = await alternate(ttftPairs, direct(), routed());
  const [wireA, wireR] = await alternate(wirePairs, direct(headers), routed(headers));
  for (const [, , , n] of [...wireA, ...wireR]) {
    if (n !== deltas) throw new Error(`expected ${deltas} deltas per long stream, got ${n}`);
  }

  const memory = memoryAdapter(deltas);
  const memoryRouter = new Router({
    targets: [{ id: 'mem', adapter: memory, model: 'm' }],
    retry: { maxAttempts: 1 },
  });
  const memDirect = () =>
    timed(() => memory.stream({ model: 'm', messages: MESSAGES } as AdapterRequest, callOptions()));
  const memRouted = () => timed(() => memoryRouter.stream({ messages: MESSAGES }));
  await alternate(500, memDirect, memRouted);
  const memoryPairs = 2000;
  const [memA, memR] = await alternate(memoryPairs, memDirect, memRouted);

  const sortedP50 = (xs: number[]) =>
    percentile(
      [...xs].sort((x, y) => x - y),
      0.5,
    );
  const col = (rows: Array<[number, number, number, number]>, i: number) => rows.map((r) => r[i] as number);
  const ttftAdapterUs = sortedP50(col(ttftA, 1));
  const ttftRouterUs = sortedP50(col(ttftR, 1));
  const wireWallAdapterUs = sortedP50(col(wireA, 0));
  const wireWallRouterUs = sortedP50(col(wireR, 0));
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  // CPU per call is read at 1 µs resolution with a few µs of jitter: means over many calls.
  const wireCpuAdapterUs = mean(col(wireA, 2));
  const wireCpuRouterUs = mean(col(wireR, 2));
  const memCpuAdapter = mean(col(memA, 2));
  const memCpuRouter = mean(col(memR, 2));
  return {
    ttftAdapterUs,
    ttftRouterUs,
    // Median of the paired differences: robust to drift over the run.
    ttftOverheadUs: median(col(ttftR, 1).map((r, i) => r - (col(ttftA, 1)[i] as number))),
    deltas,
    wireWallAdapterUs,
    wireWallRouterUs,
    wirePerDeltaWallUs: (wireWallRouterUs - wireWallAdapterUs) / deltas,
    wireCpuAdapterUs,
    wireCpuRouterUs,
    wirePerDeltaCpuUs: (wireCpuRouterUs - wireCpuAdapterUs) / deltas,
    memoryPerDeltaCpuUs: (memCpuRouter - memCpuAdapter) / deltas,
    samples: { ttft: ttftPairs, wire: wirePairs, memory: memoryPairs },
  };
}

/** Flag that makes this module run as a worker process. */
export const OVERHEAD_FLAG = '--e2e-stream-overhead';

if (process.argv.includes(OVERHEAD_FLAG)) {
  const at = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? undefined : process.argv[i + 1];
  };
  const quick = process.argv.includes('--quick');
  measureStreamOverhead({
    baseURL: at('base') ?? '',
    ttftPairs: quick ? 400 : 1500,
    wirePairs: quick ? 40 : 150,
  })
    .then((result) => {
      process.stdout.write(`\n@@E2E@@${JSON.stringify(result)}\n`);
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
