import type { Adapter, AdapterCapabilities, Price } from './adapter.js';

/**
 * One routable target: an adapter plus the model to call on it, with limits and prices.
 *
 * @example
 * ```ts
 * { id: 'openai-mini', adapter: new OpenAIAdapter(), model: 'gpt-4o-mini', aliases: ['fast'], weight: 3 }
 * ```
 */
export interface TargetConfig {
  /** Unique id; appears in events, errors and responses. */
  readonly id: string;
  /** The provider adapter. */
  readonly adapter: Adapter;
  /** The provider's model id. */
  readonly model: string;
  /** Relative share for weighted strategies. Positive. @default 1 */
  readonly weight?: number;
  /** Lower is preferred by the `priority` strategy. @default the target's position */
  readonly priority?: number;
  /** Model aliases this target serves (a request with `model: 'fast'` picks among targets aliased `fast`). */
  readonly aliases?: readonly string[];
  /** Most attempts in flight at once on this target; a full target is skipped, not queued. @default unlimited */
  readonly maxConcurrency?: number;
  /** Most attempts started per rolling minute; a target at its limit is skipped. @default unlimited */
  readonly requestsPerMinute?: number;
  /**
   * Most tokens per rolling minute. Each attempt counts its estimate when it starts (prompt
   * characters ÷ 4 plus `maxOutputTokens`, or {@link DEFAULT_TPM_OUTPUT_ESTIMATE}) and is corrected
   * to its real usage when it ends (a failed attempt gives its estimate back). A target whose
   * window is full is skipped until tokens leave it; one call may overshoot the limit by its own
   * size, as in the providers' windows. Needs a store with `quota` (the built-in ones have it).
   * @default unlimited
   */
  readonly tokensPerMinute?: number;
  /** Token prices; `costUsd` is computed from them. @default the adapter's `priceFor(model)` */
  readonly price?: Price;
  /** Context window in tokens. @default the adapter's capability */
  readonly contextWindow?: number;
  /** Default `maxOutputTokens` when the request sets none (Anthropic requires one). */
  readonly maxOutputTokens?: number;
  /**
   * A stream attempt with no content this long after it started is aborted and falls back (no
   * content was sent). Unlike the idle timeout, events without content (metadata, tool-input
   * starts) do not count. Streams only. Overrides the router's; a call's overrides it.
   */
  readonly firstTokenTimeoutMs?: number;
  /**
   * A stream that sent content and then sends none for this long is aborted: it ends as
   * `stream_interrupted` with the partial text (never restarted elsewhere). Streams only. Overrides the router's; a call's overrides it.
   */
  readonly interTokenTimeoutMs?: number;
  /** Provider options sent with every call to this target (the request's win). */
  readonly providerOptions?: Readonly<Record<string, unknown>>;
  /** Free-form data for custom strategies. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * What a strategy sees of a target: its configuration and live counters. The router owns it;
 * strategies must not keep references to a candidates array past one `pick` call.
 */
export interface TargetView {
  /** Target id. */
  readonly id: string;
  /** Position of the target in the router's configuration (stable, 0-based): index per-target state by it. */
  readonly index: number;
  /** Provider model id. */
  readonly model: string;
  /** The adapter's provider name. */
  readonly provider: string;
  /** Relative weight (positive). */
  readonly weight: number;
  /** Priority (lower first). */
  readonly priority: number;
  /** Attempts in flight on this target right now, across all calls. */
  readonly inFlight: number;
  /** Token prices, when known. */
  readonly price: Price | undefined;
  /** Context window in tokens, when known. */
  readonly contextWindow: number | undefined;
  /** The adapter's capabilities. */
  readonly capabilities: AdapterCapabilities;
  /** The configuration the target was built from. */
  readonly config: TargetConfig;
}
