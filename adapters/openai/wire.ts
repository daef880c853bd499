/**
 * The parts of the Chat Completions wire format the adapter reads, including common
 * non-OpenAI extensions (`reasoning_content`, `x_groq.usage`, DeepSeek cache counters). Kept
 * local rather than taken from the SDK so that the mapping does not depend on one SDK major.
 */

export interface WireUsage {
  readonly prompt_tokens?: number | null;
  readonly completion_tokens?: number | null;
  readonly total_tokens?: number | null;
  readonly prompt_tokens_details?: { readonly cached_tokens?: number | null } | null;
  readonly completion_tokens_details?: { readonly reasoning_tokens?: number | null } | null;
  /** DeepSeek's count of prompt tokens served from its cache. */
  readonly prompt_cache_hit_tokens?: number | null;
}

export interface WireToolCall {
  readonly index?: number;
  readonly id?: string | null;
  readonly type?: string;
  readonly function?: { readonly name?: string | null; readonly arguments?: string | null } | null;
}

export interface WireMessage {
  readonly content?: string | null;
  readonly refusal?: string | null;
  /** DeepSeek, Qwen, Moonshot and others. */
  readonly reasoning_content?: string | null;
  /** OpenRouter, Groq and others. */
  readonly reasoning?: string | null;
  readonly tool_calls?: readonly WireToolCall[] | null;
}

export interface WireChoice {
  readonly index?: number;
  readonly message?: WireMessage | null;
  readonly delta?: WireMessage | null;
  readonly finish_reason?: string | null;
  /** Moonshot reports stream usage inside the last choice. */
  readonly usage?: WireUsage | null;
}

/** A non-streaming response body or one stream chunk. */
export interface WireCompletion {
  readonly id?: string;
  readonly model?: string;
  readonly choices?: readonly WireChoice[] | null;
  readonly usage?: WireUsage | null;
  readonly system_fingerprint?: string | null;
  /** Perplexity. */
  readonly citations?: readonly unknown[] | null;
  /** Groq reports stream usage here. */
  readonly x_groq?: { readonly usage?: WireUsage | null } | null;
}
