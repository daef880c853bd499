import type { AbortSignalLike } from './abort.js';
import type { HedgeOptions } from './hedge.js';
import type { Message, ProviderOptions } from './message.js';
import type { FunctionTool, JSONSchema, ToolChoice } from './tool.js';

/**
 * The output format asked for. `json` with a `schema` asks for structured output
 * (JSON schema mode where the provider supports it, JSON mode plus a warning otherwise).
 */
export type ResponseFormat =
  | { readonly type: 'text' }
  | {
      readonly type: 'json';
      /** JSON Schema the output must match. */
      readonly schema?: JSONSchema;
      /** Schema name, where the provider takes one. */
      readonly name?: string;
      /** Schema description, where the provider takes one. */
      readonly description?: string;
    };

/**
 * Generation settings shared by the router request and the adapter request.
 * All are optional; an adapter leaves out what is not set.
 */
export interface CallSettings {
  /** Upper bound of generated tokens. */
  readonly maxOutputTokens?: number;
  /** Sampling temperature. */
  readonly temperature?: number;
  /** Nucleus sampling. */
  readonly topP?: number;
  /** Top-k sampling, where the provider supports it. */
  readonly topK?: number;
  /** Presence penalty, where the provider supports it. */
  readonly presencePenalty?: number;
  /** Frequency penalty, where the provider supports it. */
  readonly frequencyPenalty?: number;
  /** Sequences that stop generation. */
  readonly stopSequences?: readonly string[];
  /** Seed for deterministic sampling, where the provider supports it. */
  readonly seed?: number;
  /** Output format. @default { type: 'text' } */
  readonly responseFormat?: ResponseFormat;
  /** Tools the model may call. */
  readonly tools?: readonly FunctionTool[];
  /** How the model should use the tools. */
  readonly toolChoice?: ToolChoice;
}

/**
 * One call to {@link Router.complete} or {@link Router.stream}.
 *
 * @example
 * ```ts
 * await router.complete({ messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 64 });
 * ```
 */
export interface CompletionRequest extends CallSettings {
  /** The prompt. At least one message. */
  readonly messages: readonly Message[];
  /**
   * A model alias: only targets whose `aliases` include it (or whose `model` equals it) are
   * candidates. When absent, every target is a candidate.
   */
  readonly model?: string;
  /** Name of a registered strategy to use for this call instead of the router's. */
  readonly strategy?: string;
  /**
   * Aborts the call: the in-flight attempt is cancelled and the call rejects with `aborted`. An
   * `AbortSignal`, or an `AbortLatch` (cheaper to make per request in Node 20). Middleware that
   * needs a real `AbortSignal` reads the call context's `signal`.
   */
  readonly signal?: AbortSignalLike;
  /** Whole-call deadline in ms, retries included. Overrides the router's `timeoutMs`. */
  readonly timeoutMs?: number;
  /**
   * A stream attempt with no content this long after it started is aborted and falls back (no
   * content was sent). Unlike the idle timeout, events without content (metadata, tool-input
   * starts) do not count. Streams only. Overrides the target's and the router's.
   */
  readonly firstTokenTimeoutMs?: number;
  /**
   * A stream that sent content and then sends none for this long is aborted: it ends as
   * `stream_interrupted` with the partial text (never restarted elsewhere). Streams only. Overrides the target's and the router's.
   */
  readonly interTokenTimeoutMs?: number;
  /**
   * The conversation this call belongs to (at most 256 characters). With `RouterOptions.affinity`,
   * calls of one session go to the same target while it is available and not overloaded, so the
   * provider's prompt cache can hit. Never sent to the provider.
   */
  readonly sessionId?: string;
  /**
   * Hedging of this call, or `false` for none; overrides a route's and the router's `hedge`.
   * Its delay must be below the call's deadline and its `maxHedges` below `retry.maxAttempts`
   * (else `invalid_request`); with a single candidate nothing is hedged. See {@link HedgeOptions}.
   */
  readonly hedge?: HedgeOptions | false;
  /** Free-form data for strategies and event consumers (never sent to the provider). */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Labels for strategies and event consumers (never sent to the provider). */
  readonly tags?: readonly string[];
  /**
   * Provider options for this call, keyed by provider name (`openai`, `anthropic`, …) or by
   * target id. Target-id keys win over provider-name keys.
   */
  readonly providerOptions?: ProviderOptions;
  /** Extra HTTP headers for this call. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * What an adapter receives for one attempt: the call settings and prompt, with the model
 * resolved to the target's `model` and provider options resolved for the target.
 */
export interface AdapterRequest extends CallSettings {
  /** The provider's model id (the target's `model`). */
  readonly model: string;
  /** The prompt. */
  readonly messages: readonly Message[];
  /** Options for this adapter's provider, merged from target and request. */
  readonly providerOptions?: Readonly<Record<string, unknown>>;
  /** Extra HTTP headers. */
  readonly headers?: Readonly<Record<string, string>>;
}
