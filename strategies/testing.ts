/**
 * Fakes for testing a `Strategy` without a router: `TargetView`s with mutable counters, a
 * `StrategyInit`, a `PickContext`, an `AttemptOutcome` and a clock moved by hand. No network, no
 * timers; every random draw comes from a seeded source, so a test replays exactly.
 *
 * @example
 * ```ts
 * import { fakeContext, fakeInit, fakeOutcome, fakeTargets, ManualClock } from 'switchyard-llm/strategies';
 *
 * const targets = fakeTargets(2);
 * const clock = new ManualClock();
 * const strategy = myStrategy()(fakeInit(targets, { clock }));
 * strategy.observe?.(fakeOutcome(targets[0]!, { latencyMs: 900 }));
 * strategy.observe?.(fakeOutcome(targets[1]!, { latencyMs: 100 }));
 * clock.advance(1_000);
 * strategy.pick(targets, fakeContext({ now: clock.now() })).id; // 'b' for a latency-aware strategy
 * ```
 * @module
 */
import {
  type Adapter,
  type AttemptOutcome,
  type Clock,
  type CompletionRequest,
  createSeededRandom,
  type ErrorKind,
  type PickContext,
  type RandomSource,
  type StrategyInit,
  type TargetView,
  type TimerHandle,
} from '../src/index.js';

/**
 * A `TargetView` whose fields a test may change between picks (e.g. `inFlight`, `price`).
 *
 * @example
 * ```ts
 * const [a] = fakeTargets(1);
 * a.inFlight = 3; // the next pick sees three attempts in flight on `a`
 * ```
 */
export type FakeTarget = { -readonly [K in keyof TargetView]: TargetView[K] };

/** What a test cares about in a fake target; everything else gets a default. */
export interface FakeTargetSpec {
  /** Target id. @default a letter from the position: 'a', 'b', 'c', … */
  readonly id?: string;
  /** @default 1 */
  readonly weight?: number;
  /** @default the position */
  readonly priority?: number;
  /** Attempts in flight. @default 0 */
  readonly inFlight?: number;
  /** @default 'fake' */
  readonly provider?: string;
}

/** The request of {@link fakeContext} and {@link fakeOutcome} when none is given: one short user message. */
export const fakeRequest: CompletionRequest = Object.freeze({
  messages: Object.freeze([{ role: 'user', content: 'hi' }]),
}) as CompletionRequest;

function stubAdapter(provider: string): Adapter {
  const fail = (): never => {
    throw new Error('fake target: the adapter must not be called by a strategy');
  };
  return {
    provider,
    capabilities: { streaming: true, tools: true, json: 'schema', images: true },
    complete: fail,
    stream: fail,
  };
}

/**
 * Builds targets with `index === position`: pass a count for default targets, or one spec per
 * target. Their adapters throw if called (a strategy never calls them); model `model-<id>`, no
 * price, no context window.
 *
 * @example
 * ```ts
 * const [a, b] = fakeTargets([{ weight: 5 }, { weight: 1 }]);
 * const reordered = fakeTargets([{ id: 'b' }, { id: 'a' }]); // same ids, other indexes
 * ```
 */
export function fakeTargets(specs: number | readonly FakeTargetSpec[]): FakeTarget[] {
  const list: readonly FakeTargetSpec[] =
    typeof specs === 'number' ? Array.from({ length: specs }, () => ({})) : specs;
  return list.map((spec, index) => {
    const id = spec.id ?? String.fromCharCode(97 + index);
    const provider = spec.provider ?? 'fake';
    const adapter = stubAdapter(provider);
    const weight = spec.weight ?? 1;
    const priority = spec.priority ?? index;
    return {
      id,
      index,
      model: `model-${id}`,
      provider,
      weight,
      priority,
      inFlight: spec.inFlight ?? 0,
      price: undefined,
      contextWindow: undefined,
      capabilities: adapter.capabilities,
      config: { id, adapter, model: `model-${id}`, weight, priority },
    };
  });
}

/**
 * A clock a test moves by hand. Strategies only read it; its timers throw.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(1_000);
 * clock.advance(250);
 * clock.now(); // 1250
 * ```
 */
export class ManualClock implements Clock {
  /** Current time in ms; assign it or {@link advance} it. */
  time: number;

  /** @param start the initial time in ms. @default 0 */
  constructor(start = 0) {
    this.time = start;
  }

  /** The current time in ms. */
  now(): number {
    return this.time;
  }

  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.time += ms;
  }

  /** Not supported: throws. */
  setTimeout(): TimerHandle {
    throw new Error('ManualClock: timers are not supported');
  }

  /** Does nothing. */
  clearTimeout(): void {}
}

/**
 * A `StrategyInit` over `targets`, with a {@link ManualClock} at 0 and a random source seeded
 * with 1 unless given.
 *
 * @example
 * ```ts
 * const strategy = responseTime()(fakeInit(fakeTargets(3), { clock: new ManualClock(5_000) }));
 * ```
 */
export function fakeInit(
  targets: readonly TargetView[],
  options: { clock?: Clock; random?: RandomSource } = {},
): StrategyInit {
  return {
    targets,
    clock: options.clock ?? new ManualClock(),
    random: options.random ?? createSeededRandom(1),
  };
}

/** Options of {@link fakeContext}. */
export interface FakeContextOptions {
  /** Time of the pick. @default 0 */
  readonly now?: number;
  /** @default `createSeededRandom(42)` (a new source per call: pass one to draw a sequence) */
  readonly random?: RandomSource;
  /** @default 1 */
  readonly attempt?: number;
  /** @default unset */
  readonly maxAttempts?: number;
  /** @default {@link fakeRequest} */
  readonly request?: CompletionRequest;
  /** @default false */
  readonly stream?: boolean;
}

/**
 * A `PickContext` for `pick` and `describe`.
 *
 * @example
 * ```ts
 * const random = createSeededRandom(7);
 * for (let i = 0; i < 10; i++) strategy.pick(targets, fakeContext({ now: clock.now(), random }));
 * ```
 */
export function fakeContext(options: FakeContextOptions = {}): PickContext {
  return {
    request: options.request ?? fakeRequest,
    stream: options.stream ?? false,
    attempt: options.attempt ?? 1,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    now: options.now ?? 0,
    random: options.random ?? createSeededRandom(42),
  };
}

/** Options of {@link fakeOutcome}. */
export interface FakeOutcomeOptions {
  /** Duration of the attempt in ms. */
  readonly latencyMs: number;
  /** Makes the outcome a failure of this kind. */
  readonly errorKind?: ErrorKind;
  /** @default `errorKind === undefined` */
  readonly ok?: boolean;
  /** Clock time the attempt started at. @default 0 */
  readonly startedAt?: number;
  /** @default {@link fakeRequest} */
  readonly request?: CompletionRequest;
  /** @default false */
  readonly stream?: boolean;
}

/**
 * The outcome of one attempt on `target`, for `Strategy.observe`: a success unless
 * `errorKind` is given. Spread it to set other fields (`usage`, `ttftMs`, `inFlightAtStart`, …).
 *
 * @example
 * ```ts
 * strategy.observe?.(fakeOutcome(a, { latencyMs: 20, errorKind: 'server', startedAt: clock.now() }));
 * strategy.observe?.({ ...fakeOutcome(b, { latencyMs: 800 }), usage: makeUsage(100, 50) });
 * ```
 */
export function fakeOutcome(target: TargetView, options: FakeOutcomeOptions): AttemptOutcome {
  const ok = options.ok ?? options.errorKind === undefined;
  return {
    target,
    request: options.request ?? fakeRequest,
    stream: options.stream ?? false,
    ok,
    ...(options.errorKind === undefined ? {} : { errorKind: options.errorKind }),
    startedAt: options.startedAt ?? 0,
    latencyMs: options.latencyMs,
  };
}
