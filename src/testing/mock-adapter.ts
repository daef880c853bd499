import { sleep } from '../clock.js';
import type { ErrorKind } from '../errors/error-kind.js';
import { errorFromAbort, kindFromHttpStatus } from '../errors/http.js';
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { Adapter, AdapterCallOptions, AdapterCapabilities, Price } from '../types/adapter.js';
import type { AdapterRequest } from '../types/request.js';
import type { AdapterResponse, ContentPart, FinishReason, Usage } from '../types/response.js';
import type { AdapterStreamPart } from '../types/stream.js';
import { messageText } from '../util/content.js';
import { makeUsage, UNKNOWN_USAGE } from '../util/usage.js';

/** A simulated upstream failure. */
export interface MockError {
  /** HTTP status; its kind follows the usual mapping (429 → rate_limited, 503 → server, …). */
  readonly status?: number;
  /** The kind, when there is no status (e.g. `connection`, `timeout`). @default from status, else 'server' */
  readonly kind?: ErrorKind;
  /** Retry-After in ms. */
  readonly retryAfterMs?: number;
  /** Error message. */
  readonly message?: string;
}

/** What a mock call does. Exactly one of `text`, `toolCalls`, `stream` or `error` (a stream may end in an error). */
export type MockOutcome = {
  /** Wait this long (on the router's clock) before answering. Honours the abort signal. */
  readonly delayMs?: number;
  /** Usage to report (`{ unknown: true }`: the provider reported none). @default ≈ characters ÷ 4 of prompt and answer */
  readonly usage?: Partial<Usage>;
  /** Finish reason. @default 'stop' ('tool-calls' with toolCalls) */
  readonly finishReason?: FinishReason;
} & (
  | { readonly text: string }
  | {
      readonly toolCalls: ReadonlyArray<{
        readonly toolName: string;
        readonly input: unknown;
        readonly toolCallId?: string;
      }>;
      readonly text?: string;
    }
  | {
      /** Text deltas, in order. `complete()` joins them. */
      readonly stream: readonly string[];
      /** Wait between deltas. @default 0 */
      readonly chunkDelayMs?: number;
      /** Fail after the deltas instead of finishing (a broken stream). */
      readonly error?: MockError;
    }
  | { readonly error: MockError }
);

/** What a mock handler learns about the call. */
export interface MockCallInfo {
  /** 1-based number of this call on this adapter. */
  readonly call: number;
  /** Target id. */
  readonly target: string;
  /** Whether it is a stream. */
  readonly stream: boolean;
  /** The attempt's abort signal. */
  readonly signal: AbortSignal;
}

/** Computes the outcome of one call. */
export type MockHandler = (request: AdapterRequest, info: MockCallInfo) => MockOutcome | Promise<MockOutcome>;

/** One recorded call of a {@link MockAdapter}. */
export interface MockCall {
  readonly request: AdapterRequest;
  readonly target: string;
  readonly stream: boolean;
  /** Clock time at which it started. */
  readonly startedAt: number;
  /** How it ended, once it has: `success`, `error` or `aborted`. */
  result?: 'success' | 'error' | 'aborted';
}

/** Options of a {@link MockAdapter}. */
export interface MockAdapterOptions {
  /** Provider name. @default 'mock' */
  readonly provider?: string;
  /** Capabilities. @default everything supported, no context window */
  readonly capabilities?: Partial<AdapterCapabilities>;
  /** Prices reported by `priceFor`. */
  readonly price?: Price;
  /** What happens when a scripted mock runs out of outcomes: repeat the last, or fail with `config`. @default 'fail' */
  readonly whenScriptEnds?: 'repeat-last' | 'fail';
  /** Keep every call in `calls` (turn off for long benchmarks and soak tests). @default true */
  readonly recordCalls?: boolean;
}

/** A call record with its 1-based number on this adapter. */
type NumberedCall = MockCall & { readonly call: number };

const DEFAULT_CAPABILITIES: AdapterCapabilities = {
  streaming: true,
  tools: true,
  json: 'schema',
  images: true,
};

/**
 * An {@link Adapter} for tests: a handler (or a script of outcomes, one per call) decides what
 * each call returns. It waits on the router's clock (so a `VirtualClock` drives it without real
 * sleeps), honours the abort signal and records every call.
 *
 * @example
 * ```ts
 * const flaky = new MockAdapter([{ error: { status: 503 } }, { text: 'ok' }]);
 * const fast = new MockAdapter((req) => ({ text: `echo ${req.model}`, delayMs: 20 }));
 * ```
 */
export class MockAdapter implements Adapter {
  readonly provider: string;
  readonly capabilities: AdapterCapabilities;
  /** Every call, in order. */
  readonly calls: MockCall[] = [];
  readonly #handler: MockHandler;
  readonly #price: Price | undefined;
  readonly #recordCalls: boolean;
  #count = 0;

  constructor(handlerOrScript: MockHandler | readonly MockOutcome[], options: MockAdapterOptions = {}) {
    this.provider = options.provider ?? 'mock';
    this.capabilities = { ...DEFAULT_CAPABILITIES, ...options.capabilities };
    this.#price = options.price;
    this.#recordCalls = options.recordCalls ?? true;
    if (typeof handlerOrScript === 'function') {
      this.#handler = handlerOrScript;
    } else {
      const script = [...handlerOrScript];
      const repeat = options.whenScriptEnds === 'repeat-last';
      this.#handler = (_req, info) => {
        const outcome = script[info.call - 1] ?? (repeat ? script.at(-1) : undefined);
        if (outcome === undefined) {
          throw new SwitchyardError(
            'config',
            `MockAdapter script has ${script.length} outcomes; call ${info.call} has none`,
            {
              retryable: false,
            },
          );
        }
        return outcome;
      };
    }
  }

  /** Number of calls so far (counted even when `recordCalls` is off). */
  get callCount(): number {
    return this.#count;
  }

  priceFor(): Price | undefined {
    return this.#price;
  }

  async complete(request: AdapterRequest, options: AdapterCallOptions): Promise<AdapterResponse> {
    const record = this.#record(request, options, false);
    try {
      const outcome = await this.#outcome(request, options, record);
      if ('error' in outcome && outcome.error !== undefined) throw toError(outcome.error, options.target);
      const streamDelay = 'stream' in outcome ? (outcome.chunkDelayMs ?? 0) * outcome.stream.length : 0;
      if (streamDelay > 0) await sleep(options.clock, streamDelay, options.signal);
      const response = buildResponse(request, outcome);
      record.result = 'success';
      return response;
    } catch (error) {
      throw this.#fail(record, error, options);
    }
  }

  async *stream(request: AdapterRequest, options: AdapterCallOptions): AsyncGenerator<AdapterStreamPart> {
    const record = this.#record(request, options, true);
    try {
      const outcome = await this.#outcome(request, options, record);
      const deltas =
        'stream' in outcome
          ? outcome.stream
          : 'text' in outcome && typeof outcome.text === 'string'
            ? [outcome.text]
            : [];
      if (!('stream' in outcome) && 'error' in outcome && outcome.error !== undefined)
        throw toError(outcome.error, options.target);
      yield {
        type: 'response-metadata',
        responseId: `mock-${record.startedAt}-${this.calls.length}`,
        modelId: request.model,
      };
      const gap = 'stream' in outcome ? (outcome.chunkDelayMs ?? 0) : 0;
      for (const delta of deltas) {
        if (gap > 0) await sleep(options.clock, gap, options.signal);
        yield { type: 'text-delta', delta };
      }
      if ('stream' in outcome && outcome.error !== undefined) throw toError(outcome.error, options.target);
      if ('toolCalls' in outcome) {
        for (const [i, call] of outcome.toolCalls.entries()) {
          const toolCallId = call.toolCallId ?? `call_${i + 1}`;
          const input = typeof call.input === 'string' ? call.input : JSON.stringify(call.input);
          yield { type: 'tool-input-start', toolCallId, toolName: call.toolName };
          yield { type: 'tool-input-delta', toolCallId, delta: input };
          yield { type: 'tool-call', toolCallId, toolName: call.toolName, input };
        }
      }
      const response = buildResponse(request, outcome);
      record.result = 'success';
      yield { type: 'finish', finishReason: response.finishReason, usage: response.usage };
    } catch (error) {
      throw this.#fail(record, error, options);
    } finally {
      if (record.result === undefined) record.result = 'aborted'; // the consumer stopped reading
    }
  }

  #record(request: AdapterRequest, options: AdapterCallOptions, stream: boolean): NumberedCall {
    const record: NumberedCall = {
      request,
      target: options.target,
      stream,
      startedAt: options.clock.now(),
      call: ++this.#count,
    };
    if (this.#recordCalls) this.calls.push(record);
    return record;
  }

  async #outcome(
    request: AdapterRequest,
    options: AdapterCallOptions,
    record: NumberedCall,
  ): Promise<MockOutcome> {
    const outcome = await this.#handler(request, {
      call: record.call,
      target: options.target,
      stream: record.stream,
      get signal() {
        return options.signal;
      },
    });
    // Touch the signal only when there is something to wait for: the router creates it lazily.
    if (outcome.delayMs) await sleep(options.clock, outcome.delayMs, options.signal);
    return outcome;
  }

  #fail(record: MockCall, error: unknown, options: AdapterCallOptions): unknown {
    const aborted = options.signal.aborted;
    record.result = aborted ? 'aborted' : 'error';
    return aborted ? errorFromAbort(options.signal, options.target) : error;
  }
}

function toError(error: MockError, target: string): SwitchyardError {
  const kind = error.kind ?? (error.status === undefined ? 'server' : kindFromHttpStatus(error.status));
  const message =
    error.message ?? (error.status === undefined ? `mock ${kind}` : `mock HTTP ${error.status}`);
  return new SwitchyardError(kind, `${kind} from target '${target}': ${message}`, {
    status: error.status,
    retryAfterMs: error.retryAfterMs,
    target,
  });
}

function buildResponse(request: AdapterRequest, outcome: MockOutcome): AdapterResponse {
  const content: ContentPart[] = [];
  const text = 'stream' in outcome ? outcome.stream.join('') : 'text' in outcome ? (outcome.text ?? '') : '';
  if (text) content.push({ type: 'text', text });
  if ('toolCalls' in outcome) {
    outcome.toolCalls.forEach((call, i) => {
      content.push({
        type: 'tool-call',
        toolCallId: call.toolCallId ?? `call_${i + 1}`,
        toolName: call.toolName,
        input: typeof call.input === 'string' ? call.input : JSON.stringify(call.input),
      });
    });
  }
  let promptChars = 0;
  for (const m of request.messages) promptChars += messageText(m).length;
  const u = outcome.usage ?? {};
  const inputTokens = u.inputTokens ?? Math.max(1, Math.ceil(promptChars / 4));
  const outputTokens = u.outputTokens ?? Math.max(1, Math.ceil(text.length / 4));
  return {
    content,
    finishReason: outcome.finishReason ?? ('toolCalls' in outcome ? 'tool-calls' : 'stop'),
    usage: u.unknown
      ? UNKNOWN_USAGE
      : makeUsage(inputTokens, outputTokens, {
          totalTokens: u.totalTokens,
          cachedInputTokens: u.cachedInputTokens,
          cacheWriteInputTokens: u.cacheWriteInputTokens,
          reasoningTokens: u.reasoningTokens,
        }),
    modelId: request.model,
  };
}
