import { type Clock, type CompletionResponse, SwitchyardError, systemClock } from '../../index.js';

/** The event format of a streamed answer: OpenAI chat completion chunks, or the AI SDK's UI message stream. */
export type SSEFormat = 'openai' | 'ui-message';

/** The SSE formats, for validation and docs. */
export const SSE_FORMATS: readonly SSEFormat[] = ['openai', 'ui-message'];

/** Options of {@link toSSEResponse}, {@link pipeToNodeResponse} and {@link createSSEEncoder}. */
export interface SSEOptions {
  /**
   * `'openai'`: `data: {chat.completion.chunk}` events then `data: [DONE]`, what OpenAI's SDKs
   * read. `'ui-message'`: the AI SDK's UI message stream (`useChat`, `readUIMessageStream`).
   * @default 'openai'
   */
  readonly format?: SSEFormat;
  /** OpenAI format: the `model` named on every chunk (pass the requested model). @default 'switchyard' */
  readonly model?: string;
  /** OpenAI format: the completion id, the same on every chunk. @default `chatcmpl-` and a random UUID */
  readonly id?: string;
  /** OpenAI format: `stream_options.include_usage` (a last chunk with the usage). @default false */
  readonly includeUsage?: boolean;
  /** UI message format: the assistant message's id in the `start` part. @default none (the client makes one) */
  readonly messageId?: string;
  /** UI message format: send reasoning as `reasoning-*` parts. @default true */
  readonly sendReasoning?: boolean;
  /** UI message format: metadata for the `finish` part, from the complete response (target, usage, cost). */
  readonly messageMetadata?: (response: CompletionResponse) => unknown;
  /**
   * The text clients see for a failed call (the final error event's message, or the JSON error
   * body's). @default the router's message for a `SwitchyardError` (which never carries secrets),
   * a generic message for anything else
   */
  readonly errorMessage?: (error: unknown) => string;
  /** Extra response headers (they override the SSE defaults). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Cancels the router call when aborted: pass the request's signal (`req.signal` in Next.js,
   * Bun and Deno, `c.req.raw.signal` in Hono) so a client that leaves stops the upstream call
   * even where the server does not cancel the response body. Node responses need none: their
   * `close` is watched.
   */
  readonly signal?: AbortSignal;
  /** Called once with the call's error when it fails (not when the client left). Never throws into the stream. */
  readonly onError?: (error: unknown) => void;
  /** Time source, for the chunks' `created` and `retry-after` of `no_target`. @default systemClock */
  readonly clock?: Clock;
}

/** {@link SSEOptions} checked, with the defaults applied. */
export interface ResolvedSSEOptions {
  readonly format: SSEFormat;
  readonly model: string;
  readonly id: string | undefined;
  readonly includeUsage: boolean;
  readonly messageId: string | undefined;
  readonly sendReasoning: boolean;
  readonly messageMetadata: ((response: CompletionResponse) => unknown) | undefined;
  readonly errorMessage: ((error: unknown) => string) | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly signal: AbortSignal | undefined;
  readonly onError: ((error: unknown) => void) | undefined;
  readonly clock: Clock;
}

const OPENAI_ONLY = ['model', 'id', 'includeUsage'] as const;
const UI_ONLY = ['messageId', 'sendReasoning', 'messageMetadata'] as const;

function bad(caller: string, field: string, expected: string): never {
  throw new SwitchyardError('config', `${caller}: options.${field}: expected ${expected}`, {
    retryable: false,
  });
}

function optional<T>(
  value: unknown,
  caller: string,
  field: string,
  expected: string,
  ok: (v: unknown) => boolean,
): T | undefined {
  if (value === undefined) return undefined;
  if (!ok(value)) bad(caller, field, expected);
  return value as T;
}

const isString = (v: unknown) => typeof v === 'string' && v !== '';
const isBoolean = (v: unknown) => typeof v === 'boolean';
const isFunction = (v: unknown) => typeof v === 'function';

function headersOf(value: unknown, caller: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    bad(caller, 'headers', 'an object of header names to string values');
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string') bad(caller, `headers['${name}']`, 'a string');
    headers[name.toLowerCase()] = v;
  }
  return headers;
}

/**
 * Checks {@link SSEOptions} and applies the defaults. A bad option is a `config` error naming the
 * field, as is an option of the other format (`includeUsage` with `format: 'ui-message'`).
 */
export function resolveSSEOptions(options: SSEOptions | undefined, caller: string): ResolvedSSEOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null) bad(caller, '(options)', 'an object');
  const o = options as Record<string, unknown>;
  const format = o.format ?? 'openai';
  if (!SSE_FORMATS.includes(format as SSEFormat)) bad(caller, 'format', `one of ${SSE_FORMATS.join(', ')}`);
  const other = format === 'openai' ? UI_ONLY : OPENAI_ONLY;
  for (const field of other) {
    if (o[field] !== undefined) {
      throw new SwitchyardError(
        'config',
        `${caller}: options.${field} applies to format '${format === 'openai' ? 'ui-message' : 'openai'}' only (format is '${String(format)}')`,
        { retryable: false },
      );
    }
  }
  const signal = o.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) bad(caller, 'signal', 'an AbortSignal');
  const clock = o.clock;
  if (
    clock !== undefined &&
    (typeof clock !== 'object' || clock === null || typeof (clock as Clock).now !== 'function')
  )
    bad(caller, 'clock', 'a Clock (an object with now())');
  return {
    format: format as SSEFormat,
    model: optional<string>(o.model, caller, 'model', 'a non-empty string', isString) ?? 'switchyard',
    id: optional<string>(o.id, caller, 'id', 'a non-empty string', isString),
    includeUsage: optional<boolean>(o.includeUsage, caller, 'includeUsage', 'a boolean', isBoolean) ?? false,
    messageId: optional<string>(o.messageId, caller, 'messageId', 'a non-empty string', isString),
    sendReasoning:
      optional<boolean>(o.sendReasoning, caller, 'sendReasoning', 'a boolean', isBoolean) ?? true,
    messageMetadata: optional(o.messageMetadata, caller, 'messageMetadata', 'a function', isFunction),
    errorMessage: optional(o.errorMessage, caller, 'errorMessage', 'a function', isFunction),
    headers: headersOf(o.headers, caller),
    signal: signal as AbortSignal | undefined,
    onError: optional(o.onError, caller, 'onError', 'a function', isFunction),
    clock: (clock as Clock | undefined) ?? systemClock,
  };
}
