import {
  type AttemptContext,
  type AttemptFailureEvent,
  type AttemptSuccessEvent,
  type Clock,
  estimateInputTokens,
  type Middleware,
  type RequestFailureEvent,
  type RequestSuccessEvent,
  type Router,
  SwitchyardError,
  systemClock,
  type TimerHandle,
} from '../../src/index.js';
import type { HistoryRow } from './history-row.js';
import { RotatingFile } from './jsonl-file.js';
import { wholeOption } from './options.js';

/** Options of {@link HistoryRecorder}. */
export interface HistoryRecorderOptions {
  /** The JSON Lines file rows are appended to (created if missing). */
  readonly path: string;
  /** Largest size of the file before it rotates to `path.1`. @default 10 MiB */
  readonly maxBytes?: number;
  /** Rotated files kept (`path.1` … `path.<maxFiles>`); older ones are deleted. @default 3 */
  readonly maxFiles?: number;
  /** Rows buffered before a write. @default 100 */
  readonly flushRows?: number;
  /** Longest time (ms) a row waits in the buffer. @default 1000 */
  readonly flushMs?: number;
  /** Clock for row times and the flush timer. @default systemClock (epoch ms) */
  readonly clock?: Clock;
  /** Attempts tracked at once; beyond it the oldest call's are forgotten (and counted). @default 10000 */
  readonly maxPending?: number;
  /** Write and bookkeeping failures (never thrown into a routed call). @default ignored */
  readonly onError?: (error: unknown) => void;
}

/** What an attempt looked like when it started. */
type Started = Pick<
  HistoryRow,
  | 't'
  | 'hour'
  | 'target'
  | 'attempt'
  | 'stream'
  | 'inputTokens'
  | 'maxOutputTokens'
  | 'targetMaxOutputTokens'
  | 'structured'
  | 'tags'
  | 'inFlight'
>;

/**
 * Records routing history for training: one {@link HistoryRow} per attempt (request features,
 * target, load, and the outcome: latency, time to first token, output tokens, failure kind,
 * cost), appended to a JSON Lines file that rotates at `maxBytes`, keeping `maxFiles` old
 * files. No prompt or completion text is written. Writes are buffered and asynchronous; a
 * failure goes to `onError`, never into a routed call.
 *
 * It is a middleware (to see each attempt's request and the target's load when it starts) plus
 * listeners for the attempt outcomes: {@link attach} installs both.
 *
 * Memory: the buffer (≤ `flushRows` rows) and the attempts in flight (≤ `maxPending`).
 *
 * @example
 * ```ts
 * const recorder = new HistoryRecorder({ path: 'history.jsonl' }).attach(router);
 * // … later
 * await recorder.close();
 * const rows = readHistory(readFileSync('history.jsonl', 'utf8'));
 * ```
 */
export class HistoryRecorder {
  readonly #file: RotatingFile;
  readonly #clock: Clock;
  readonly #flushRows: number;
  readonly #flushMs: number;
  readonly #maxPending: number;
  readonly #onError: (error: unknown) => void;
  /** Per call, its attempts in flight. Insertion order = age, for the bound. */
  readonly #pending = new Map<string, Map<number, Started>>();
  #pendingCount = 0;
  #buffer: string[] = [];
  #timer: TimerHandle | undefined;
  #closed = false;
  #router: Router | undefined;
  #written = 0;
  #dropped = 0;
  #writes: Promise<void> = Promise.resolve();

  /** The middleware half (installed by {@link attach}; add it yourself if you build the router's list). */
  readonly middleware: Middleware;

  constructor(options: HistoryRecorderOptions) {
    const owner = 'HistoryRecorder';
    if (typeof options?.path !== 'string' || options.path === '') {
      throw new SwitchyardError(
        'config',
        `${owner}: path: expected a file path, got ${JSON.stringify(options?.path)}`,
      );
    }
    const maxBytes = wholeOption(owner, 'maxBytes', options.maxBytes, 10 * 2 ** 20, 1024);
    const maxFiles = wholeOption(owner, 'maxFiles', options.maxFiles, 3, 0, 1000);
    this.#file = new RotatingFile(options.path, maxBytes, maxFiles);
    this.#flushRows = wholeOption(owner, 'flushRows', options.flushRows, 100, 1);
    this.#flushMs = wholeOption(owner, 'flushMs', options.flushMs, 1000, 1);
    this.#maxPending = wholeOption(owner, 'maxPending', options.maxPending, 10_000, 1);
    this.#clock = options.clock ?? systemClock;
    this.#onError = options.onError ?? (() => {});
    const started = (ctx: AttemptContext) => this.#started(ctx);
    this.middleware = {
      name: 'history-recorder',
      wrapAttempt: (ctx, next) => {
        started(ctx);
        return next();
      },
      wrapAttemptStream: (ctx, next) => {
        started(ctx);
        return next();
      },
    };
  }

  /** Rows written to the file so far. */
  get written(): number {
    return this.#written;
  }

  /** Attempts forgotten because more than `maxPending` were in flight. */
  get dropped(): number {
    return this.#dropped;
  }

  readonly #onSuccess = (e: AttemptSuccessEvent): void => {
    this.#finished(e.requestId, e.attempt, e.durationMs, {
      ttftMs: e.ttftMs ?? null,
      outputTokens: e.usage.outputTokens ?? null,
      failure: null,
      costUsd: e.costUsd ?? null,
    });
  };

  readonly #onFailure = (e: AttemptFailureEvent): void => {
    this.#finished(e.requestId, e.attempt, e.durationMs, {
      ttftMs: null,
      outputTokens: null,
      failure: e.error.kind,
      costUsd: null,
    });
  };

  readonly #onEnd = (e: RequestSuccessEvent | RequestFailureEvent): void => {
    const attempts = this.#pending.get(e.requestId);
    if (attempts === undefined) return;
    this.#pendingCount -= attempts.size;
    this.#pending.delete(e.requestId);
  };

  /** Installs the middleware and the listeners on `router`. */
  attach(router: Router): this {
    if (this.#router !== undefined)
      throw new SwitchyardError('config', 'HistoryRecorder: attach: already attached to a router');
    this.#router = router;
    router.use(this.middleware);
    router.on('attempt:success', this.#onSuccess);
    router.on('attempt:failure', this.#onFailure);
    router.on('request:success', this.#onEnd);
    router.on('request:failure', this.#onEnd);
    return this;
  }

  #started(ctx: AttemptContext): void {
    if (this.#closed) return;
    try {
      const request = ctx.request;
      const now = this.#clock.now();
      let attempts = this.#pending.get(ctx.requestId);
      if (attempts === undefined) {
        attempts = new Map();
        this.#pending.set(ctx.requestId, attempts);
      }
      attempts.set(ctx.attempt, {
        t: now,
        hour: new Date(now).getUTCHours(),
        target: ctx.target.id,
        attempt: ctx.attempt,
        stream: ctx.stream,
        inputTokens: estimateInputTokens(request),
        maxOutputTokens: request.maxOutputTokens ?? null,
        targetMaxOutputTokens: ctx.target.config.maxOutputTokens ?? null,
        structured:
          (request.tools !== undefined && request.tools.length > 0) ||
          request.responseFormat?.type === 'json',
        tags: [...(request.tags ?? [])],
        inFlight: Math.max(0, ctx.target.inFlight - 1),
      });
      this.#pendingCount++;
      while (this.#pendingCount > this.#maxPending) {
        const oldest = this.#pending.keys().next().value as string;
        this.#pendingCount -= this.#pending.get(oldest)!.size;
        this.#dropped += this.#pending.get(oldest)!.size;
        this.#pending.delete(oldest);
      }
    } catch (error) {
      this.#onError(error);
    }
  }

  #finished(
    requestId: string,
    attempt: number,
    latencyMs: number,
    outcome: Pick<HistoryRow, 'ttftMs' | 'outputTokens' | 'failure' | 'costUsd'>,
  ): void {
    const attempts = this.#pending.get(requestId);
    const started = attempts?.get(attempt);
    if (started === undefined || this.#closed) return;
    attempts!.delete(attempt);
    this.#pendingCount--;
    const row: HistoryRow = { ...started, latencyMs, ...outcome };
    this.#buffer.push(JSON.stringify(row));
    if (this.#buffer.length >= this.#flushRows) void this.flush();
    else if (this.#timer === undefined) {
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = undefined;
        void this.flush();
      }, this.#flushMs);
      this.#clock.unref?.(this.#timer);
    }
  }

  /** Writes the buffered rows; resolves when they are on disk (errors go to `onError`). */
  flush(): Promise<void> {
    if (this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#buffer.length > 0) {
      const lines = this.#buffer;
      this.#buffer = [];
      this.#writes = this.#file.append(`${lines.join('\n')}\n`).then(
        () => {
          this.#written += lines.length;
        },
        (error: unknown) => this.#onError(error),
      );
    }
    return this.#writes;
  }

  /** Stops recording (removes the listeners; the middleware passes calls through) and flushes. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      const router = this.#router;
      if (router !== undefined) {
        router.off('attempt:success', this.#onSuccess);
        router.off('attempt:failure', this.#onFailure);
        router.off('request:success', this.#onEnd);
        router.off('request:failure', this.#onEnd);
      }
      this.#pending.clear();
      this.#pendingCount = 0;
    }
    await this.flush();
  }
}
