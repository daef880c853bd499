import { redactSecrets, sanitizeError } from '../errors/redact.js';
import { isSwitchyardError, SwitchyardError } from '../errors/switchyard-error.js';
import { isAbortSignalLike } from '../reliability/abort-latch.js';
import { CallScope } from '../reliability/call-scope.js';
import type { DeadlineQueue } from '../reliability/deadline-queue.js';
import { createRouterStream, type RouterStreamController } from '../router-stream.js';
import type { RouteRules } from '../routing/route-rules.js';
import type { StrategyResolver } from '../strategy-resolver.js';
import type { TargetRuntime } from '../target-runtime.js';
import type { Middleware } from '../types/middleware.js';
import type { CompletionRequest } from '../types/request.js';
import type { CompletionResponse } from '../types/response.js';
import { needsOf } from '../util/request-needs.js';
import { estimateUsage } from '../util/usage.js';
import { validateMiddleware, validateRequest } from '../validation/validate.js';
import type { AttemptLoop } from './attempt-loop.js';
import type { Call, CallRuntime } from './call.js';
import { pumpStreamChain, runCallChain, transformRequest } from './call-middleware.js';
import { CallContextImpl } from './contexts.js';
import { firstHedgeDelay, type ResolvedHedge, resolveHedge } from './hedge-lane.js';

/** What a {@link CallPipeline} is built from: the router's targets, strategies and settings. */
export interface CallPipelineOptions {
  readonly rt: CallRuntime;
  readonly loop: AttemptLoop;
  readonly targets: readonly TargetRuntime[];
  readonly groups: ReadonlyMap<string, TargetRuntime[]>;
  readonly strategies: StrategyResolver;
  /** The router's conditional routes, when it has any. */
  readonly routes: RouteRules | undefined;
  readonly deadlines: DeadlineQueue;
  readonly timeoutMs: number;
  readonly validate: boolean;
  readonly idPrefix: string;
  /** The router's hedging (`RouterOptions.hedge`), when on. */
  readonly hedge: ResolvedHedge | undefined;
}

/**
 * One call from the caller's request to its response or typed error: request middleware,
 * validation, the call-level middleware, the attempt loop, and the `request:*` events around
 * all of it.
 */
export class CallPipeline {
  readonly #o: CallPipelineOptions;
  readonly #checkImages: boolean;
  readonly #checkContext: boolean;
  /** Every middleware, outermost first. */
  readonly middleware: Middleware[] = [];
  readonly #transformMiddleware: Middleware[] = [];
  readonly #callMiddleware: Middleware[] = [];
  readonly #streamMiddleware: Middleware[] = [];
  #callCount = 0;
  /** Set by `Router.close()`: later calls fail with `config`. */
  closed = false;

  constructor(options: CallPipelineOptions) {
    this.#o = options;
    this.#checkImages = options.targets.some((t) => !t.capabilities.images);
    this.#checkContext = options.targets.some((t) => t.contextWindow !== undefined);
  }

  /** Calls started so far (a counter that snapshots keep). */
  get callCount(): number {
    return this.#callCount;
  }

  set callCount(value: number) {
    this.#callCount = value;
  }

  /**
   * Adds a middleware inside those already registered.
   * @throws {SwitchyardError} `config` when it has no name or a hook that is not a function.
   */
  use(middleware: Middleware): void {
    validateMiddleware(middleware);
    this.middleware.push(middleware);
    if (middleware.transformRequest) this.#transformMiddleware.push(middleware);
    if (middleware.wrapCall) this.#callMiddleware.push(middleware);
    if (middleware.wrapStream) this.#streamMiddleware.push(middleware);
    if (middleware.wrapAttempt) (this.#o.rt.attemptMiddleware as Middleware[]).push(middleware);
    if (middleware.wrapAttemptStream) (this.#o.rt.attemptStreamMiddleware as Middleware[]).push(middleware);
  }

  async run(
    input: CompletionRequest,
    sink: RouterStreamController | undefined,
    onScope?: (scope: CallScope) => void,
  ): Promise<CompletionResponse> {
    const id = this.#o.idPrefix + ++this.#callCount;
    const stream = sink !== undefined;
    const startedAt = this.#o.rt.clock.now();
    const events = this.#o.rt.events;
    let request = input;
    let call: Call | undefined;
    let scope: CallScope | undefined;
    try {
      if (this.closed) throw new SwitchyardError('config', 'the router is closed', { retryable: false });
      const signal = readField(input, 'signal');
      if (signal !== undefined && !isAbortSignalLike(signal)) {
        throw new SwitchyardError(
          'invalid_request',
          'invalid request: signal: expected an AbortSignal or an AbortLatch',
          { retryable: false },
        );
      }
      if (signal?.aborted) {
        throw new SwitchyardError('aborted', 'the caller aborted the call before it started', {
          cause: signal.reason,
          retryable: false,
        });
      }
      scope = new CallScope(
        this.#o.rt.clock,
        (readField(input, 'timeoutMs') as number | undefined) ?? this.#o.timeoutMs,
        signal,
        this.#o.deadlines,
      );
      onScope?.(scope);
      let context: CallContextImpl | undefined;
      if (this.middleware.length > 0) {
        context = new CallContextImpl(id, request, stream, scope);
        if (this.#transformMiddleware.length > 0) {
          request = await transformRequest(this.#transformMiddleware, request, context);
        }
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
          messages: this.#o.rt.includeContent ? request.messages : undefined,
          metadata: request.metadata,
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
          estimatedUsage: response.usage.unknown ? estimateUsage(request, response) : undefined,
          text: this.#o.rt.includeContent ? response.text : undefined,
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
          latencyMs: this.#o.rt.clock.now() - startedAt,
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
    context: CallContextImpl | undefined,
  ): Call {
    const stream = sink !== undefined;
    try {
      if (this.#o.validate) validateRequest(request);
      let candidates = request.model === undefined ? this.#o.targets : this.#o.groups.get(request.model);
      if (candidates === undefined) {
        throw new SwitchyardError(
          'no_target',
          `no target serves model '${request.model}'; known models and aliases: ${[...this.#o.groups.keys()].join(', ')}`,
          { retryable: false },
        );
      }
      const route = this.#o.routes?.decide(request, stream, candidates);
      if (route !== undefined) candidates = route.candidates;
      const strategy =
        request.strategy !== undefined
          ? this.#o.strategies.named(request.strategy)
          : (route?.strategy ?? this.#o.strategies.default);
      const callContext =
        context === undefined || context.request === request ? context : context.withRequest(request);
      const hedge = this.#hedgeOf(request, route?.hedge, candidates, scope);
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
        rule: route?.rule,
        hedge,
        hedgesLeft: hedge === undefined ? 0 : hedge.maxHedges,
        hedgeCostUsd: 0,
      };
    } catch (thrown) {
      if (isSwitchyardError(thrown)) throw thrown;
      throw unreadableRequest(thrown);
    }
  }

  /**
   * The call's hedging: the request's, else its route's, else the router's; none with a single
   * candidate. A request's own hedge that cannot work is the caller's `invalid_request`.
   */
  #hedgeOf(
    request: CompletionRequest,
    fromRoute: ResolvedHedge | false | undefined,
    candidates: readonly TargetRuntime[],
    scope: CallScope,
  ): ResolvedHedge | undefined {
    const own = request.hedge;
    let hedge: ResolvedHedge | undefined;
    if (own !== undefined) {
      if (own === false) return undefined;
      hedge = resolveHedge(own);
      const timeoutMs = scope.deadline - this.#o.rt.clock.now();
      const delayMs = firstHedgeDelay(hedge);
      const field = hedge.delayMs === 'p95' ? 'initialDelayMs' : 'delayMs';
      if (delayMs >= timeoutMs) {
        throw new SwitchyardError(
          'invalid_request',
          `invalid request: hedge.${field}: ${delayMs} ms is not below the call's deadline (${timeoutMs} ms): no hedge could ever start`,
          { retryable: false },
        );
      }
      const maxAttempts = this.#o.rt.retry.maxAttempts;
      if (hedge.maxHedges >= maxAttempts) {
        throw new SwitchyardError(
          'invalid_request',
          `invalid request: hedge.maxHedges: ${hedge.maxHedges} hedge(s) need retry.maxAttempts ≥ ${hedge.maxHedges + 1} (each hedge is an attempt), but it is ${maxAttempts}`,
          { retryable: false },
        );
      }
      if (hedge.delayMs === 'p95') for (const t of candidates) t.learnLatency(this.#o.rt.latencyPool);
    } else {
      hedge = fromRoute === undefined ? this.#o.hedge : fromRoute || undefined;
    }
    return candidates.length < 2 ? undefined : hedge;
  }

  /** The call through the call-level middleware, then the attempt loop. */
  #dispatch(call: Call, sink: RouterStreamController | undefined): Promise<CompletionResponse> {
    if (!call.stream) {
      if (this.#callMiddleware.length === 0) return this.#o.loop.run(call);
      return runCallChain(this.#callMiddleware, call.context!, () => this.#o.loop.run(call));
    }
    if (this.#streamMiddleware.length === 0) return this.#o.loop.run(call);
    // The loop writes into the call's own stream; the middleware read it and the pump writes
    // what they yield into the caller's stream.
    const inner = call.sink!;
    return pumpStreamChain(
      this.#streamMiddleware,
      call.context!,
      () => {
        this.#o.loop.run(call).then(
          (response) => inner.finish(response),
          (error: unknown) => inner.fail(error),
        );
        return inner.stream;
      },
      sink!,
    );
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
