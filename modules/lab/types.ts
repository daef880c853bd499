/**
 * Declarative shapes of the simulator: providers (latency, failure and price models with
 * time-based phases) and the workload (arrivals and request mix).
 */
import type { Price } from '../../src/index.js';

/** Health label of a provider at some time; `outage` fails every call fast with a 503. */
export type ProviderState = 'healthy' | 'degraded' | 'outage';

/**
 * How long a successful call takes:
 * `(ttftMs + inputTokens ÷ prefillTokensPerSec + outputTokens ÷ decodeTokensPerSec)
 *  × phase latencyFactor × (1 + loadFactor × other calls in flight) × lognormal noise`.
 * The first streamed token arrives after the TTFT and prefill part of that sum.
 */
export interface LatencyModel {
  /** Fixed time to the first token (network, queueing, first decode step), in ms. */
  readonly ttftMs: number;
  /** Prompt tokens processed per second. */
  readonly prefillTokensPerSec: number;
  /** Output tokens generated per second. */
  readonly decodeTokensPerSec: number;
  /** σ of the lognormal noise (its mean is 1, so the mean latency follows the formula). @default 0.25 */
  readonly sigma?: number;
  /** Latency grows by this fraction per other call in flight on the provider. @default 0 */
  readonly loadFactor?: number;
  /**
   * A slow path for long prompts (not linear in the prompt size): a call whose prompt has more
   * than `aboveInputTokens` tokens takes `factor` times as long, first token included (e.g. a
   * host that moves long contexts to slower hardware). @default none
   */
  readonly longPrompt?: { readonly aboveInputTokens: number; readonly factor: number };
  /**
   * Streamed calls only: latency grows by this further fraction per other call in flight, on top
   * of `loadFactor` (an interaction of streaming and load, e.g. a host whose open streams
   * contend for the same decode slots). @default 0
   */
  readonly streamLoadFactor?: number;
}

/** How a provider fails when it is not in an outage. */
export interface FailureModel {
  /** Probability that a call answers a 503. @default 0 */
  readonly errorRate?: number;
  /** How long a 503 (or 429) takes, in ms. @default 20 */
  readonly errorLatencyMs?: number;
  /**
   * Accepted requests per rolling minute; beyond it the provider answers 429 with a
   * Retry-After (whole seconds until a slot frees). @default unlimited
   */
  readonly rpmLimit?: number;
}

/**
 * A time window (simulated ms, from the start of the run) in which a provider behaves
 * differently. The first phase that covers a time applies; outside every phase the provider
 * is healthy and uses its base models.
 *
 * @example
 * ```ts
 * { from: 60_000, until: 90_000, latencyFactor: 10 }            // a 30 s slow spike
 * { from: 0, latencyFactor: 1, latencyFactorEnd: 4, rampMs: 600_000 } // steady drift
 * { from: 120_000, until: 180_000, state: 'outage' }            // down for a minute
 * { from: 150_000, priceFactor: 2, state: 'healthy' }           // price doubles
 * ```
 */
export interface ProviderPhase {
  /** Start, inclusive, in ms of simulated time. */
  readonly from: number;
  /** End, exclusive. @default Infinity */
  readonly until?: number;
  /** Health label; `outage` fails every call with a fast 503. @default 'degraded' */
  readonly state?: ProviderState;
  /** Latency multiplier (at `from` when ramping). @default 1 */
  readonly latencyFactor?: number;
  /**
   * When set, the multiplier ramps linearly from `latencyFactor` at `from` to this value at
   * `from + rampMs`, and stays there until the phase ends.
   */
  readonly latencyFactorEnd?: number;
  /** Length of the ramp in ms. @default until − from (needs a finite `until` then) */
  readonly rampMs?: number;
  /** 503 probability in this phase. @default the base `errorRate` */
  readonly errorRate?: number;
  /** Price multiplier. @default 1 */
  readonly priceFactor?: number;
}

/**
 * A provider's prompt cache (opt-in): a call whose cache key (the workload's session) reached the
 * same provider within `ttlMs` reads its shared prefix from the cache, billed at
 * `cachedInputFactor` × the input price; every call (re)writes the entry.
 */
export interface PromptCacheModel {
  /** How long an entry lives after its last use, in ms. */
  readonly ttlMs: number;
  /** Price of a cached input token relative to an uncached one. @default 0.1 */
  readonly cachedInputFactor?: number;
}

/** One simulated provider (one target of the router). */
export interface SimulatedProviderSpec {
  /** Target id. */
  readonly id: string;
  /** Model id. @default the id */
  readonly model?: string;
  /** Latency model. */
  readonly latency: LatencyModel;
  /** Failure model. @default never fails */
  readonly failure?: FailureModel;
  /** Base prices (USD per million tokens). */
  readonly price: Price;
  /** Time-varying behaviour. @default always healthy */
  readonly phases?: readonly ProviderPhase[];
  /** The target's weight, for weighted strategies. @default 1 */
  readonly weight?: number;
  /** The target's priority. @default its position */
  readonly priority?: number;
  /** Context window in tokens. @default none */
  readonly contextWindow?: number;
  /** Prompt cache model. @default none (no cache discount) */
  readonly promptCache?: PromptCacheModel;
}

/** The provider's true parameters at one time (what the {@link ProviderPhase}s resolve to). */
export interface ProviderConditions {
  readonly state: ProviderState;
  readonly latencyFactor: number;
  readonly errorRate: number;
  readonly priceFactor: number;
}

/** What a provider is expected to do with one request now: the oracle's knowledge. */
export interface ProviderExpectation {
  /** Expected latency of a success, in ms (noise-free, current load and phase). */
  readonly latencyMs: number;
  /** Expected time to the first token, in ms. */
  readonly ttftMs: number;
  /** Probability that the call fails (1 in an outage or over the RPM limit). */
  readonly failureProbability: number;
  /** How long a failure takes, in ms. */
  readonly failureLatencyMs: number;
  /** Cost of a success, in USD. */
  readonly costUsd: number;
}

/** A distribution of token counts; draws are rounded to whole tokens (at least 1). */
export type TokenDistribution =
  | { readonly kind: 'fixed'; readonly value: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | {
      readonly kind: 'lognormal';
      /** Median token count. */
      readonly median: number;
      /** σ of the underlying normal. */
      readonly sigma: number;
      /** Draws are clamped to [min, max]. @default 1 */
      readonly min?: number;
      /** @default Infinity */
      readonly max?: number;
    }
  | {
      readonly kind: 'mix';
      /** Each part is chosen with probability weight ÷ total weight. */
      readonly parts: ReadonlyArray<{ readonly weight: number; readonly dist: TokenDistribution }>;
    };

/** The calls of a run: a Poisson arrival process and a request mix. */
export interface WorkloadSpec {
  /** Length of the arrival window in simulated ms (calls in flight at its end still finish). */
  readonly durationMs: number;
  /** Mean arrivals per second. */
  readonly ratePerSec: number;
  /** Prompt sizes. The prompt text is 4 characters per token, so strategies can estimate it. */
  readonly inputTokens: TokenDistribution;
  /** Tokens each call generates; `maxOutputTokens` is the next power of two ≥ it (at least 256). */
  readonly outputTokens: TokenDistribution;
  /** Share of calls sent with `router.stream()`. @default 0.25 */
  readonly streamShare?: number;
  /** Tags put on every request. */
  readonly tags?: readonly string[];
  /**
   * Conversations (opt-in): each call belongs to one of `count` sessions, drawn uniformly, and its
   * prompt starts with the session's `prefixTokens`-token prefix (on top of `inputTokens`), which
   * a provider with a {@link PromptCacheModel} can cache. Requests carry the `sessionId`.
   * @default none
   */
  readonly sessions?: { readonly count: number; readonly prefixTokens: number };
}

/** One generated call of the workload. */
export interface WorkloadCall {
  /** 0-based position in arrival order. */
  readonly index: number;
  /** Arrival time in simulated ms. */
  readonly at: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly maxOutputTokens: number;
  readonly stream: boolean;
  /** Session number (workloads with `sessions` only); `inputTokens` includes its prefix. */
  readonly session?: number;
  /** Tokens of the session's shared prefix (workloads with `sessions` only). */
  readonly prefixTokens?: number;
}
