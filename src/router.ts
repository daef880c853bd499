import { AttemptOptions, adapterRequestFor, linkedController } from './adapter-call.js';
import { sleep, systemClock } from './clock.js';
import { countsAgainstHealth, fallsBack, isRetryableKind } from './errors/error-kind.js';
import { errorFromException } from './errors/http.js';
import { redactSecrets, sanitizeError } from './errors/redact.js';
import { isSwitchyardError, SwitchyardError } from './errors/switchyard-error.js';
import { type AttemptStartEvent, SafeEmitter } from './events.js';
import { costOf } from './pricing.js';
import { StrategyRegistry } from './registry.js';
import { fullJitterDelay, type ResolvedRetryOptions, resolveRetryOptions } from './reliability/backoff.js';
import { CallScope } from './reliability/call-scope.js';
import {
  CircuitBreaker,
  type ResolvedBreakerOptions,
  resolveBreakerOptions,
} from './reliability/circuit-breaker.js';
import { DeadlineQueue } from './reliability/deadline-queue.js';
import { rateWindow } from './reliability/rate-window.js';
import type { RouterOptions } from './router-options.js';
import { createRouterStream, type RouterStream, type RouterStreamController } from './router-stream.js';
import { MemoryStateStore, type StateStore } from './state/store.js';
import { StrategyResolver } from './strategy-resolver.js';
import { consumeStream } from './stream-attempt.js';
import { TargetRuntime } from './target-runtime.js';
import type { Clock, RandomSource } from './types/clock.js';
import type { CompletionRequest } from './types/request.js';
import type { AdapterResponse, AttemptRecord, CompletionResponse, Warning } from './types/response.js';
import type { AttemptOutcome, FirstTokenOutcome, PickContext, Strategy } from './types/strategy.js';
import type { TargetView } from './types/target.js';
import { textOf, toolCallsOf } from './util/content.js';
import { describeNeeds, needsOf, type RequestNeeds, servable } from './util/request-needs.js';
import { validateRequest, validateRouterOptions } from './validation/validate.js';

/** Health of one target, from {@link Router.health}. */
export interface TargetHealth {
  readonly id: string;
  /** `closed`: in rotation; `open`: ejected; `half-open`: cooled down, waiting for its probe. */
  readonly state: 'closed' | 'open' | 'half-open';
  readonly inFlight: number;
  readonly consecutiveFailures: number;
  /** Clock time until which the target is ejected (0 when closed). */
  readonly openUntil: number;
  /** Clock time before which the provider asked not to be called (0 when none). */
  readonly blockedUntil: number;
}

/** What {@link Router} `#choose` returns when the next attempt must wait. */
interface ChooseWait {
  readonly delayMs: number;
  /** Whether the wait is the provider's Retry-After (else a backoff or a recovery wait). */
  readonly fromRetryAfter: boolean;
}

/** Per-call state of the attempt loop. */
interface Call {
  readonly id: string;
  readonly request: CompletionRequest;
  readonly stream: boolean;
  readonly sink: RouterStreamController | undefined;
  readonly strategy: Strategy;
  readonly candidates: readonly TargetRuntime[];
  readonly scope: CallScope;
  readonly startedAt: number;
  readonly attempts: AttemptRecord[];
  readonly needs: RequestNeeds;
  /** Per target index: 1 failed with a retryable error, 2 failed for good (auth, not_found). */
  failed: Uint8Array | undefined;
  lastError: SwitchyardError | undefined;
  lastTarget: TargetRuntime | undefined;
  retries: number;
  /** Whether the current attempt is its target's half-open probe. */
  probe: boolean;
}

let routerCount = 0;
const NO_WARNINGS: readonly Warning[] = Object.freeze([]);

/**
 * Routes LLM calls across targets: a strategy picks the target of each attempt; retries,
 * fallback, circuit breaking, limits and the deadline keep every call bounded; typed events
 * report what happened.
 *
 * @example
 * ```ts
 * const router = new Router({ targets: [{ id: 'a', adapter, model: 'm' }], strategy: 'round-robin' });
 * const res = await router.complete({ messages: [{ role: 'user', content: 'hi' }] });
 * router.on('attempt:failure', (e) => console.warn(e.target, e.error.kind));
 * ```
 */
export class Router extends SafeEmitter {
  /** The global strategy registry; the `switchyard` entry registers the built-ins here. */
  static readonly strategies: StrategyRegistry = new StrategyRegistry();

  readonly #targets: readonly TargetRuntime[];
  readonly #groups = new Map<string, TargetRuntime[]>();
  readonly #strategies: StrategyResolver;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #retry: ResolvedRetryOptions;
  readonly #breakerOptions: ResolvedBreakerOptions | undefined;
  readonly #breaker: CircuitBreaker | undefined;
  readonly #timeoutMs: number;
  readonly #idleTimeoutMs: number;
  readonly #includeContent: boolean;
  readonly #validate: boolean;
  readonly #idPrefix: string;
  readonly #checkImages: boolean;
  readonly #checkContext: boolean;
  readonly #scratch: TargetRuntime[] = [];
  readonly #deadlines: DeadlineQueue;
  readonly #storeCommit: ((id: string, state: TargetRuntime['state']) => void) | undefined;
  #callCount = 0;
  #closed = false;

  /** @throws {SwitchyardError} `config` when an option is invalid (the message names the field). */
  constructor(options: RouterOptions) {
    super();
    validateRouterOptions(options);
    this.#clock = options.clock ?? systemClock;
    this.#deadlines = new DeadlineQueue(this.#clock);
    this.#random = options.random ?? Math.random;
    this.#retry = resolveRetryOptions(options.retry);
    this.#breakerOptions = options.breaker === false ? undefined : resolveBreakerOptions(options.breaker);
    this.#breaker = this.#breakerOptions ? new CircuitBreaker(this.#breakerOptions) : undefined;
    this.#timeoutMs = options.timeoutMs ?? 120_000;
    this.#idleTimeoutMs = options.streamIdleTimeoutMs ?? 0;
    this.#includeContent = options.includeContentInEvents ?? false;
    this.#validate = options.validateRequests ?? true;
    this.#idPrefix = `r${++routerCount}-`;
    const store: StateStore = options.store ?? new MemoryStateStore();
    this.#storeCommit = store.commit?.bind(store);
    this.#targets = options.targets.map((config, i) => new TargetRuntime(config, i, store.target(config.id)));
    for (const t of this.#targets) {
      for (const alias of new Set([t.model, ...(t.config.aliases ?? [])])) {
        const group = this.#groups.get(alias);
        if (group) group.push(t);
        else this.#groups.set(alias, [t]);
      }
    }
    this.#checkImages = this.#targets.some((t) => !t.capabilities.images);
    this.#checkContext = this.#targets.some((t) => t.contextWindow !== undefined);
    this.#strategies = new StrategyResolver(
      options.strategy ?? 'round-robin',
      options.strategies ?? Router.strategies,
      {
        targets: this.#targets,
        clock: this.#clock,
        random: this.#random,
      },
    );
  }

  /** The targets, as strategies see them, in configuration order. */
  get targets(): readonly TargetView[] {
    return this.#targets;
  }

  /** Name of the router's default strategy. */
  get strategyName(): string {
    return this.#strategies.default.name;
  }

  /**
   * Stops taking calls and releases what the adapters own (their connection pools), once the
   * calls in flight are done. Later calls reject with a `config` error. Idempotent.
   *
   * @example
   * ```ts
   * process.once('SIGTERM', () => void router.close());
   * ```
   */
  async close(): Promise<void> {
    this.#closed = true;
    const adapters = new Set(this.#targets.map((t) => t.adapter));
    await Promise.all([...adapters].map((adapter) => adapter.close?.()));
  }

  /** A snapshot of every target's health. */
  health(): TargetHealth[] {
    const now = this.#clock.now();
    return this.#targets.map((t) => {
      const b = t.state.breaker;
      const state = b.state === 'closed' ? 'closed' : now >= b.openUntil ? 'half-open' : 'open';
      return {
        id: t.id,
        state,
        inFlight: t.inFlight,
        consecutiveFailures: b.consecutiveFailures,
        openUntil: b.state === 'closed' ? 0 : b.openUntil,
        blockedUntil: t.state.blockedUntil > now ? t.state.blockedUntil : 0,
      };
    });
  }

  /**
   * Sends one call and resolves with the complete response.
   *
   * @throws {SwitchyardError} (as a rejection) `invalid_request` for bad input before any
   * network call; `aborted`, `timeout`, `no_target`, or the last upstream failure otherwise.
   */
  complete(request: CompletionRequest): Promise<CompletionResponse> {
    return this.#run(request, undefined);
  }

  /**
   * Sends one streaming call. Before the first content event a failure falls back like
   * {@link complete}; after it, the stream ends with a `stream_interrupted` error carrying the
   * partial text (it never restarts elsewhere, so output is never duplicated).
   */
  stream(request: CompletionRequest): RouterStream {
    let scope: CallScope | undefined;
    const controller = createRouterStream(() =>
      scope?.abort(
        new SwitchyardError('aborted', 'the stream consumer stopped reading', { retryable: false }),
      ),
    );
    this.#run(request, controller, (s) => {
      scope = s;
    }).then(controller.finish, controller.fail);
    return controller.stream;
  }

  async #run(
    request: CompletionRequest,
    sink: RouterStreamController | undefined,
    onScope?: (scope: CallScope) => void,
  ): Promise<CompletionResponse> {
    const id = this.#idPrefix + ++this.#callCount;
    const stream = sink !== undefined;
    const startedAt = this.#clock.now();
    let call: Call | undefined;
    try {
      if (this.#closed) throw new SwitchyardError('config', 'the router is closed', { retryable: false });
      if (this.#validate) validateRequest(request);
      if (request.signal?.aborted) {
        throw new SwitchyardError('aborted', 'the caller aborted the call before it started', {
          cause: request.signal.reason,
          retryable: false,
        });
      }
      const strategy =
        request.strategy === undefined ? this.#strategies.default : this.#strategies.named(request.strategy);
      const candidates = request.model === undefined ? this.#targets : this.#groups.get(request.model);
      if (candidates === undefined) {
        throw new SwitchyardError(
          'no_target',
          `no target serves model '${request.model}'; known models and aliases: ${[...this.#groups.keys()].join(', ')}`,
          { retryable: false },
        );
      }
      const scope = new CallScope(
        this.#clock,
        request.timeoutMs ?? this.#timeoutMs,
        request.signal,
        this.#deadlines,
      );
      onScope?.(scope);
      call = {
        id,
        request,
        stream,
        sink,
        strategy,
        candidates,
        scope,
        startedAt,
        attempts: [],
        needs: needsOf(request, stream, this.#checkImages, this.#checkContext),
        failed: undefined,
        lastError: undefined,
        lastTarget: undefined,
        retries: 0,
        probe: false,
      };
      if (this.has('request:start')) {
        this.emit('request:start', {
          requestId: id,
          stream,
          tags: request.tags,
          model: request.model,
          strategy: strategy.name,
          startedAt,
          messages: this.#includeContent ? request.messages : undefined,
        });
      }
      try {
        const response = await this.#attemptLoop(call);
        if (this.has('request:success')) {
          this.emit('request:success', {
            requestId: id,
            stream,
            tags: request.tags,
            target: response.target,
            model: response.model,
            latencyMs: response.latencyMs,
            attempts: response.attempts,
            usage: response.usage,
            finishReason: response.finishReason,
            costUsd: response.costUsd,
            text: this.#includeContent ? response.text : undefined,
          });
        }
        return response;
      } finally {
        scope.dispose();
      }
    } catch (thrown) {
      const error = isSwitchyardError(thrown) ? thrown : errorFromException(thrown);
      const attempts = call?.attempts ?? [];
      const final =
        error.attempts === attempts && error.requestId === id
          ? error
          : error.with({ attempts, requestId: id });
      if (this.has('request:failure')) {
        this.emit('request:failure', {
          requestId: id,
          stream,
          tags: request?.tags,
          error: final,
          latencyMs: this.#clock.now() - startedAt,
          attempts,
        });
      }
      throw final;
    }
  }

  async #attemptLoop(call: Call): Promise<CompletionResponse> {
    const max = this.#retry.maxAttempts;
    for (let attempt = 1; ; attempt++) {
      let choice = this.#choose(call, attempt, false);
      while (!(choice instanceof TargetRuntime)) {
        await this.#wait(call, attempt, choice.delayMs, choice.fromRetryAfter);
        choice = this.#choose(call, attempt, true); // the wait replaces the computed backoff
      }
      const target = choice;
      try {
        return await this.#attempt(call, target, attempt);
      } catch (thrown) {
        const error = thrown as SwitchyardError;
        call.lastError = error;
        call.lastTarget = target;
        if (!fallsBack(error.kind) || call.scope.aborted || attempt >= max) throw error;
        if (call.failed === undefined) call.failed = new Uint8Array(this.#targets.length);
        call.failed[target.index] = isRetryableKind(error.kind) ? 1 : 2;
      }
    }
  }

  /**
   * Picks the target of the next attempt, synchronously: an untried one when any is available
   * (a fallback); else an already-failed one after a backoff (a retry); else a wait for a
   * Retry-After block or, opt-in, for an ejected target to recover; else fails.
   */
  #choose(call: Call, attempt: number, waited: boolean): TargetRuntime | ChooseWait {
    const now = this.#clock.now();
    // Reused across calls: strategies must not keep the candidates array (see TargetView).
    const fresh = this.#scratch;
    fresh.length = 0;
    let retry: TargetRuntime[] | undefined;
    let wakeAt = Number.POSITIVE_INFINITY;
    let wakeFromRetryAfter = false;
    let servableCount = 0;
    for (const t of call.candidates) {
      const mark = call.failed === undefined ? 0 : call.failed[t.index]!;
      if (mark === 2 || !servable(t, call.needs)) continue;
      servableCount++;
      const readyAt = this.#readyAt(t, now);
      if (readyAt > now) {
        if (readyAt < wakeAt) {
          wakeAt = readyAt;
          wakeFromRetryAfter = t.state.blockedUntil === readyAt;
        }
        continue;
      }
      if (t.inFlight >= t.maxConcurrency) continue;
      if (mark === 0) fresh.push(t);
      else if (retry === undefined) retry = [t];
      else retry.push(t);
    }
    if (fresh.length > 0) return this.#pick(call, fresh, attempt, now, 'fallback');
    if (retry !== undefined) {
      if (waited) return this.#pick(call, retry, attempt, now, 'retry');
      return { delayMs: fullJitterDelay(++call.retries, this.#retry, this.#random), fromRetryAfter: false };
    }
    if (servableCount === 0 && attempt === 1) {
      throw new SwitchyardError(
        'no_target',
        `no target can serve this request (${describeNeeds(call.needs)})`,
        {
          retryable: false,
        },
      );
    }
    const canWait =
      wakeAt !== Number.POSITIVE_INFINITY &&
      (this.#breakerOptions?.waitForRecovery === true ||
        (wakeFromRetryAfter && wakeAt - now <= this.#retry.maxRetryAfterMs));
    if (canWait && wakeAt <= call.scope.deadline)
      return { delayMs: wakeAt - now, fromRetryAfter: wakeFromRetryAfter };
    if (call.lastError !== undefined) throw call.lastError;
    throw new SwitchyardError(
      'no_target',
      wakeAt === Number.POSITIVE_INFINITY
        ? 'no target is available: every candidate is at its concurrency limit'
        : `no target is available: every candidate is ejected, rate-limited or blocked for another ${Math.ceil(wakeAt - now)} ms`,
      { retryable: true, nextAvailableAt: wakeAt === Number.POSITIVE_INFINITY ? undefined : wakeAt },
    );
  }

  /** When the target can take an attempt again: now, or the end of its ejection, block or rate window. */
  #readyAt(t: TargetRuntime, now: number): number {
    let at = now;
    const state = t.state;
    if (state.blockedUntil > at) at = state.blockedUntil;
    if (this.#breaker !== undefined && this.#breaker.availability(state.breaker, now) === 'unavailable') {
      // An in-flight probe frees the target at an unknown time: treat it as "not now, no wake time".
      at = Math.max(at, state.breaker.probeInFlight ? Number.POSITIVE_INFINITY : state.breaker.openUntil);
    }
    if (t.requestsPerMinute > 0 && !rateWindow.available(state, t.requestsPerMinute, now)) {
      at = Math.max(at, rateWindow.nextFreeAt(state, now));
    }
    return at;
  }

  async #wait(call: Call, attempt: number, delayMs: number, fromRetryAfter: boolean): Promise<void> {
    const error = call.lastError;
    if (call.scope.deadline - this.#clock.now() <= delayMs) {
      // Waiting would run past the deadline: fail now with what we know.
      throw (
        error ??
        new SwitchyardError('timeout', 'no target becomes available before the deadline', { retryable: true })
      );
    }
    if (error !== undefined && this.has('retry')) {
      this.emit('retry', {
        requestId: call.id,
        stream: call.stream,
        tags: call.request.tags,
        attempt,
        delayMs,
        errorKind: error.kind,
        fromRetryAfter,
      });
    }
    await sleep(this.#clock, delayMs, call.scope.signal);
  }

  #pick(
    call: Call,
    pool: TargetRuntime[],
    attempt: number,
    now: number,
    why: 'fallback' | 'retry',
  ): TargetRuntime {
    const context: PickContext = {
      request: call.request,
      stream: call.stream,
      attempt,
      maxAttempts: this.#retry.maxAttempts,
      now,
      random: this.#random,
    };
    // Scores are taken before the pick: picking may change the strategy's state.
    const scores = this.has('route')
      ? (call.strategy.describe?.(pool, context) ?? pool.map((t) => ({ target: t.id, score: Number.NaN })))
      : undefined;
    const picked = pool.length === 1 ? pool[0]! : (call.strategy.pick(pool, context) as TargetRuntime);
    if (!pool.includes(picked)) {
      throw new SwitchyardError(
        'config',
        `strategy '${call.strategy.name}' returned a target that is not among the candidates`,
        {
          retryable: false,
        },
      );
    }
    if (scores !== undefined) {
      this.emit('route', {
        requestId: call.id,
        stream: call.stream,
        tags: call.request.tags,
        attempt,
        strategy: call.strategy.name,
        picked: picked.id,
        candidates: scores,
      });
    }
    // Claim the target in the same synchronous step as the pick, so that concurrent calls see
    // the in-flight count, the rate window and the half-open probe before they pick.
    call.probe = this.#breaker?.claimProbe(picked.state.breaker, now) ?? false;
    if (picked.requestsPerMinute > 0) rateWindow.acquire(picked.state, picked.requestsPerMinute, now);
    picked.inFlight++;
    if (
      why === 'fallback' &&
      call.lastTarget !== undefined &&
      call.lastError !== undefined &&
      this.has('fallback')
    ) {
      this.emit('fallback', {
        requestId: call.id,
        stream: call.stream,
        tags: call.request.tags,
        attempt,
        from: call.lastTarget.id,
        to: picked.id,
        errorKind: call.lastError.kind,
      });
    }
    return picked;
  }

  async #attempt(call: Call, target: TargetRuntime, attempt: number): Promise<CompletionResponse> {
    const startedAt = this.#clock.now();
    // #pick counted this attempt already.
    const inFlightAtStart = target.inFlight - 1;
    const state = target.state;
    const isProbe = call.probe;
    if (this.has('attempt:start')) {
      this.emit('attempt:start', attemptFields(call, target, attempt));
    }
    const adapterRequest = adapterRequestFor(target, call.request);
    const options = new AttemptOptions(call.scope, target.id, this.#clock);
    let result: AdapterResponse;
    let ttftMs: number | undefined;
    try {
      if (call.sink === undefined) {
        result = await call.scope.race(
          target.queue === undefined
            ? target.adapter.complete(adapterRequest, options)
            : target.run(() => target.adapter.complete(adapterRequest, options)),
        );
      } else {
        const sink = call.sink;
        // With an idle timeout, the attempt gets its own signal so that a stall aborts only it.
        const attemptAbort = this.#idleTimeoutMs > 0 ? linkedController(call.scope.signal) : undefined;
        const streamOptions = attemptAbort ? { ...options, signal: attemptAbort.controller.signal } : options;
        const streamed = await target
          .run(() =>
            consumeStream(target.adapter.stream(adapterRequest, streamOptions), {
              scope: call.scope,
              sink,
              clock: this.#clock,
              idleTimeoutMs: this.#idleTimeoutMs,
              onIdle: attemptAbort ? (reason) => attemptAbort.controller.abort(reason) : undefined,
              target: target.id,
              onFirstContent: (at) => {
                ttftMs = at - startedAt;
                tellFirstToken(call.strategy, { target, request: call.request, startedAt, ttftMs, attempt });
                if (this.has('stream:first-token')) {
                  this.emit('stream:first-token', {
                    requestId: call.id,
                    stream: true,
                    tags: call.request.tags,
                    attempt,
                    target: target.id,
                    ttftMs: at - call.startedAt,
                  });
                }
              },
            }),
          )
          .finally(() => attemptAbort?.unlink());
        result = streamed;
      }
    } catch (thrown) {
      target.inFlight--;
      const error = this.#toError(thrown, target, call.scope);
      this.#recordFailure(call, target, attempt, startedAt, inFlightAtStart, error, isProbe);
      throw error;
    }
    target.inFlight--;
    const now = this.#clock.now();
    const durationMs = now - startedAt;
    if (this.#breaker !== undefined) {
      const downMs = this.#breaker.onSuccess(state.breaker, now, isProbe);
      if (downMs >= 0) {
        this.#commit(target);
        if (this.has('target:restored')) this.emit('target:restored', { target: target.id, downMs });
      }
    }
    const costUsd = target.price === undefined ? undefined : costOf(result.usage, target.price);
    tellOutcome(call.strategy, {
      target,
      request: call.request,
      stream: call.stream,
      ok: true,
      startedAt,
      inFlightAtStart,
      attempt,
      maxAttempts: this.#retry.maxAttempts,
      latencyMs: durationMs,
      ttftMs,
      usage: result.usage,
      costUsd,
    });
    call.attempts.push({ attempt, target: target.id, outcome: 'success', durationMs });
    if (this.has('attempt:success')) {
      this.emit(
        'attempt:success',
        Object.assign(attemptFields(call, target, attempt), {
          durationMs,
          ttftMs,
          usage: result.usage,
          costUsd,
        }),
      );
    }
    const response: CompletionResponse = {
      text: textOf(result.content),
      content: result.content,
      toolCalls: toolCallsOf(result.content),
      finishReason: result.finishReason,
      rawFinishReason: result.rawFinishReason,
      usage: result.usage,
      requestId: call.id,
      target: target.id,
      model: result.modelId ?? target.model,
      attempts: call.attempts,
      latencyMs: now - call.startedAt,
      costUsd,
      responseId: result.responseId,
      warnings: result.warnings ?? NO_WARNINGS,
      providerMetadata: result.providerMetadata,
    };
    call.sink?.push({ type: 'finish', finishReason: response.finishReason, usage: response.usage, response });
    return response;
  }

  #recordFailure(
    call: Call,
    target: TargetRuntime,
    attempt: number,
    startedAt: number,
    inFlightAtStart: number,
    error: SwitchyardError,
    isProbe: boolean,
  ): void {
    const now = this.#clock.now();
    const durationMs = now - startedAt;
    const state = target.state;
    if (error.kind === 'rate_limited' && error.retryAfterMs !== undefined) {
      state.blockedUntil = Math.max(state.blockedUntil, now + error.retryAfterMs);
      this.#commit(target);
    }
    if (this.#breaker !== undefined) {
      if (countsAgainstHealth(error.kind)) {
        const ejection = this.#breaker.onFailure(state.breaker, now, isProbe);
        if (ejection !== undefined) {
          this.#commit(target);
          if (this.has('target:ejected'))
            this.emit('target:ejected', { target: target.id, errorKind: error.kind, ...ejection });
        }
      } else if (isProbe) {
        this.#breaker.releaseProbe(state.breaker);
      }
    }
    tellOutcome(call.strategy, {
      target,
      request: call.request,
      stream: call.stream,
      ok: false,
      errorKind: error.kind,
      startedAt,
      inFlightAtStart,
      attempt,
      maxAttempts: this.#retry.maxAttempts,
      latencyMs: durationMs,
    });
    call.attempts.push({ attempt, target: target.id, outcome: 'failure', errorKind: error.kind, durationMs });
    if (this.has('attempt:failure')) {
      const willRetry = fallsBack(error.kind) && !call.scope.aborted && attempt < this.#retry.maxAttempts;
      this.emit(
        'attempt:failure',
        Object.assign(attemptFields(call, target, attempt), { durationMs, error, willRetry }),
      );
    }
  }

  #commit(target: TargetRuntime): void {
    // The in-memory store shares the live object; a shared store persists it here.
    this.#storeCommit?.(target.id, target.state);
  }

  #toError(thrown: unknown, target: TargetRuntime, scope: CallScope): SwitchyardError {
    const reason = scope.reason;
    if (reason !== undefined && !(isSwitchyardError(thrown) && thrown.kind === 'stream_interrupted')) {
      // Whatever the adapter threw, an aborted scope means the caller's abort or the deadline.
      return reason.target === target.id ? reason : reason.with({ target: target.id });
    }
    const error = isSwitchyardError(thrown) ? thrown : errorFromException(thrown, { target: target.id });
    return error.target === undefined ? error.with({ target: target.id }) : error;
  }
}

// A learning hook that throws is a bug in the strategy, not a failure of the target: the call
// fails with a `config` error naming the strategy and the hook (a kind that is neither retried
// nor counted against the target's health).

/** Reports an attempt's outcome to the strategy. */
function tellOutcome(strategy: Strategy, outcome: AttemptOutcome): void {
  try {
    strategy.observe?.(outcome);
  } catch (thrown) {
    throw hookError(strategy, 'observe', thrown);
  }
}

/** Reports a streamed attempt's first token to the strategy. */
function tellFirstToken(strategy: Strategy, event: FirstTokenOutcome): void {
  try {
    strategy.observeFirstToken?.(event);
  } catch (thrown) {
    throw hookError(strategy, 'observeFirstToken', thrown);
  }
}

function hookError(strategy: Strategy, hook: string, thrown: unknown): SwitchyardError {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new SwitchyardError(
    'config',
    `strategy '${strategy.name}' threw in ${hook}: ${redactSecrets(message)}`,
    { retryable: false, cause: sanitizeError(thrown) },
  );
}

/** The fields every `attempt:*` event carries. */
function attemptFields(call: Call, target: TargetRuntime, attempt: number): AttemptStartEvent {
  return {
    requestId: call.id,
    stream: call.stream,
    tags: call.request.tags,
    attempt,
    target: target.id,
    model: target.model,
    provider: target.provider,
  };
}
