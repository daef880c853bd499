import {
  type Adapter,
  type AdapterCallOptions,
  type AdapterCapabilities,
  type AdapterRequest,
  type AdapterResponse,
  type AdapterStreamPart,
  type Clock,
  costOf,
  errorFromAbort,
  errorFromHttpStatus,
  estimateInputTokens,
  isSwitchyardError,
  makeUsage,
  type Price,
  type RandomSource,
  SwitchyardError,
  sleep,
} from '../../src/index.js';
import { conditionsAt } from './phases.js';
import { lognormalFactor, streamOf } from './random.js';
import type { ProviderConditions, ProviderExpectation, SimulatedProviderSpec } from './types.js';

/** The provider name of every simulated adapter (the key of its `providerOptions`). */
export const SIMULATED_PROVIDER = 'simulated';

/** Default 503/429 answer time in ms. */
const DEFAULT_ERROR_LATENCY_MS = 20;
const DEFAULT_SIGMA = 0.25;
const RPM_WINDOW_MS = 60_000;

/** One call (attempt) a simulated provider received. */
export interface SimulatedCall {
  /** Provider id. */
  readonly provider: string;
  /** Simulated time at which it started. */
  readonly startedAt: number;
  readonly stream: boolean;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Calls in flight on the provider when it started (this one excluded). */
  readonly inFlightBefore: number;
  /** Prompt tokens read from the provider's prompt cache (providers with a `promptCache` only). */
  readonly cachedInputTokens: number;
  /** How it ended, once it has: `ok`, or an error kind (`server`, `rate_limited`, `timeout`, `aborted`…). */
  outcome?: 'ok' | string;
  /** Simulated time at which it ended. */
  endedAt?: number;
}

/** Options of a {@link SimulatedProvider}. */
export interface SimulatedProviderOptions {
  /** Noise and failure draws. @default a stream seeded from the provider id */
  readonly random?: RandomSource;
  /** Clock of the price schedule, until the first call brings the router's. @default none (time 0) */
  readonly clock?: Clock;
  /** Called when a call starts (the lab's attempt log). */
  readonly onCall?: (call: SimulatedCall) => void;
}

/** The planned outcome of one call, drawn when it starts. */
type Plan =
  | { readonly fail: false; readonly firstTokenMs: number; readonly totalMs: number }
  | { readonly fail: true; readonly afterMs: number; readonly error: SwitchyardError };

const CAPABILITIES: AdapterCapabilities = { streaming: true, tools: true, json: 'schema', images: true };

/**
 * An {@link Adapter} whose latency, failures and prices follow a declarative
 * {@link SimulatedProviderSpec}. It waits on the router's clock (a `VirtualClock` in the lab),
 * honours the abort signal, reports usage and fails with the errors a real provider sends
 * (fast 503s, 429 with Retry-After over its RPM limit).
 *
 * The prompt size is read from the prompt text (4 characters per token, like
 * `estimateInputTokens`); the output size from `providerOptions.simulated.outputTokens`, else
 * `maxOutputTokens`, else 256.
 *
 * @example
 * ```ts
 * const fast = new SimulatedProvider({
 *   id: 'fast',
 *   latency: { ttftMs: 200, prefillTokensPerSec: 20_000, decodeTokensPerSec: 150 },
 *   failure: { errorRate: 0.01, rpmLimit: 600 },
 *   price: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
 * }, { random: createSeededRandom(1) });
 * new Router({ targets: [{ id: 'fast', adapter: fast, model: 'fast' }], clock });
 * ```
 */
export class SimulatedProvider implements Adapter {
  readonly provider = SIMULATED_PROVIDER;
  readonly capabilities: AdapterCapabilities;
  readonly spec: SimulatedProviderSpec;
  /** Every call received, in start order. */
  readonly calls: SimulatedCall[] = [];
  /** Calls in flight right now. */
  inFlight = 0;
  readonly #random: RandomSource;
  readonly #onCall: ((call: SimulatedCall) => void) | undefined;
  #clock: Clock | undefined;
  /** Start times of accepted calls within the last minute (oldest first, from `#rpmHead`). */
  readonly #accepted: number[] = [];
  #rpmHead = 0;
  readonly #livePrice: Price;
  /** Prompt cache: key → clock time of its last use (providers with a `promptCache` only). */
  readonly #cache = new Map<string, number>();

  constructor(spec: SimulatedProviderSpec, options: SimulatedProviderOptions = {}) {
    this.spec = spec;
    this.capabilities =
      spec.contextWindow === undefined
        ? CAPABILITIES
        : { ...CAPABILITIES, contextWindow: spec.contextWindow };
    this.#random = options.random ?? streamOf(0, `provider:${spec.id}`);
    this.#clock = options.clock;
    this.#onCall = options.onCall;
    // The router reads a target's price object at each cost computation, so getters that follow
    // the price schedule make a mid-run price change visible to the router and to strategies.
    const self = this;
    this.#livePrice = {
      get inputPerMTok() {
        return self.priceAt(self.#now()).inputPerMTok;
      },
      get outputPerMTok() {
        return self.priceAt(self.#now()).outputPerMTok;
      },
      get cachedInputPerMTok() {
        return self.priceAt(self.#now()).cachedInputPerMTok;
      },
    };
  }

  /** Target id. */
  get id(): string {
    return this.spec.id;
  }

  /** The live price: it follows the price phases of the spec. */
  priceFor(): Price {
    return this.#livePrice;
  }

  /** True parameters at simulated time `t`. */
  conditionsAt(t: number): ProviderConditions {
    return conditionsAt(this.spec, t);
  }

  /** Prices at simulated time `t`. */
  priceAt(t: number): Price {
    const factor = conditionsAt(this.spec, t).priceFactor;
    const base = this.spec.price;
    const cache = this.spec.promptCache;
    const cached =
      cache === undefined ? base.cachedInputPerMTok : base.inputPerMTok * (cache.cachedInputFactor ?? 0.1);
    if (factor === 1 && cached === base.cachedInputPerMTok) return base;
    return {
      inputPerMTok: base.inputPerMTok * factor,
      outputPerMTok: base.outputPerMTok * factor,
      ...(cached === undefined ? {} : { cachedInputPerMTok: cached * factor }),
    };
  }

  /**
   * What this provider would do with a call of this size at `now`, given its current load: the
   * noise-free latency, TTFT, failure probability and cost. The oracle routes on it.
   * @param asOf when to read the phases (speed, failure rate, state) and prices: `now` by default,
   * earlier for an oracle that learns of changes late; load and the RPM window are read at `now`.
   */
  expected(
    size: { readonly inputTokens: number; readonly outputTokens: number; readonly stream?: boolean },
    now: number,
    asOf = now,
  ): ProviderExpectation {
    const conditions = conditionsAt(this.spec, asOf);
    const { firstTokenMs, totalMs } = this.#meanLatency(
      size.inputTokens,
      size.outputTokens,
      conditions,
      this.inFlight,
      size.stream === true,
    );
    const failureProbability =
      conditions.state === 'outage' || this.#rpmRetryAfter(now) !== undefined ? 1 : conditions.errorRate;
    const price = this.priceAt(asOf);
    return {
      latencyMs: totalMs,
      ttftMs: firstTokenMs,
      failureProbability,
      failureLatencyMs: this.spec.failure?.errorLatencyMs ?? DEFAULT_ERROR_LATENCY_MS,
      costUsd: costOf(makeUsage(size.inputTokens, size.outputTokens), price),
    };
  }

  async complete(request: AdapterRequest, options: AdapterCallOptions): Promise<AdapterResponse> {
    const { call, plan } = this.#start(request, options, false);
    try {
      if (plan.fail) {
        await sleep(options.clock, plan.afterMs, options.signal);
        throw plan.error;
      }
      await sleep(options.clock, plan.totalMs, options.signal);
      call.outcome = 'ok';
      return this.#response(request, call);
    } catch (error) {
      throw this.#failed(call, error, options);
    } finally {
      this.#end(call, options.clock);
    }
  }

  async *stream(request: AdapterRequest, options: AdapterCallOptions): AsyncGenerator<AdapterStreamPart> {
    const { call, plan } = this.#start(request, options, true);
    try {
      if (plan.fail) {
        await sleep(options.clock, plan.afterMs, options.signal);
        throw plan.error;
      }
      await sleep(options.clock, plan.firstTokenMs, options.signal);
      yield { type: 'text-delta', delta: 'simulated ' };
      await sleep(options.clock, plan.totalMs - plan.firstTokenMs, options.signal);
      yield { type: 'text-delta', delta: 'answer' };
      call.outcome = 'ok';
      const response = this.#response(request, call);
      yield { type: 'finish', finishReason: 'stop', usage: response.usage };
    } catch (error) {
      throw this.#failed(call, error, options);
    } finally {
      if (call.outcome === undefined) call.outcome = 'aborted'; // the consumer stopped reading
      this.#end(call, options.clock);
    }
  }

  #now(): number {
    return this.#clock?.now() ?? 0;
  }

  #start(
    request: AdapterRequest,
    options: AdapterCallOptions,
    stream: boolean,
  ): { call: SimulatedCall; plan: Plan } {
    this.#clock = options.clock;
    if (options.signal.aborted) throw errorFromAbort(options.signal, options.target);
    const now = options.clock.now();
    const inputTokens = estimateInputTokens({ messages: request.messages, tools: request.tools });
    const outputTokens = outputTokensOf(request);
    const call: SimulatedCall = {
      provider: this.spec.id,
      startedAt: now,
      stream,
      inputTokens,
      outputTokens,
      inFlightBefore: this.inFlight,
      cachedInputTokens: this.#cacheRead(request, now, inputTokens),
    };
    this.calls.push(call);
    this.inFlight++;
    this.#onCall?.(call);
    return { call, plan: this.#plan(call, options.target, now) };
  }

  #plan(call: SimulatedCall, target: string, now: number): Plan {
    const conditions = conditionsAt(this.spec, now);
    const afterMs = this.spec.failure?.errorLatencyMs ?? DEFAULT_ERROR_LATENCY_MS;
    if (conditions.state === 'outage') {
      return {
        fail: true,
        afterMs,
        error: errorFromHttpStatus(503, { target, message: 'simulated outage' }),
      };
    }
    const retryAfterMs = this.#rpmRetryAfter(now);
    if (retryAfterMs !== undefined) {
      const error = new SwitchyardError(
        'rate_limited',
        `rate_limited from target '${target}' (HTTP 429): simulated requests-per-minute limit of ${this.spec.failure?.rpmLimit}`,
        { status: 429, retryAfterMs, target },
      );
      return { fail: true, afterMs, error };
    }
    this.#accept(now);
    // Always draw both numbers so that the stream of draws does not depend on the outcome.
    const failDraw = this.#random();
    const noise = lognormalFactor(this.#random, this.spec.latency.sigma ?? DEFAULT_SIGMA);
    if (failDraw < conditions.errorRate) {
      return {
        fail: true,
        afterMs,
        error: errorFromHttpStatus(503, { target, message: 'simulated overload' }),
      };
    }
    const mean = this.#meanLatency(
      call.inputTokens,
      call.outputTokens,
      conditions,
      call.inFlightBefore,
      call.stream,
    );
    return { fail: false, firstTokenMs: mean.firstTokenMs * noise, totalMs: mean.totalMs * noise };
  }

  /** Noise-free latency of a success with `others` calls in flight. */
  #meanLatency(
    inputTokens: number,
    outputTokens: number,
    conditions: ProviderConditions,
    others: number,
    stream: boolean,
  ): { firstTokenMs: number; totalMs: number } {
    const m = this.spec.latency;
    const load = (m.loadFactor ?? 0) + (stream ? (m.streamLoadFactor ?? 0) : 0);
    const long = m.longPrompt !== undefined && inputTokens > m.longPrompt.aboveInputTokens;
    const scale = conditions.latencyFactor * (1 + load * others) * (long ? m.longPrompt!.factor : 1);
    const first = m.ttftMs + (inputTokens * 1000) / m.prefillTokensPerSec;
    const decode = (outputTokens * 1000) / m.decodeTokensPerSec;
    return { firstTokenMs: first * scale, totalMs: (first + decode) * scale };
  }

  /** Retry-After in ms (whole seconds) when the RPM limit is reached at `now`, else undefined. */
  #rpmRetryAfter(now: number): number | undefined {
    const limit = this.spec.failure?.rpmLimit;
    if (limit === undefined) return undefined;
    const accepted = this.#accepted;
    while (this.#rpmHead < accepted.length && accepted[this.#rpmHead]! <= now - RPM_WINDOW_MS)
      this.#rpmHead++;
    if (this.#rpmHead > 1024 && this.#rpmHead * 2 > accepted.length) {
      accepted.splice(0, this.#rpmHead);
      this.#rpmHead = 0;
    }
    if (accepted.length - this.#rpmHead < limit) return undefined;
    const freeAt = accepted[this.#rpmHead]! + RPM_WINDOW_MS;
    return Math.max(1, Math.ceil((freeAt - now) / 1000)) * 1000;
  }

  /** Prefix tokens served from the prompt cache for this call (an entry used within the TTL). */
  #cacheRead(request: AdapterRequest, now: number, inputTokens: number): number {
    const cache = this.spec.promptCache;
    const key = request.providerOptions?.cacheKey;
    const prefix = request.providerOptions?.prefixTokens;
    if (cache === undefined || typeof key !== 'string' || typeof prefix !== 'number') return 0;
    const last = this.#cache.get(key);
    return last !== undefined && now - last <= cache.ttlMs ? Math.min(prefix, inputTokens) : 0;
  }

  /** A call that was served (re)writes its cache entry, at its start time. */
  #cacheWrite(request: AdapterRequest, call: SimulatedCall): void {
    const key = request.providerOptions?.cacheKey;
    if (this.spec.promptCache !== undefined && typeof key === 'string') {
      const last = this.#cache.get(key);
      if (last === undefined || call.startedAt > last) this.#cache.set(key, call.startedAt);
    }
  }

  #accept(now: number): void {
    if (this.spec.failure?.rpmLimit !== undefined) this.#accepted.push(now);
  }

  #response(request: AdapterRequest, call: SimulatedCall): AdapterResponse {
    this.#cacheWrite(request, call);
    return {
      content: [{ type: 'text', text: 'simulated answer' }],
      finishReason: 'stop',
      usage:
        call.cachedInputTokens > 0
          ? makeUsage(call.inputTokens, call.outputTokens, { cachedInputTokens: call.cachedInputTokens })
          : makeUsage(call.inputTokens, call.outputTokens),
      modelId: request.model,
    };
  }

  #failed(call: SimulatedCall, error: unknown, options: AdapterCallOptions): unknown {
    const result = options.signal.aborted ? errorFromAbort(options.signal, options.target) : error;
    call.outcome = isSwitchyardError(result) ? result.kind : 'server';
    return result;
  }

  #end(call: SimulatedCall, clock: Clock): void {
    if (call.endedAt !== undefined) return;
    call.endedAt = clock.now();
    this.inFlight--;
  }
}

/** Output tokens of a request: `providerOptions.outputTokens` (set by the lab), capped by `maxOutputTokens`. */
function outputTokensOf(request: AdapterRequest): number {
  const planned = request.providerOptions?.outputTokens;
  const max = request.maxOutputTokens;
  const wanted = typeof planned === 'number' && planned > 0 ? planned : (max ?? 256);
  return Math.max(1, Math.round(max === undefined ? wanted : Math.min(wanted, max)));
}
