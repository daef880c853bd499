import type { AdapterRequest, CompletionRequest } from './request.js';
import type { AdapterResponse, CompletionResponse } from './response.js';
import type { AdapterStreamPart, StreamEvent } from './stream.js';
import type { TargetView } from './target.js';

/**
 * What a middleware knows about the call it wraps. One object per call, shared by every
 * middleware and hook of that call.
 */
export interface CallContext {
  /** Router-unique id of the call, as in its events. */
  readonly requestId: string;
  /** The request being routed (after every `transformRequest`, validated). */
  readonly request: CompletionRequest;
  /** Whether the call is a stream. */
  readonly stream: boolean;
  /** Aborts with the call (caller abort, deadline, or a consumer that stopped reading). */
  readonly signal: AbortSignal;
  /** Absolute deadline of the call on the router's clock (`Infinity` for none). */
  readonly deadline: number;
  /**
   * Scratch space for middleware of this call (e.g. a cache key computed in `wrapCall` and
   * read in `wrapAttempt`). Use a `Symbol` or a namespaced string as key.
   */
  readonly state: Map<string | symbol, unknown>;
}

/** What a middleware knows about one attempt on one target. */
export interface AttemptContext extends CallContext {
  /** The target that runs this attempt. */
  readonly target: TargetView;
  /** 1-based attempt number of the call. */
  readonly attempt: number;
  /** What the adapter will be sent: the request resolved for the target (model, provider options). */
  readonly adapterRequest: AdapterRequest;
}

/**
 * Continues a completion call: the next middleware inward, or the router's attempt loop
 * (retries and fallback included). May be called more than once (e.g. to ask again).
 */
export type NextCall = () => Promise<CompletionResponse>;

/**
 * Continues a streamed call. At most once per `wrapStream` invocation: a stream that has sent
 * content is never started again, so output is never duplicated.
 */
export type NextStream = () => AsyncIterable<StreamEvent>;

/** Continues an attempt: the next middleware inward, or the adapter. `request` replaces the adapter request. */
export type NextAttempt = (request?: AdapterRequest) => Promise<AdapterResponse>;

/** Continues a streamed attempt: the next middleware inward, or the adapter. At most once. */
export type NextAttemptStream = (request?: AdapterRequest) => AsyncIterable<AdapterStreamPart>;

/**
 * A router middleware: code that runs around every call and every attempt, for caches,
 * guardrails, request rewrites, tracing, logging.
 *
 * Order: the first middleware registered is the outermost (it sees the request first and the
 * result last), as in hono and the AI SDK's `wrapLanguageModel`. Every hook is optional.
 *
 * Errors: a hook that throws (or rejects with) anything but a `SwitchyardError` fails the call
 * with a `config` error naming the middleware and the hook: no retry, no fallback, nothing
 * counted against a target. A `SwitchyardError` a hook throws is passed on as it is, so a
 * guardrail can refuse with `invalid_request` and errors from `next` keep their kind.
 *
 * @example
 * ```ts
 * const guardrail: Middleware = {
 *   name: 'no-secrets',
 *   transformRequest: (request) => {
 *     if (JSON.stringify(request.messages).includes('password')) {
 *       throw new SwitchyardError('invalid_request', 'refused: the prompt contains a password');
 *     }
 *     return request;
 *   },
 * };
 * const router = new Router({ targets, middleware: [guardrail] });
 * ```
 */
export interface Middleware {
  /** Name, as shown in errors. */
  readonly name: string;
  /**
   * Returns the request to route (or the same one). Runs once per call, before validation, so
   * a middleware cannot smuggle bad input past it. `ctx.request` is the request before this
   * middleware's change.
   */
  transformRequest?(
    request: CompletionRequest,
    ctx: CallContext,
  ): CompletionRequest | Promise<CompletionRequest>;
  /**
   * Around a whole completion call, retries and fallback included. May return a response
   * without calling `next` (a cache hit, a refusal) and may see or replace its result or error.
   */
  wrapCall?(ctx: CallContext, next: NextCall): Promise<CompletionResponse>;
  /**
   * Around a whole streamed call: returns the events the caller reads. May replay events
   * without calling `next` (the last event must be `finish` with the whole response), observe
   * or transform them. Calling `next` twice fails the call with a `config` error.
   */
  wrapStream?(ctx: CallContext, next: NextStream): AsyncIterable<StreamEvent>;
  /**
   * Around one non-streamed adapter attempt on a chosen target, inside the attempt's async
   * context: an `AsyncLocalStorage` value or a span made current here is seen by the adapter.
   */
  wrapAttempt?(ctx: AttemptContext, next: NextAttempt): Promise<AdapterResponse>;
  /**
   * Around one streamed adapter attempt, inside its async context. The router's commit rule
   * still holds outside it: once a content part has passed, the call never falls back.
   */
  wrapAttemptStream?(ctx: AttemptContext, next: NextAttemptStream): AsyncIterable<AdapterStreamPart>;
}
