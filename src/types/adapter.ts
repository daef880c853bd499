import type { AbortSignalLike } from './abort.js';
import type { Clock } from './clock.js';
import type { RateLimitInfo } from './rate-limit.js';
import type { AdapterRequest } from './request.js';
import type { AdapterResponse } from './response.js';
import type { AdapterStreamPart } from './stream.js';

/** What a provider adapter can do. The router skips targets that cannot serve a request. */
export interface AdapterCapabilities {
  /** Server-sent streaming. */
  readonly streaming: boolean;
  /** Function tools. */
  readonly tools: boolean;
  /** `json`: JSON mode only; `schema`: JSON schema (structured output); `false`: none. */
  readonly json: false | 'json' | 'schema';
  /** Image inputs. */
  readonly images: boolean;
  /** Default context window in tokens; a target's `contextWindow` overrides it. */
  readonly contextWindow?: number;
}

/** Per-attempt options the router passes to an adapter. */
export interface AdapterCallOptions {
  /** Aborts the attempt (caller abort or deadline). Adapters must stop work and reject with `aborted`/`timeout`. */
  readonly signal: AbortSignal;
  /**
   * The same abort state as `signal` (same `aborted`, `reason` and `'abort'` listeners) without
   * making an `AbortSignal`, which in Node 20 costs a hidden class per signal. The router passes
   * it; adapters that only listen for the abort should prefer it and fall back to `signal`.
   */
  readonly cancellation?: AbortSignalLike;
  /** Id of the target this attempt runs for; adapters put it on errors. */
  readonly target: string;
  /** The router's clock; test adapters use it for delays. */
  readonly clock: Clock;
  /** Absolute deadline of the whole call on `clock`, or `Infinity`. */
  readonly deadline: number;
  /**
   * Reports the provider's rate-limit headroom read from a response's headers (success or
   * failure, streamed or not), so that the router steers calls away before a 429. Optional to
   * call; `rateLimitFromHeaders` in `switchyard-llm/adapter-kit` reads the common headers.
   */
  readonly reportRateLimit?: (info: RateLimitInfo) => void;
}

/** Token prices in USD per million tokens. */
export interface Price {
  /** Price of one million input tokens. */
  readonly inputPerMTok: number;
  /** Price of one million output tokens. */
  readonly outputPerMTok: number;
  /** Price of one million cached input tokens; input price when absent. */
  readonly cachedInputPerMTok?: number;
  /** Price of one million input tokens written to the cache; input price when absent. */
  readonly cacheWritePerMTok?: number;
}

/**
 * A provider adapter: turns a common request into one provider call.
 *
 * Adapters throw {@link SwitchyardError} (use `errorFromHttpStatus` and friends from
 * `switchyard-llm/adapter-kit`) so that the router can tell what to retry. They never retry
 * themselves; see docs/adapter-kit.md and its conformance suite.
 */
export interface Adapter {
  /** Provider name, used to look up `providerOptions` (e.g. `openai`, `anthropic`, `mock`). */
  readonly provider: string;
  /** What the adapter supports. */
  readonly capabilities: AdapterCapabilities;
  /** One non-streaming call. */
  complete(request: AdapterRequest, options: AdapterCallOptions): Promise<AdapterResponse>;
  /**
   * One streaming call. Errors before the first part reject the first `next()`; the last part
   * of a normal stream is `finish`.
   */
  stream(request: AdapterRequest, options: AdapterCallOptions): AsyncIterable<AdapterStreamPart>;
  /** Default prices of a model, when the adapter knows them. */
  priceFor?(model: string): Price | undefined;
  /**
   * Releases what the adapter owns (e.g. its connection pool) once the calls in flight are done.
   * Idempotent. {@link Router.close} calls it.
   */
  close?(): Promise<void>;
}
