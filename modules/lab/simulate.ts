import {
  type AffinityOptions,
  type AttemptRecord,
  type BreakerOptions,
  type Clock,
  type CompletionResponse,
  DEFAULT_UTILITY_WEIGHTS,
  type HedgeOptions,
  isSwitchyardError,
  isWeightedStrategyFactory,
  type ResolvedUtilityWeights,
  type RetryOptions,
  type RouteRule,
  Router,
  type Strategy,
  type StrategyFactory,
  type StrategyRegistry,
  SwitchyardError,
  sameUtilityWeights,
  type TargetConfig,
  type UtilityWeights,
} from '../../src/index.js';
import { VirtualClock } from '../../src/testing/index.js';
import {
  type AttemptEntry,
  type CallMetrics,
  type CallRecord,
  callMetrics,
  type DetectionMetrics,
  type DetectionOptions,
  detectionMetrics,
  labWeights,
} from './metrics.js';
import type { LabStrategy } from './oracle.js';
import { checkProviderSpec, conditionsAt, degradationEvents } from './phases.js';
import { type SimulatedCall, SimulatedProvider } from './provider.js';
import { streamOf } from './random.js';
import type { SimulatedProviderSpec, WorkloadSpec } from './types.js';
import { generateWorkload, requestOf } from './workload.js';

/** Router settings of a simulation (the rest is set by the lab: clock, random, targets). */
export interface SimulationRouterOptions {
  /** @default { maxAttempts: 3 } (router defaults for the rest) */
  readonly retry?: RetryOptions;
  /** @default the router's default breaker */
  readonly breaker?: BreakerOptions | false;
  /** Whole-call deadline. @default 60000 */
  readonly timeoutMs?: number;
  /** Stream idle timeout. @default off */
  readonly streamIdleTimeoutMs?: number;
  /** Where strategy names are looked up. @default Router.strategies */
  readonly strategies?: StrategyRegistry;
  /** Session affinity (see `RouterOptions.affinity`). @default off */
  readonly affinity?: AffinityOptions;
  /**
   * Hedged requests (see `RouterOptions.hedge`): a cancelled hedge's estimated cost is in the
   * call's `costUsd`, so the run's cost counts it. @default off
   */
  readonly hedge?: HedgeOptions;
  /** Conditional routes (see `RouterOptions.routes`), e.g. to hedge streams only. @default none */
  readonly routes?: readonly RouteRule[];
}

/** What to simulate. */
export interface SimulationOptions {
  /** The providers, one target each, in target order. */
  readonly providers: readonly SimulatedProviderSpec[];
  /** The calls. */
  readonly workload: WorkloadSpec;
  /**
   * The strategy: a registered name, a `Strategy`, a factory, or a {@link LabStrategy} such as
   * `oracle()`. @default 'round-robin'
   */
  readonly strategy?: string | Strategy | StrategyFactory | LabStrategy;
  /** Seed of every random stream of the run (workload, providers, router). @default 1 */
  readonly seed?: number;
  /** Router settings. */
  readonly router?: SimulationRouterOptions;
  /**
   * Utility weights of the run: the metrics score with them, and they are passed to the
   * strategy when it optimises a utility and was not given weights of its own: a
   * {@link LabStrategy} such as `oracle()`, or a {@link WeightedStrategyFactory} (`adaptive`,
   * `intelligent`), given as a factory or by its registered name. A strategy given other weights
   * explicitly is a `config` error (the metrics would judge it on a utility it does not
   * optimise). Partial weights take the defaults for the missing fields.
   * @default DEFAULT_UTILITY_WEIGHTS
   */
  readonly weights?: UtilityWeights;
  /** Parameters of the detection metrics. */
  readonly detection?: DetectionOptions;
  /**
   * Called with the router before the first call, e.g. to listen to its events, and the run's
   * virtual clock (the router's), e.g. for a recorder that stamps times.
   */
  readonly onRouter?: (router: Router, run: { readonly clock: Clock }) => void;
}

/** Per-provider figures of a run. */
export interface ProviderSummary {
  readonly id: string;
  /** Attempts it received. */
  readonly attempts: number;
  /** Its share of all attempts. */
  readonly share: number;
  /** Attempts that started while the router had it ejected (must be 0). */
  readonly attemptsWhileEjected: number;
  /** Time of its last attempt, simulated ms (−1 when none). */
  readonly lastAttemptAt: number;
  /**
   * Whether it was healthy at the end of the workload and still got no attempt in its last
   * quarter, although the router let strategies pick it (not ejected, no circuit-breaker probe
   * in flight, not blocked by a Retry-After) for at least half of that quarter.
   */
  readonly starved: boolean;
}

/** Everything a run produced. */
export interface SimulationResult {
  readonly seed: number;
  /** The strategy's name. */
  readonly strategy: string;
  /** Every call, in arrival order. */
  readonly calls: readonly CallRecord[];
  /** Every attempt that reached a provider, in start order. */
  readonly attempts: readonly AttemptEntry[];
  /** Latency, errors, cost, utility. */
  readonly metrics: CallMetrics;
  /** One entry per degraded or outage phase of the providers. */
  readonly detection: readonly DetectionMetrics[];
  /** Per provider, in target order. */
  readonly providers: readonly ProviderSummary[];
  /** Simulated time at which the last call settled. */
  readonly endMs: number;
}

function isLabStrategy(value: SimulationOptions['strategy']): value is LabStrategy {
  return typeof value === 'object' && value !== null && 'create' in value;
}

/**
 * Runs a workload through the real {@link Router} and a real strategy against simulated
 * providers, on a virtual clock: minutes of traffic in a fraction of a second, the same seed
 * giving the same records.
 *
 * @example
 * ```ts
 * import 'switchyard-llm'; // registers the built-in strategies
 * import { simulate } from 'switchyard-llm/lab';
 *
 * const result = await simulate({
 *   seed: 7,
 *   strategy: 'response-time',
 *   providers: [
 *     { id: 'fast', latency: { ttftMs: 300, prefillTokensPerSec: 10_000, decodeTokensPerSec: 120 },
 *       price: { inputPerMTok: 3, outputPerMTok: 15 } },
 *     { id: 'cheap', latency: { ttftMs: 800, prefillTokensPerSec: 4_000, decodeTokensPerSec: 50 },
 *       price: { inputPerMTok: 0.15, outputPerMTok: 0.6 }, phases: [{ from: 60_000, until: 120_000, state: 'outage' }] },
 *   ],
 *   workload: {
 *     durationMs: 180_000, ratePerSec: 5,
 *     inputTokens: { kind: 'lognormal', median: 800, sigma: 1 },
 *     outputTokens: { kind: 'lognormal', median: 200, sigma: 0.7, max: 2000 },
 *   },
 * });
 * console.log(result.metrics.p95Ms, result.metrics.errorRate, result.detection[0]?.secondsToReturn);
 * ```
 */
export async function simulate(options: SimulationOptions): Promise<SimulationResult> {
  const seed = options.seed ?? 1;
  const specs = options.providers;
  specs.forEach(checkProviderSpec);
  const weights = labWeights('simulate', options.weights);
  const clock = new VirtualClock(0);
  const indexOf = new Map(specs.map((s, i) => [s.id, i]));
  const attempts: AttemptEntry[] = [];
  const ejectedUntil = new Float64Array(specs.length);
  const whileEjected = new Int32Array(specs.length);
  const onCall = (call: SimulatedCall) => {
    const provider = indexOf.get(call.provider)!;
    attempts.push({ startedAt: call.startedAt, provider });
    if (call.startedAt < ejectedUntil[provider]!) whileEjected[provider]!++;
  };
  const providers = specs.map(
    (spec) => new SimulatedProvider(spec, { random: streamOf(seed, `provider:${spec.id}`), clock, onCall }),
  );
  const targets: TargetConfig[] = providers.map((adapter, i) => {
    const spec = specs[i]!;
    return {
      id: spec.id,
      adapter,
      model: spec.model ?? spec.id,
      weight: spec.weight,
      priority: spec.priority,
      contextWindow: spec.contextWindow,
    };
  });
  const r = options.router ?? {};
  const router = new Router({
    targets,
    strategy: strategyOf(options.strategy ?? 'round-robin', weights, r.strategies ?? Router.strategies, {
      providers,
      workload: options.workload,
    }),
    strategies: r.strategies,
    clock,
    random: streamOf(seed, 'router'),
    retry: { maxAttempts: 3, ...r.retry },
    breaker: r.breaker,
    timeoutMs: r.timeoutMs ?? 60_000,
    streamIdleTimeoutMs: r.streamIdleTimeoutMs,
    affinity: r.affinity,
    hedge: r.hedge,
    routes: r.routes,
    // The lab builds valid requests; validating 10⁴ long prompts would only cost time.
    validateRequests: false,
  });
  // When the router kept each target away from strategies (ejected, or blocked by a Retry-After).
  const unavailable: [number, number][][] = specs.map(() => []);
  const keepAway = (target: string, until: number) => {
    const i = indexOf.get(target);
    if (i !== undefined && until > clock.now()) unavailable[i]!.push([clock.now(), until]);
    return i;
  };
  // After its cooldown an ejected target is offered again, until one attempt (the breaker's
  // probe) is picked; from then until the probe settles it is kept away from strategies again.
  const open = new Uint8Array(specs.length);
  const probes = new Map<string, { index: number; from: number }>();
  const probeEnded = (e: { requestId: string; attempt: number }) => {
    if (probes.size === 0) return;
    const key = `${e.requestId}#${e.attempt}`;
    const probe = probes.get(key);
    if (probe === undefined) return;
    probes.delete(key);
    if (clock.now() > probe.from) unavailable[probe.index]!.push([probe.from, clock.now()]);
  };
  router.on('target:ejected', (e) => {
    const i = keepAway(e.target, e.until);
    if (i === undefined) return;
    ejectedUntil[i] = Math.max(ejectedUntil[i]!, e.until);
    open[i] = 1;
  });
  router.on('target:restored', (e) => {
    const i = indexOf.get(e.target);
    if (i !== undefined) open[i] = 0;
  });
  router.on('attempt:start', (e) => {
    const i = indexOf.get(e.target);
    if (i !== undefined && open[i] === 1 && clock.now() >= ejectedUntil[i]!) {
      probes.set(`${e.requestId}#${e.attempt}`, { index: i, from: clock.now() });
    }
  });
  router.on('attempt:success', probeEnded);
  router.on('attempt:failure', (e) => {
    probeEnded(e);
    if (e.error.kind === 'rate_limited' && e.error.retryAfterMs !== undefined) {
      keepAway(e.target, clock.now() + e.error.retryAfterMs);
    }
  });
  options.onRouter?.(router, { clock });

  const workload = generateWorkload(options.workload, streamOf(seed, 'workload'));
  const calls: CallRecord[] = new Array(workload.length);
  let pending = workload.length;
  let allSettled!: () => void;
  const done = new Promise<void>((resolve) => {
    allSettled = resolve;
  });
  if (pending === 0) allSettled();
  const tags = options.workload.tags;
  for (const call of workload) {
    clock.setTimeout(() => {
      const request = requestOf(call, tags);
      const response = call.stream ? router.stream(request).response : router.complete(request);
      const settle = (ok: boolean, value: CompletionResponse | unknown) => {
        const res = ok ? (value as CompletionResponse) : undefined;
        const error = ok ? undefined : isSwitchyardError(value) ? value : undefined;
        const tried: readonly AttemptRecord[] = res?.attempts ?? error?.attempts ?? [];
        calls[call.index] = {
          index: call.index,
          at: call.at,
          stream: call.stream,
          inputTokens: call.inputTokens,
          outputTokens: call.outputTokens,
          ok,
          errorKind: ok ? undefined : (error?.kind ?? 'server'),
          latencyMs: clock.now() - call.at,
          costUsd: res?.costUsd ?? 0,
          cachedInputTokens: res?.usage.cachedInputTokens ?? 0,
          target: res?.target ?? tried.at(-1)?.target,
          attempts: tried.length,
          firstAttemptOk: tried[0]?.outcome === 'success',
        };
        if (--pending === 0) allSettled();
      };
      response.then(
        (v) => settle(true, v),
        (e: unknown) => settle(false, e),
      );
    }, call.at);
  }
  await clock.run(done, options.workload.durationMs + 3_600_000);

  const endMs = clock.now();
  const events = degradationEvents(specs);
  const counts = new Int32Array(specs.length);
  const last = new Float64Array(specs.length).fill(-1);
  for (const a of attempts) {
    counts[a.provider]!++;
    last[a.provider] = a.startedAt;
  }
  const end = options.workload.durationMs;
  const lastQuarter = end * 0.75;
  const availableInLastQuarter = (i: number) =>
    end - lastQuarter - overlapMs(unavailable[i]!, lastQuarter, end);
  return {
    seed,
    strategy: router.strategyName,
    calls,
    attempts,
    metrics: callMetrics(calls, weights),
    detection: events.map((e) => detectionMetrics(attempts, e, options.detection)),
    providers: specs.map((s, i) => ({
      id: s.id,
      attempts: counts[i]!,
      share: attempts.length === 0 ? 0 : counts[i]! / attempts.length,
      attemptsWhileEjected: whileEjected[i]!,
      lastAttemptAt: last[i]!,
      starved:
        conditionsAt(s, end).state === 'healthy' &&
        last[i]! < lastQuarter &&
        availableInLastQuarter(i) >= (end - lastQuarter) / 2,
    })),
    endMs,
  };
}

/**
 * The strategy of a run, configured with the run's weights where it optimises a utility (see
 * {@link SimulationOptions.weights}).
 */
function strategyOf(
  spec: NonNullable<SimulationOptions['strategy']>,
  weights: ResolvedUtilityWeights,
  registry: StrategyRegistry,
  run: { providers: readonly SimulatedProvider[]; workload: WorkloadSpec },
): string | Strategy | StrategyFactory {
  if (isLabStrategy(spec)) {
    checkAgreement(spec.name, spec.weights, weights);
    return spec.create(run.providers, run.workload, weights);
  }
  const factory = typeof spec === 'string' ? registry.get(spec) : spec;
  if (!isWeightedStrategyFactory(factory)) return spec;
  const name = typeof spec === 'string' ? spec : 'the strategy factory';
  checkAgreement(name, factory.utilityWeights, weights);
  if (factory.utilityWeights !== undefined || sameUtilityWeights(weights, DEFAULT_UTILITY_WEIGHTS)) {
    return factory;
  }
  return factory.withUtilityWeights(weights);
}

/** Throws a `config` error when a strategy was given other weights than the run's. */
function checkAgreement(
  name: string,
  own: ResolvedUtilityWeights | undefined,
  run: ResolvedUtilityWeights,
): void {
  if (own === undefined || sameUtilityWeights(own, run)) return;
  throw new SwitchyardError(
    'config',
    `simulate: weights: ${name} optimises ${JSON.stringify(own)} but the run scores with ${JSON.stringify(run)}; pass the weights once, to simulate({ weights }), and leave them out of the strategy`,
  );
}

/** Length of the union of `intervals` within [from, to], in ms. */
function overlapMs(intervals: readonly (readonly [number, number])[], from: number, to: number): number {
  const clipped = intervals
    .map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let reach = from;
  for (const [a, b] of clipped) {
    if (b <= reach) continue;
    total += b - Math.max(a, reach);
    reach = b;
  }
  return total;
}
