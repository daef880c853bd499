import {
  type AdapterResponse,
  type AdapterStreamPart,
  type AttemptContext,
  type CallContext,
  type Clock,
  type CompletionResponse,
  type FinishReason,
  isSwitchyardError,
  type Message,
  type Middleware,
  type NextAttempt,
  type NextAttemptStream,
  type NextCall,
  type NextStream,
  redactSecrets,
  type StreamEvent,
  SwitchyardError,
  systemClock,
  type Usage,
} from '../../src/index.js';

/** Severity of a {@link LogRecord}, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What a {@link LogRecord} reports. */
export type LogEvent = 'call:start' | 'call:end' | 'attempt:start' | 'attempt:end';

/** The error of a failed call or attempt, as logged. */
export interface LoggedError {
  /** The error kind (`rate_limited`, `server`, …), or the error's name when it is not a SwitchyardError. */
  readonly kind: string;
  /** The message, secrets redacted. */
  readonly message: string;
  /** HTTP status, when there was one. */
  readonly status?: number;
  /** Whether trying again may succeed. */
  readonly retryable?: boolean;
}

/**
 * One structured log record. No prompt or completion text unless `includeContent`; never
 * headers or metadata; every string passed through `redactSecrets`.
 */
export interface LogRecord {
  readonly level: LogLevel;
  readonly event: LogEvent;
  /** Wall-clock time of the record, ISO 8601. */
  readonly time: string;
  /** Router-unique id of the call. */
  readonly requestId: string;
  /** Whether the call is a stream. */
  readonly stream: boolean;
  /** Call records: the requested model or alias. Attempt records: the model sent to the provider. */
  readonly model?: string;
  /** Target id: of the attempt, or of the answer on `call:end`. */
  readonly target?: string;
  /** 1-based attempt number (attempt records). */
  readonly attempt?: number;
  /** Labels of the call (`call:start`). */
  readonly tags?: readonly string[];
  /**
   * How it ended (`*:end`). `cancelled`: the stream's reader stopped before its end without an
   * error (through a Router, a consumer that stops reading aborts the call instead: `failure`
   * with kind `aborted`).
   */
  readonly outcome?: 'success' | 'failure' | 'cancelled';
  /** Time from start to end on the middleware's clock, in ms (`*:end`). */
  readonly durationMs?: number;
  /** Token usage (successful `*:end`). */
  readonly usage?: Usage;
  /** Finish reason (successful `*:end`). */
  readonly finishReason?: FinishReason;
  /** Cost in USD (successful `call:end`, when known). */
  readonly costUsd?: number;
  /** Number of attempts the call made (`call:end`). */
  readonly attempts?: number;
  /** The failure (`*:end` with outcome `failure`). */
  readonly error?: LoggedError;
  /** The prompt (`call:start`, only with `includeContent`; file bytes replaced by their size). */
  readonly messages?: readonly Message[];
  /** The answer's text (successful `*:end`, only with `includeContent`). */
  readonly text?: string;
}

/** Options of {@link logging}. */
export interface LoggingOptions {
  /** Where records go. @default one JSON line per record on stderr */
  readonly logger?: (record: LogRecord) => void;
  /**
   * Least severe level passed on. Levels: `call:start`, `call:end` and `attempt:end` are
   * `info`, `attempt:start` is `debug`, a failed attempt is `warn`, a failed call is `error`.
   * @default 'info'
   */
  readonly level?: LogLevel;
  /** Put the prompt (`call:start`) and the answer's text (`*:end`) in records, redacted. @default false */
  readonly includeContent?: boolean;
  /** Time source for `durationMs`. @default systemClock */
  readonly clock?: Clock;
}

const LEVELS: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };
const OPTION_KEYS = new Set(['logger', 'level', 'includeContent', 'clock']);

/** The default logger: one JSON line per record on stderr. */
export function stderrLogger(record: LogRecord): void {
  process.stderr.write(`${JSON.stringify(record)}\n`);
}

/**
 * Structured logs of every call and attempt: request id, target, attempt number, duration,
 * usage, finish reason and error kind and message. No prompt or completion text unless
 * `includeContent`; never headers or metadata; every string goes through `redactSecrets`.
 * A logger that throws is ignored: logging never fails a call.
 *
 * Register it first to log calls as the caller sees them (a cache hit is a call without
 * attempts); attempt records come from the attempt hooks wherever it is registered.
 *
 * @throws {SwitchyardError} `config` at construction when an option is invalid (the message
 * names it).
 *
 * @example
 * ```ts
 * import { Router } from 'switchyard-llm';
 * import { logging } from 'switchyard-llm/logging';
 *
 * const router = new Router({
 *   targets,
 *   middleware: [logging({ level: 'debug', logger: (record) => pino[record.level](record) })],
 * });
 * ```
 */
export function logging(options: LoggingOptions = {}): Middleware {
  checkOptions(options);
  const logger = options.logger ?? stderrLogger;
  const threshold = LEVELS[options.level ?? 'info'];
  const includeContent = options.includeContent ?? false;
  const clock = options.clock ?? systemClock;

  const emit = (level: LogLevel, fields: Omit<LogRecord, 'level' | 'time'>): void => {
    if (LEVELS[level] < threshold) return;
    try {
      logger(redact({ level, time: new Date().toISOString(), ...fields }) as LogRecord);
    } catch {
      // A broken logger must not break calls.
    }
  };
  const enabled = (level: LogLevel): boolean => LEVELS[level] >= threshold;

  const callStart = (ctx: CallContext): number => {
    emit('info', {
      event: 'call:start',
      requestId: ctx.requestId,
      stream: ctx.stream,
      model: ctx.request.model,
      tags: ctx.request.tags,
      messages: includeContent ? contentOf(ctx.request.messages) : undefined,
    });
    return clock.now();
  };
  const callSuccess = (ctx: CallContext, startedAt: number, response: CompletionResponse): void => {
    emit('info', {
      event: 'call:end',
      requestId: ctx.requestId,
      stream: ctx.stream,
      model: ctx.request.model,
      target: response.target,
      outcome: 'success',
      durationMs: clock.now() - startedAt,
      attempts: response.attempts.length,
      usage: response.usage,
      finishReason: response.finishReason,
      costUsd: response.costUsd,
      text: includeContent ? response.text : undefined,
    });
  };
  const callEnd = (
    ctx: CallContext,
    startedAt: number,
    outcome: 'failure' | 'cancelled',
    error?: unknown,
  ): void => {
    emit(outcome === 'failure' ? 'error' : 'info', {
      event: 'call:end',
      requestId: ctx.requestId,
      stream: ctx.stream,
      model: ctx.request.model,
      outcome,
      durationMs: clock.now() - startedAt,
      attempts: isSwitchyardError(error) ? error.attempts?.length : undefined,
      error: outcome === 'failure' ? loggedError(error) : undefined,
    });
  };

  const attemptFields = (ctx: AttemptContext) => ({
    requestId: ctx.requestId,
    stream: ctx.stream,
    model: ctx.adapterRequest.model,
    target: ctx.target.id,
    attempt: ctx.attempt,
  });
  const attemptStart = (ctx: AttemptContext): number => {
    if (enabled('debug')) emit('debug', { event: 'attempt:start', ...attemptFields(ctx) });
    return clock.now();
  };
  const attemptSuccess = (
    ctx: AttemptContext,
    startedAt: number,
    end: { usage: Usage; finishReason: FinishReason; text?: string },
  ): void => {
    emit('info', {
      event: 'attempt:end',
      ...attemptFields(ctx),
      outcome: 'success',
      durationMs: clock.now() - startedAt,
      usage: end.usage,
      finishReason: end.finishReason,
      text: includeContent ? end.text : undefined,
    });
  };
  const attemptEnd = (
    ctx: AttemptContext,
    startedAt: number,
    outcome: 'failure' | 'cancelled',
    error?: unknown,
  ): void => {
    emit(outcome === 'failure' ? 'warn' : 'info', {
      event: 'attempt:end',
      ...attemptFields(ctx),
      outcome,
      durationMs: clock.now() - startedAt,
      error: outcome === 'failure' ? loggedError(error) : undefined,
    });
  };

  return {
    name: 'logging',

    async wrapCall(ctx: CallContext, next: NextCall): Promise<CompletionResponse> {
      const startedAt = callStart(ctx);
      try {
        const response = await next();
        callSuccess(ctx, startedAt, response);
        return response;
      } catch (error) {
        callEnd(ctx, startedAt, 'failure', error);
        throw error;
      }
    },

    async *wrapStream(ctx: CallContext, next: NextStream): AsyncIterable<StreamEvent> {
      const startedAt = callStart(ctx);
      let ended = false;
      try {
        for await (const event of next()) {
          if (event.type === 'finish') {
            ended = true;
            callSuccess(ctx, startedAt, event.response);
          }
          yield event;
        }
      } catch (error) {
        ended = true;
        callEnd(ctx, startedAt, 'failure', error);
        throw error;
      } finally {
        if (!ended) callEnd(ctx, startedAt, 'cancelled');
      }
    },

    async wrapAttempt(ctx: AttemptContext, next: NextAttempt): Promise<AdapterResponse> {
      const startedAt = attemptStart(ctx);
      try {
        const response = await next();
        const text = includeContent ? textOf(response) : undefined;
        attemptSuccess(ctx, startedAt, { usage: response.usage, finishReason: response.finishReason, text });
        return response;
      } catch (error) {
        attemptEnd(ctx, startedAt, 'failure', error);
        throw error;
      }
    },

    async *wrapAttemptStream(ctx: AttemptContext, next: NextAttemptStream): AsyncIterable<AdapterStreamPart> {
      const startedAt = attemptStart(ctx);
      let ended = false;
      let text = '';
      try {
        for await (const part of next()) {
          if (includeContent && part.type === 'text-delta') text += part.delta;
          if (part.type === 'finish') {
            ended = true;
            attemptSuccess(ctx, startedAt, {
              usage: part.usage,
              finishReason: part.finishReason,
              text: includeContent ? text : undefined,
            });
          }
          yield part;
        }
      } catch (error) {
        ended = true;
        attemptEnd(ctx, startedAt, 'failure', error);
        throw error;
      } finally {
        if (!ended) attemptEnd(ctx, startedAt, 'cancelled');
      }
    },
  };
}

function loggedError(error: unknown): LoggedError {
  if (isSwitchyardError(error)) {
    return { kind: error.kind, message: error.message, status: error.status, retryable: error.retryable };
  }
  if (error instanceof Error) return { kind: error.name, message: error.message };
  return { kind: typeof error, message: String(error) };
}

function textOf(response: AdapterResponse): string {
  let text = '';
  for (const part of response.content) if (part.type === 'text') text += part.text;
  return text;
}

/** The prompt as logged: file bytes replaced by their size, URLs by their text. */
function contentOf(messages: readonly Message[]): readonly Message[] {
  const copy = (value: unknown): unknown => {
    if (value instanceof URL) return value.href;
    if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
    if (Array.isArray(value)) return value.map(copy);
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, member] of Object.entries(value)) out[key] = copy(member);
      return out;
    }
    return value;
  };
  return copy(messages) as readonly Message[];
}

/** A copy of a record with every string redacted and undefined members left out. */
function redact(value: unknown): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) out[key] = redact(member);
    }
    return out;
  }
  return value;
}

function checkOptions(options: LoggingOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw configError('options', 'expected an object { logger?, level?, includeContent? }');
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw configError(key, 'unknown option');
  }
  if (options.logger !== undefined && typeof options.logger !== 'function') {
    throw configError('logger', 'expected a function (record) => void');
  }
  if (options.level !== undefined && !Object.hasOwn(LEVELS, options.level)) {
    throw configError('level', `expected one of ${Object.keys(LEVELS).join(', ')}`);
  }
  if (options.includeContent !== undefined && typeof options.includeContent !== 'boolean') {
    throw configError('includeContent', 'expected a boolean');
  }
  if (options.clock !== undefined && typeof options.clock?.now !== 'function') {
    throw configError('clock', 'expected a Clock (an object with now())');
  }
}

function configError(field: string, problem: string): SwitchyardError {
  return new SwitchyardError('config', `logging: ${field}: ${problem}`, { retryable: false });
}
