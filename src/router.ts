import { AttemptLoop } from './call/attempt-loop.js';
import { AttemptRunner } from './call/attempt-runner.js';
import type { Call, CallRuntime } from './call/call.js';
import { pumpStreamChain, runCallChain, transformRequest } from './call/call-middleware.js';
import { TargetGate } from './call/target-gate.js';
import { systemClock } from './clock.js';
import { redactSecrets, sanitizeError } from './errors/redact.js';
import { isSwitchyardError, SwitchyardError } from './errors/switchyard-error.js';
import { RouterEmitter, type RouterEventName, type RouterEvents } from './events.js';
import { type StrategyRegistry, sharedStrategyRegistry } from './registry.js';
import { resolveRetryOptions } from './reliability/backoff.js';
import { CallScope } from './reliability/call-scope.js';
import { resolveBreakerOptions } from './reliability/circuit-breaker.js';
import { DeadlineQueue } from './reliability/deadline-queue.js';
import type { RouterOptions } from './router-options.js';
import { createRouterStream, type RouterStream, type RouterStreamController } from './router-stream.js';
import { MemoryStateStore } from './state/memory-store.js';
import {
  parseRouterSnapshot,
  ROUTER_SNAPSHOT_FORMAT,
  ROUTER_SNAPSHOT_VERSION,
  type RouterSnapshot,
} from './state/router-snapshot.js';
import type { StateStore } from './state/store.js';
import { StrategyResolver } from './strategy-resolver.js';
import { TargetRuntime } from './target-runtime.js';
import type { Clock } from './types/clock.js';
import type { CallContext, Middleware } from './types/middleware.js';
import type { CompletionRequest } from './types/request.js';
import type { CompletionResponse } from './types/response.js';
import type { JsonValue } from './types/strategy.js';
import type { TargetView } from './types/target.js';
import { needsOf } from './util/request-needs.js';
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

let routerCount = 0;

/**
 * Routes LLM calls across targets: a strategy picks the target of each attempt; retries,
 * fallback, circuit breaking, limits and the deadline keep every call bounded; middleware wraps
 * calls and attempts; typed events report what happened.
 *
 * A call runs in one direction: middleware `transformRequest` → validation → `wrapCall` /
 * `wrapStream` → the attempt loop (choose and claim a target, wait when told to) → the attempt
 * runner (`wrapAttempt` → adapter → outcome bookkeeping).
 *
 * @example
 * ```ts
 * const router = new Router({ targets: [{ id: 'a', adapter, model: 'm' }], strategy: 'round-robin' });
 * const res = await router.complete({ messages: [{ role: 'user', content: 'hi' }] });
 * router.on('attempt:failure', (e) => console.warn(e.target, e.error.kind));
 * ```
 */
export class Router {
  /**
   * The global strategy registry; the `switchyard-llm` entry registers the built-ins here. One
   * registry per process, even when the ESM and the CJS builds are both loaded.
   */
  static readonly strategies: StrategyRegistry = sharedStrategyRegistry();

  readonly #events = new RouterEmitter();
  readonly #targets: readonly TargetRuntime[];
  readonly #groups = new Map<string, TargetRuntime[]>();
  readonly #strategies: StrategyResolver;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #validate: boolean;
  readonly #idPrefix: string;
  readonly #checkImages: boolean;
  readonly #checkContext: boolean;
  readonly #deadlines: DeadlineQueue;
  readonly #rt: CallRuntime;
  readonly #loop: AttemptLoop;
  readonly #middleware: Middleware[] = [];
  readonly #callMiddleware: Middleware[] = [];
  readonly #streamMiddleware: Middleware[] = [];
  #callCount = 0;
  #closed = false;

  /** @throws {SwitchyardError} `config` when an option is invalid (the message names the field). */
  constructor(options: RouterOptions) {
    validateRouterOptions(options);
    this.#clock = options.clock ?? systemClock;
    this.#deadlines = new DeadlineQueue(this.#clock);
    const random = options.random ?? Math.random;
    const breaker = options.breaker === false ? undefined : resolveBreakerOptions(options.breaker);
    this.#timeoutMs = options.timeoutMs ?? 120_000;
    this.#validate = options.validateRequests ?? true;
    this.#idPrefix = `r${++routerCount}-`;
    const store: StateStore = options.store ?? new MemoryStateStore();
    this.#targets = options.targets.map(
      (config, i) =>
        new TargetRuntime(
          config,
          i,
          store.target(config.id, { breaker, requestsPerMinute: config.requestsPerMinute ?? 0 }),
        ),
    );
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
        random,
      },
    );
    this.#rt = {
      clock: this.#clock,
      random,
      retry: resolveRetryOptions(options.retry),
      waitForRecovery: breaker?.waitForRecovery ?? false,
      maxQueueWaitMs: options.queue?.maxWaitMs ?? 0,
      gate: new TargetGate(this.#clock),
      events: this.#events,
      idleTimeoutMs: options.streamIdleTimeoutMs ?? 0,
      includeContent: options.includeContentInEvents ?? false,
      attemptMiddleware: [],
      attemptStreamMiddleware: [],
      targetCount: this.#targets.length,
    };
    this.#loop = new AttemptLoop(this.#rt, new AttemptRunner(this.#rt));
    for (const mw of options.middleware ?? []) this.use(mw);
    if (options.restore !== undefined) this.#restoreNow(parseRouterSnapshot(options.restore));
  }

  /** Listens to an event. See {@link RouterEvents}. */
  on<E extends RouterEventName>(event: E, listener: RouterEvents[E]): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Listens to the next occurrence of an event. */
  once<E extends RouterEventName>(event: E, listener: RouterEvents[E]): this {
    this.#events.once(event, listener);
    return this;
  }

  /** Stops listening: one listener, or every listener of the event when none is given. */
  off<E extends RouterEventName>(event: E, listener?: RouterEvents[E]): this {
    this.#events.off(event, listener);
    return this;
  }

  /** Number of listeners of an event. */
  listenerCount(event: RouterEventName): number {
    return this.#events.listenerCount(event);
  }

  /**
   * Adds a middleware inside those already registered (the first registered is the outermost).
   * @throws {SwitchyardError} `config` when it has no name or a hook that is not a function.
   */
  use(middleware: Middleware): this {
    checkMiddleware(middleware, this.#middleware.length);
    this.#middleware.push(middleware);
    if (middleware.wrapCall) this.#callMiddleware.push(middleware);
    if (middleware.wrapStream) this.#streamMiddleware.push(middleware);
    if (middleware.wrapAttempt) (this.#rt.attemptMiddleware as Middleware[]).push(middleware);
    if (middleware.wrapAttemptStream) (this.#rt.attemptStreamMiddleware as Middleware[]).push(middleware);
    return this;
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

  /** A picture of every target's health. */
  health(): TargetHealth[] {
    const now = this.#clock.now();
    return this.#targets.map((t) => {
      const s = t.state.read();
      const b = s.breaker;
      const state = b.state === 'closed' ? 'closed' : now >= b.openUntil ? 'half-open' : 'open';
      return {
        id: t.id,
        state,
        inFlight: t.inFlight,
        consecutiveFailures: b.consecutiveFailures,
        openUntil: b.state === 'closed' ? 0 : b.openUntil,
        blockedUntil: s.blockedUntil > now ? s.blockedUntil : 0,
      };
    });
  }

  /**
   * A versioned, JSON-serialisable picture of what the router has learned and what protects
   * its targets: breakers, Retry-After blocks, rate windows, strategy state, counters.
   *
   * @example
   * ```ts
   * writeFileSync('router.json', JSON.stringify(router.snapshot()));
   * const next = new Router({ ...options, restore: JSON.parse(readFileSync('router.json', 'utf8')) });
   * ```
   */
  snapshot(): RouterSnapshot {
    const targets: Record<string, ReturnType<TargetRuntime['state']['read']>> = {};
    for (const t of this.#targets) targets[t.id] = t.state.read();
    const strategies: Record<string, JsonValue> = {};
    for (const strategy of this.#strategies.instances()) {
      const data = strategy.snapshot?.();
      if (data !== undefined) strategies[strategy.name] = data;
    }
    return {
      format: ROUTER_SNAPSHOT_FORMAT,
      version: ROUTER_SNAPSHOT_VERSION,
      takenAt: this.#clock.now(),
      targets,
      strategies,
      counters: { calls: this.#callCount },
    };
  }

  /**
   * Brings back a {@link snapshot}: targets by id (unknown ids are ignored), strategies by name
   * (through their `restore`), counters. Awaits a state store that answers asynchronously.
   * @throws {SwitchyardError} `config` (as a rejection) when the snapshot is malformed.
   */
  async restore(snapshot: RouterSnapshot): Promise<void> {
    await Promise.all(this.#restoreNow(parseRouterSnapshot(snapshot)));
  }

  /**
   * Sends one call and resolves with the complete response.
   *
   * @throws {SwitchyardError} (as a rejection) `invalid_request` for bad input before any
   * network call; `aborted`, `timeout`, `no_target`, `config` (a middleware or strategy bug),
   * or the last upstream failure otherwise.
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
    input: CompletionRequest,
    sink: RouterStreamController | undefined,
    onScope?: (scope: CallScope) => void,
  ): Promise<CompletionResponse> {
    const id = this.#idPrefix + ++this.#callCount;
    const stream = sink !== undefined;
    const startedAt = this.#clock.now();
    const events = this.#events;
    let request = input;
    let call: Call | undefined;
    let scope: CallScope | undefined;
    try {
      if (this.#closed) throw new SwitchyardError('config', 'the router is closed', { retryable: false });
      const signal = readField(input, 'signal') as AbortSignal | undefined;
      if (signal !== undefined && !(signal instanceof AbortSignal)) {
        throw new SwitchyardError('invalid_request', 'invalid request: signal: expected an AbortSignal', {
          retryable: false,
        });
      }
      if (signal?.aborted) {
        throw new SwitchyardError('aborted', 'the caller aborted the call before it started', {
          cause: signal.reason,
          retryable: false,
        });
      }
      scope = new CallScope(
        this.#clock,
        (readField(input, 'timeoutMs') as number | undefined) ?? this.#timeoutMs,
        signal,
        this.#deadlines,
      );
      onScope?.(scope);
      let context: CallContext | undefined;
      if (this.#middleware.length > 0) {
        context = {
          requestId: id,
          request,
          stream,
          signal: scope.signal,
          deadline: scope.deadline,
          state: new Map(),
        };
        request = await transformRequest(this.#middleware, request, context);
      }
      call = this.#prepare(id, request, sink, scope, startedAt, context);
      if (events.has('request:start')) {
        events.emit('request:start', {
          requestId: id,
          stream,
          tags: request.tags,
          model: request.model,
          strategy: call.strategy.name,
          startedAt,
          messages: this.#rt.includeContent ? request.messages : undefined,
        });
      }
      const response = await this.#dispatch(call, sink);
      if (events.has('request:success')) {
        events.emit('request:success', {
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
          text: this.#rt.includeContent ? response.text : undefined,
        });
      }
      return response;
    } catch (thrown) {
      const error = isSwitchyardError(thrown) ? thrown : internalError(thrown);
      const attempts = call?.attempts ?? [];
      const final =
        error.attempts === attempts && error.requestId === id
          ? error
          : error.with({ attempts, requestId: id });
      if (events.has('request:failure')) {
        events.emit('request:failure', {
          requestId: id,
          stream,
          tags: tagsOf(request),
          error: final,
          latencyMs: this.#clock.now() - startedAt,
          attempts,
        });
      }
      throw final;
    } finally {
      scope?.dispose();
    }
  }

  /** Validates the request and builds the call; a request that cannot be read is `invalid_request`. */
  #prepare(
    id: string,
    request: CompletionRequest,
    sink: RouterStreamController | undefined,
    scope: CallScope,
    startedAt: number,
    context: CallContext | undefined,
  ): Call {
    const stream = sink !== undefined;
    try {
      if (this.#validate) validateRequest(request);
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
      const callContext = context === undefined ? undefined : { ...context, request };
      return {
        id,
        request,
        stream,
        sink: stream && this.#streamMiddleware.length > 0 ? createRouterStream(() => {}) : sink,
        strategy,
        candidates,
        scope,
        startedAt,
        attempts: [],
        needs: needsOf(request, stream, this.#checkImages, this.#checkContext),
        context: callContext,
        failed: undefined,
        lastError: undefined,
        lastTarget: undefined,
        retries: 0,
        queuedMs: 0,
      };
    } catch (thrown) {
      if (isSwitchyardError(thrown)) throw thrown;
      throw unreadableRequest(thrown);
    }
  }

  /** The call through the call-level middleware, then the attempt loop. */
  #dispatch(call: Call, sink: RouterStreamController | undefined): Promise<CompletionResponse> {
    if (!call.stream) {
      if (this.#callMiddleware.length === 0) return this.#loop.run(call);
      return runCallChain(this.#callMiddleware, call.context!, () => this.#loop.run(call));
    }
    if (this.#streamMiddleware.length === 0) return this.#loop.run(call);
    // The loop writes into the call's own stream; the middleware read it and the pump writes
    // what they yield into the caller's stream.
    const inner = call.sink!;
    return pumpStreamChain(
      this.#streamMiddleware,
      call.context!,
      () => {
        this.#loop.run(call).then(inner.finish, inner.fail);
        return inner.stream;
      },
      sink!,
    );
  }

  #restoreNow(snapshot: RouterSnapshot): PromiseLike<void>[] {
    const pending: PromiseLike<void>[] = [];
    for (const t of this.#targets) {
      const saved = snapshot.targets[t.id];
      if (saved === undefined) continue;
      const done = t.state.restore(saved);
      if (done !== undefined && typeof (done as PromiseLike<void>).then === 'function')
        pending.push(done as PromiseLike<void>);
    }
    for (const strategy of this.#strategies.instances()) {
      const saved = snapshot.strategies[strategy.name];
      if (saved !== undefined) strategy.restore?.(saved);
    }
    this.#callCount = Math.max(this.#callCount, snapshot.counters.calls);
    return pending;
  }
}

/** Reads one field of the caller's request; a getter that throws makes the request unreadable. */
function readField(request: CompletionRequest, field: 'signal' | 'timeoutMs'): unknown {
  try {
    return request[field];
  } catch (thrown) {
    throw unreadableRequest(thrown, `request.${field}`);
  }
}

function tagsOf(request: CompletionRequest): readonly string[] | undefined {
  try {
    return request?.tags;
  } catch {
    return undefined;
  }
}

function unreadableRequest(thrown: unknown, field = 'the request'): SwitchyardError {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new SwitchyardError('invalid_request', `${field} could not be read: ${redactSecrets(message)}`, {
    retryable: false,
    cause: sanitizeError(thrown),
  });
}

/** A non-typed exception that escaped the pipeline: a bug, reported as `config`, never retried. */
function internalError(thrown: unknown): SwitchyardError {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new SwitchyardError('config', `unexpected error in the router: ${redactSecrets(message)}`, {
    retryable: false,
    cause: sanitizeError(thrown),
  });
}

const HOOKS = ['transformRequest', 'wrapCall', 'wrapStream', 'wrapAttempt', 'wrapAttemptStream'] as const;

function checkMiddleware(middleware: Middleware, index: number): void {
  if (typeof middleware !== 'object' || middleware === null) {
    throw new SwitchyardError('config', `middleware[${index}]: expected an object with a name`, {
      retryable: false,
    });
  }
  if (typeof middleware.name !== 'string' || middleware.name === '') {
    throw new SwitchyardError('config', `middleware[${index}].name: expected a non-empty string`, {
      retryable: false,
    });
  }
  for (const hook of HOOKS) {
    const fn = middleware[hook];
    if (fn !== undefined && typeof fn !== 'function') {
      throw new SwitchyardError('config', `middleware '${middleware.name}'.${hook}: expected a function`, {
        retryable: false,
      });
    }
  }
}
