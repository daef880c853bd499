import { BudgetGate } from './budgets/budget-gate.js';
import { budgetGateFor, budgetIn, checkBudgetable } from './budgets/build.js';
import { AttemptLoop } from './call/attempt-loop.js';
import { AttemptRunner } from './call/attempt-runner.js';
import type { CallRuntime } from './call/call.js';
import { CallPipeline } from './call/call-pipeline.js';
import { resolveHedge } from './call/hedge-lane.js';
import { TargetGate } from './call/target-gate.js';
import { noQuotaError, TOKEN_WINDOW_MS, tokenQuotaId } from './call/token-quota.js';
import { systemClock } from './clock.js';
import { SwitchyardError } from './errors/switchyard-error.js';
import { RouterEmitter, type RouterEventName, type RouterEvents } from './events.js';
import { type StrategyRegistry, sharedStrategyRegistry } from './registry.js';
import { resolveRetryOptions } from './reliability/backoff.js';
import type { CallScope } from './reliability/call-scope.js';
import { resolveBreakerOptions } from './reliability/circuit-breaker.js';
import { DeadlineQueue } from './reliability/deadline-queue.js';
import { TargetLatency } from './reliability/latency-quantile.js';
import type { RouterOptions } from './router-options.js';
import { createRouterStream, type RouterStream } from './router-stream.js';
import { AffinityTable } from './routing/affinity.js';
import { RouteRules } from './routing/route-rules.js';
import {
  type LearningShare,
  mergeLearning,
  type PeerRouterLearning,
  shareLearning,
} from './state/learning.js';
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
import type { BudgetConfig, BudgetStatus } from './types/budget.js';
import type { Clock } from './types/clock.js';
import type { Middleware } from './types/middleware.js';
import type { CompletionRequest } from './types/request.js';
import type { CompletionResponse } from './types/response.js';
import type { JsonValue } from './types/strategy.js';
import type { TargetView } from './types/target.js';
import { validateBudget, validateRouterOptions } from './validation/validate.js';

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
  readonly #strategies: StrategyResolver;
  readonly #clock: Clock;
  readonly #pipeline: CallPipeline;
  readonly #store: StateStore;
  readonly #rt: CallRuntime;
  readonly #unwatchStore: (() => void) | undefined;

  /** @throws {SwitchyardError} `config` when an option is invalid (the message names the field). */
  constructor(options: RouterOptions) {
    validateRouterOptions(options);
    const clock = options.clock ?? systemClock;
    this.#clock = clock;
    const random = options.random ?? Math.random;
    const breaker = options.breaker === false ? undefined : resolveBreakerOptions(options.breaker);
    const store: StateStore = options.store ?? new MemoryStateStore();
    this.#store = store;
    this.#targets = options.targets.map((config, i) => {
      const state = store.target(config.id, { breaker, requestsPerMinute: config.requestsPerMinute ?? 0 });
      if (config.tokensPerMinute === undefined) return new TargetRuntime(config, i, state, clock);
      if (typeof store.quota !== 'function') throw noQuotaError(i);
      return new TargetRuntime(
        config,
        i,
        state,
        clock,
        store.quota(tokenQuotaId(config.id), TOKEN_WINDOW_MS),
      );
    });
    const groups = new Map<string, TargetRuntime[]>();
    for (const t of this.#targets) {
      for (const alias of new Set([t.model, ...(t.config.aliases ?? [])])) {
        const group = groups.get(alias);
        if (group) group.push(t);
        else groups.set(alias, [t]);
      }
    }
    this.#strategies = new StrategyResolver(
      options.strategy ?? 'round-robin',
      options.strategies ?? Router.strategies,
      {
        targets: this.#targets,
        clock,
        random,
      },
    );
    const rt: CallRuntime = {
      clock,
      random,
      retry: resolveRetryOptions(options.retry),
      waitForRecovery: breaker?.waitForRecovery ?? false,
      maxQueueWaitMs: options.queue?.maxWaitMs ?? 0,
      gate: new TargetGate(clock),
      events: this.#events,
      idleTimeoutMs: options.streamIdleTimeoutMs ?? 0,
      firstTokenTimeoutMs: options.firstTokenTimeoutMs ?? 0,
      interTokenTimeoutMs: options.interTokenTimeoutMs ?? 0,
      includeContent: options.includeContentInEvents ?? false,
      attemptMiddleware: [],
      attemptStreamMiddleware: [],
      targetCount: this.#targets.length,
      budgets: budgetGateFor(options.budgets, store, this.#targets, this.#events),
      affinity: options.affinity === undefined ? undefined : new AffinityTable(options.affinity),
      latencyPool: new TargetLatency(),
    };
    this.#rt = rt;
    // `'p95'` hedge delays are read from latencies that the targets learn from their successes.
    if (
      options.hedge?.delayMs === 'p95' ||
      options.routes?.some((r) => r.hedge && r.hedge.delayMs === 'p95')
    ) {
      for (const t of this.#targets) t.learnLatency(rt.latencyPool);
    }
    this.#unwatchStore = store.watch?.((e) => {
      if (e.type === 'degraded') this.#events.emit('store:degraded', { reason: e.reason, at: e.at });
      else this.#events.emit('store:restored', { downMs: e.downMs, at: e.at });
    });
    this.#pipeline = new CallPipeline({
      rt,
      loop: new AttemptLoop(rt, new AttemptRunner(rt)),
      targets: this.#targets,
      groups,
      strategies: this.#strategies,
      routes: options.routes?.length
        ? new RouteRules(options.routes, this.#targets, this.#strategies)
        : undefined,
      deadlines: new DeadlineQueue(clock),
      timeoutMs: options.timeoutMs ?? 120_000,
      validate: options.validateRequests ?? true,
      idPrefix: `r${++routerCount}-`,
      hedge: options.hedge === undefined ? undefined : resolveHedge(options.hedge),
    });
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
    this.#pipeline.use(middleware);
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
    this.#pipeline.closed = true;
    this.#unwatchStore?.();
    const adapters = new Set(this.#targets.map((t) => t.adapter));
    await Promise.all([...adapters].map((adapter) => adapter.close?.()));
  }

  /**
   * Spend of each budget in its current period (as the store last knew it: a shared store
   * answers from its local mirror). Empty when the router has no budgets.
   */
  budgets(): BudgetStatus[] {
    return this.#rt.budgets?.status(this.#clock.now()) ?? [];
  }

  /**
   * Adds a budget at run time, or replaces the one with the same id — e.g. when a gateway
   * creates or changes a virtual key. Its spend lives in the store under its id, so replacing
   * a budget (a new limit) keeps what was spent. Calls already past their first attempt keep
   * the budgets they started with.
   *
   * @throws {SwitchyardError} `config` when the budget is invalid (naming the field), the store
   *   cannot hold budgets, or a target has no price.
   * @example
   * ```ts
   * router.setBudget({ id: 'key:k_12', scope: { key: 'k_12' }, limitUsd: 20, period: 'month' });
   * ```
   */
  setBudget(config: BudgetConfig): void {
    validateBudget(config);
    checkBudgetable(this.#store, this.#targets, 'setBudget');
    const budget = budgetIn(config, this.#store);
    if (this.#rt.budgets === undefined) this.#rt.budgets = new BudgetGate([budget], this.#events);
    else this.#rt.budgets.set(budget);
  }

  /** Removes the budget with this id (its spend stays in the store); whether there was one. */
  removeBudget(id: string): boolean {
    return this.#rt.budgets?.remove(id) ?? false;
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
   * its targets: breakers, Retry-After blocks, rate windows, strategy state, counters, and each
   * budget's spend in its current period. It holds no keys, prompts or completions.
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
      counters: { calls: this.#pipeline.callCount },
      budgets: this.#rt.budgets?.snapshot(this.#clock.now()) ?? {},
    };
  }

  /**
   * What this router's strategies learned from their own outcomes (never what they merged), by
   * strategy name, for other instances' {@link mergeLearning}. Strategies without `share` are
   * left out. Cheap enough for a timer, not meant for the call path. See docs/redis.md.
   */
  shareLearning(): LearningShare {
    return shareLearning(this.#strategies.instances());
  }

  /**
   * Folds other instances' {@link shareLearning} into this router's strategies (those with
   * `merge`), weighted by evidence: the peers' previous contribution is replaced, this router's
   * own evidence kept. Never throws: a strategy whose merge fails is left as it was and its
   * `config` error returned (e.g. a malformed peer state).
   */
  mergeLearning(peers: readonly PeerRouterLearning[]): SwitchyardError[] {
    return mergeLearning(this.#strategies.instances(), peers);
  }

  /**
   * Brings back a {@link snapshot}: targets by id (unknown ids are ignored), strategies by name
   * (through their `restore`), counters, and budget spend by budget id when its period is still
   * the current one (spent + reserved then, as spent: the store's spend is raised to it, never
   * lowered). Awaits a state store that answers asynchronously.
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
    return this.#pipeline.run(request, undefined);
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
    this.#pipeline
      .run(request, controller, (s) => {
        scope = s;
      })
      .then(
        (response) => controller.finish(response),
        (error: unknown) => controller.fail(error),
      );
    return controller.stream;
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
    this.#pipeline.callCount = Math.max(this.#pipeline.callCount, snapshot.counters.calls);
    if (snapshot.budgets !== undefined && this.#rt.budgets !== undefined) {
      pending.push(...this.#rt.budgets.restore(snapshot.budgets, this.#clock.now()));
    }
    return pending;
  }
}
