/**
 * The load client: undici pools on keep-alive connections, open-loop at a fixed rate (`paced`)
 * or closed-loop with N calls always in flight (`closedLoop`). Every answer's body is checked
 * (status 200, and the exact expected text: the message content of a plain answer, the
 * reassembled deltas plus `[DONE]` of a stream). Latency is per call, in µs, from the moment the
 * call is issued (queueing in the client pool included) to the answer's last byte.
 *
 * Why not autocannon's `overallRate`: it sends each connection's whole per-second quota as fast as
 * it can at the start of every second (bursts, not a steady rate) and records latency in whole
 * milliseconds, too coarse to measure a sub-millisecond added latency.
 *
 * Every loop is bounded in time and in call count.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { EXPECTED_TEXT, requestBody } from './protocol.js';

/** A target to load: an origin and the headers it needs (auth, Portkey's routing headers). */
export interface LoadTarget {
  readonly name: string;
  readonly origin: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The outcome of one phase. */
export interface PhaseResult {
  readonly target: string;
  readonly stream: boolean;
  /** Calls issued. */
  readonly calls: number;
  /** Calls answered 200 with the exact expected content. */
  readonly ok: number;
  /** Answers with another status. */
  readonly badStatus: number;
  /** Socket, timeout and protocol errors. */
  readonly socketErrors: number;
  /** 200 answers whose content was wrong. */
  readonly badBody: number;
  /** Open-loop calls not sent because too many were already in flight (counted as errors). */
  readonly shed: number;
  readonly seconds: number;
  /** ok / seconds */
  readonly rps: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** First error seen, for the report. */
  readonly firstError?: string;
}

export const errorsOf = (r: PhaseResult): number => r.badStatus + r.socketErrors + r.badBody + r.shed;

/** Checks a plain answer: the exact text of the first choice. */
export function plainTextOf(body: string): string | undefined {
  try {
    const json = JSON.parse(body) as { choices?: { message?: { content?: unknown } }[] };
    const content = json.choices?.[0]?.message?.content;
    return typeof content === 'string' ? content : undefined;
  } catch {
    return undefined;
  }
}

/** Reassembles an SSE chat stream's text; undefined when it does not end with `data: [DONE]`. */
export function streamTextOf(body: string): string | undefined {
  let text = '';
  let done = false;
  for (const line of body.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const data = line.slice(6);
    if (data === '[DONE]') {
      done = true;
      continue;
    }
    if (done) return undefined;
    try {
      const chunk = JSON.parse(data) as { choices?: { delta?: { content?: unknown } }[]; error?: unknown };
      if (chunk.error !== undefined) return undefined;
      const piece = chunk.choices?.[0]?.delta?.content;
      if (typeof piece === 'string') text += piece;
    } catch {
      return undefined;
    }
  }
  return done ? text : undefined;
}

class Recorder {
  readonly latencies: Float64Array;
  count = 0;
  calls = 0;
  ok = 0;
  badStatus = 0;
  socketErrors = 0;
  badBody = 0;
  shed = 0;
  firstError: string | undefined;
  constructor(capacity: number) {
    this.latencies = new Float64Array(capacity);
  }
  error(kind: 'badStatus' | 'socketErrors' | 'badBody', detail: string): void {
    this[kind]++;
    this.firstError ??= detail.slice(0, 300);
  }
  result(target: string, stream: boolean, seconds: number): PhaseResult {
    const sorted = this.latencies.subarray(0, this.count).sort();
    const at = (q: number) =>
      sorted.length === 0
        ? 0
        : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
    return {
      target,
      stream,
      calls: this.calls,
      ok: this.ok,
      badStatus: this.badStatus,
      socketErrors: this.socketErrors,
      badBody: this.badBody,
      shed: this.shed,
      seconds,
      rps: this.ok / seconds,
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
      max: sorted.length === 0 ? 0 : (sorted[sorted.length - 1] as number),
      ...(this.firstError === undefined ? {} : { firstError: this.firstError }),
    };
  }
}

/** A reusable caller of one target: a pool of keep-alive connections. */
export class Caller {
  readonly pool: Pool;
  private readonly plain: string;
  private readonly streamed: string;
  private readonly headers: Record<string, string>;
  constructor(
    readonly target: LoadTarget,
    connections: number,
  ) {
    this.pool = new Pool(target.origin, {
      connections,
      pipelining: 1,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    this.plain = requestBody(false);
    this.streamed = requestBody(true);
    this.headers = { 'content-type': 'application/json', ...target.headers };
  }

  /** One call; records its latency and outcome. Never rejects. */
  async call(stream: boolean, rec: Recorder): Promise<void> {
    rec.calls++;
    const started = performance.now();
    try {
      const res = await this.pool.request({
        path: '/v1/chat/completions',
        method: 'POST',
        headers: this.headers,
        body: stream ? this.streamed : this.plain,
      });
      const body = await res.body.text();
      const micros = (performance.now() - started) * 1000;
      if (res.statusCode !== 200) {
        rec.error('badStatus', `HTTP ${res.statusCode}: ${body}`);
        return;
      }
      const text = stream ? streamTextOf(body) : plainTextOf(body);
      if (text !== EXPECTED_TEXT) {
        rec.error('badBody', `unexpected ${stream ? 'stream' : 'answer'}: ${body}`);
        return;
      }
      rec.ok++;
      if (rec.count < rec.latencies.length) rec.latencies[rec.count++] = micros;
    } catch (error) {
      rec.error('socketErrors', String((error as Error)?.message ?? error));
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Options of {@link paced}. */
export interface PacedOptions {
  readonly stream: boolean;
  /** Calls per second, spread evenly (one timer tick per millisecond). */
  readonly rate: number;
  readonly seconds: number;
  /** Calls in flight beyond which a due call is shed (counted as an error) instead of queued. @default 2000 */
  readonly maxInFlight?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Open loop: `rate` calls per second for `seconds`, whatever the answers' speed; then waits for stragglers. */
export async function paced(caller: Caller, o: PacedOptions): Promise<PhaseResult> {
  const total = Math.max(1, Math.round(o.rate * o.seconds));
  const rec = new Recorder(total);
  const maxInFlight = o.maxInFlight ?? 2000;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  let issued = 0;
  while (issued < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * o.rate) + 1);
    while (issued < due) {
      issued++;
      if (inFlight.size >= maxInFlight) {
        rec.calls++;
        rec.shed++;
        rec.firstError ??= `more than ${maxInFlight} calls in flight: call shed`;
        continue;
      }
      const p = caller.call(o.stream, rec).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await sleep(1);
  }
  // Bounded wait for the calls still in flight (each has a 30 s undici timeout anyway).
  await Promise.race([Promise.all(inFlight), sleep(35_000)]);
  return rec.result(caller.target.name, o.stream, (performance.now() - start) / 1000);
}

/** Options of {@link closedLoop}. */
export interface ClosedLoopOptions {
  readonly stream: boolean;
  /** Calls kept in flight. */
  readonly concurrency: number;
  readonly seconds: number;
  /** Upper bound on calls. @default 50,000 per second of `seconds` */
  readonly maxCalls?: number;
}

/** Closed loop: `concurrency` lanes, each issuing its next call when the last one answered. */
export async function closedLoop(caller: Caller, o: ClosedLoopOptions): Promise<PhaseResult> {
  const maxCalls = o.maxCalls ?? Math.ceil(o.seconds * 50_000);
  const rec = new Recorder(maxCalls);
  const start = performance.now();
  const deadline = start + o.seconds * 1000;
  const lane = async () => {
    while (performance.now() < deadline && rec.calls < maxCalls) await caller.call(o.stream, rec);
  };
  await Promise.all(Array.from({ length: o.concurrency }, lane));
  return rec.result(caller.target.name, o.stream, (performance.now() - start) / 1000);
}
