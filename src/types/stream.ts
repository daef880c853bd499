import type { CompletionResponse, FinishReason, ToolCall, Usage, Warning } from './response.js';

/**
 * One part of an adapter's stream. Content parts are `text-delta`, `reasoning-delta`,
 * `tool-input-start`, `tool-input-delta` and `tool-call`; the router treats the first of them
 * as the point after which it never falls back to another target.
 */
export type AdapterStreamPart =
  /** A piece of generated text. */
  | { readonly type: 'text-delta'; readonly delta: string }
  /** A piece of reasoning text. */
  | { readonly type: 'reasoning-delta'; readonly delta: string }
  /** A tool call begins; its arguments follow as `tool-input-delta`. */
  | { readonly type: 'tool-input-start'; readonly toolCallId: string; readonly toolName: string }
  /** A piece of a tool call's JSON arguments. */
  | { readonly type: 'tool-input-delta'; readonly toolCallId: string; readonly delta: string }
  /** A tool call is complete (arguments assembled). */
  | ({ readonly type: 'tool-call' } & ToolCall)
  /** Response id and model, when the provider sends them. Not content. */
  | { readonly type: 'response-metadata'; readonly responseId?: string; readonly modelId?: string }
  /** Mapping notices, sent before any content. Not content. */
  | { readonly type: 'warnings'; readonly warnings: readonly Warning[] }
  /** The stream ended normally. Always the last part. */
  | {
      readonly type: 'finish';
      readonly finishReason: FinishReason;
      readonly rawFinishReason?: string;
      readonly usage: Usage;
      readonly providerMetadata?: Readonly<Record<string, unknown>>;
    };

/** Types of the adapter stream parts that are content (see {@link AdapterStreamPart}). */
export type ContentStreamPartType =
  | 'text-delta'
  | 'reasoning-delta'
  | 'tool-input-start'
  | 'tool-input-delta'
  | 'tool-call';

/**
 * One event of {@link Router.stream}. The content events are the adapter's; `finish` carries
 * the whole response.
 */
export type StreamEvent =
  | Exclude<AdapterStreamPart, { type: 'finish' } | { type: 'warnings' } | { type: 'response-metadata' }>
  | {
      readonly type: 'finish';
      readonly finishReason: FinishReason;
      readonly usage: Usage;
      /** The complete response, as {@link RouterStream.response} resolves it. */
      readonly response: CompletionResponse;
    };
