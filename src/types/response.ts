import type { ErrorKind } from '../errors/error-kind.js';

/**
 * Why generation stopped, mapped to one set across providers.
 * The provider's own value is kept in `rawFinishReason`.
 */
export type FinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other';

/** Token usage of one response. */
export interface Usage {
  /** All input tokens, cached ones included. */
  readonly inputTokens: number;
  /** Generated tokens, reasoning included. */
  readonly outputTokens: number;
  /** `inputTokens + outputTokens` unless the provider reports otherwise. */
  readonly totalTokens: number;
  /** Input tokens read from the provider's prompt cache, where known. */
  readonly cachedInputTokens?: number;
  /** Input tokens written to the provider's prompt cache, where known. */
  readonly cacheWriteInputTokens?: number;
  /** Output tokens spent on reasoning, where known. */
  readonly reasoningTokens?: number;
  /** `true` when the adapter reported no usage at all: the counts are zeros, not measurements. */
  readonly unknown?: boolean;
  /** `true` when the counts are the router's estimate (characters ÷ 4), not the provider's. */
  readonly estimated?: boolean;
}

/** A complete tool call of the model. */
export interface ToolCall {
  /** Id that links the call to its result. */
  readonly toolCallId: string;
  /** Name of the tool. */
  readonly toolName: string;
  /** Arguments as JSON text, exactly as the model produced them. */
  readonly input: string;
}

/** A non-fatal notice: a setting the provider ignored, a feature emulated, … */
export interface Warning {
  /** `unsupported-setting`: a setting was dropped; `other`: anything else. */
  readonly type: 'unsupported-setting' | 'other';
  /** The setting concerned, for `unsupported-setting`. */
  readonly setting?: string;
  /** Human-readable detail. */
  readonly message: string;
}

/** One piece of generated content, in order. */
export type ContentPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'reasoning'; readonly text: string }
  | ({ readonly type: 'tool-call' } & ToolCall);

/** What an adapter returns for one successful non-streaming attempt. */
export interface AdapterResponse {
  /** Generated content, in order. */
  readonly content: readonly ContentPart[];
  /** Unified finish reason. */
  readonly finishReason: FinishReason;
  /** The provider's own finish reason, unchanged. */
  readonly rawFinishReason?: string;
  /** Token usage. */
  readonly usage: Usage;
  /** The provider's response id. */
  readonly responseId?: string;
  /** The model id the provider reported, if different from the requested one. */
  readonly modelId?: string;
  /** Notices about the mapping. */
  readonly warnings?: readonly Warning[];
  /** Provider-specific extras (citations, system fingerprint, …). */
  readonly providerMetadata?: Readonly<Record<string, unknown>>;
}

/** The outcome of one attempt of a call, as recorded in {@link CompletionResponse.attempts}. */
export interface AttemptRecord {
  /** 1-based attempt number within the call. */
  readonly attempt: number;
  /** Target id. */
  readonly target: string;
  /** `success`, or `failure` with an error kind. */
  readonly outcome: 'success' | 'failure';
  /** Error kind when `outcome` is `failure`. */
  readonly errorKind?: ErrorKind;
  /** Wall time of the attempt in ms (clock time). */
  readonly durationMs: number;
  /** Set on an attempt sent as a hedge (`HedgeOptions`): while an earlier attempt was still running. */
  readonly hedge?: boolean;
  /**
   * Set on an attempt of a hedged round that the router cancelled because another attempt
   * produced content first (`errorKind` is `aborted`; not counted against the target's health).
   */
  readonly lostHedge?: boolean;
  /** The estimated cost in USD of a {@link lostHedge} attempt, included in the call's `costUsd`. */
  readonly costUsd?: number;
}

/** The result of {@link Router.complete} (and the final value of a stream). */
export interface CompletionResponse {
  /** All text parts joined. */
  readonly text: string;
  /** Generated content, in order. */
  readonly content: readonly ContentPart[];
  /** Tool calls, in order. Empty when there are none. */
  readonly toolCalls: readonly ToolCall[];
  /** Unified finish reason. */
  readonly finishReason: FinishReason;
  /** The provider's own finish reason. */
  readonly rawFinishReason?: string;
  /** Token usage of the successful attempt. */
  readonly usage: Usage;
  /** Router-unique id of the call, as in its events. */
  readonly requestId: string;
  /** Id of the target that answered. */
  readonly target: string;
  /** Model that answered (the provider's reported id, else the target's model). */
  readonly model: string;
  /** One entry per attempt, the successful one last. */
  readonly attempts: readonly AttemptRecord[];
  /** Wall time of the whole call in ms, retries included. */
  readonly latencyMs: number;
  /** Cost of the successful attempt in USD, when the target has prices. */
  readonly costUsd?: number;
  /** The provider's response id. */
  readonly responseId?: string;
  /** Notices about the mapping. */
  readonly warnings: readonly Warning[];
  /** Provider-specific extras. */
  readonly providerMetadata?: Readonly<Record<string, unknown>>;
}
