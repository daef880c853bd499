/**
 * Builders of strategy inputs for tests: `TargetView`s with mutable counters, a `StrategyInit`,
 * a `PickContext`, an `AttemptOutcome` and a hand-driven clock. No network, no timers.
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
} from '../../src/index.js';

/** A `TargetView` whose fields a test may change (e.g. `inFlight`) between picks. */
export type FakeTarget = { -readonly [K in keyof TargetView]: TargetView[K] };

/** What a test cares about in a target; everything else gets a default. */
export interface FakeTargetSpec {
  /** @default a letter from the position: 'a', 'b', 'c', … */
  readonly id?: string;
  /** @default 1 */
  readonly weight?: number;
  /** @default the position */
  readonly priority?: number;
  /** @default 0 */
  readonly inFlight?: number;
  /** @default 'fake' */
  readonly provider?: string;
}

const request: CompletionRequest = { messages: [{ role: 'user', content: 'hi' }] };

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
 * Builds targets with `index === position`. Pass a count for default targets or specs.
 *
 * @example
 * ```ts
 * const [a, b] = fakeTargets([{ weight: 5 }, { weight: 1 }]);
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

/** A clock a test moves by hand. Strategies only read it; timers are not supported. */
export class ManualClock implements Clock {
  /** Current time in ms; assign or {@link advance} it. */
  time: number;

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.time += ms;
  }

  setTimeout(): TimerHandle {
    throw new Error('ManualClock: timers are not supported');
  }

  clearTimeout(): void {}
}

/** A `StrategyInit` over `targets` with a manual clock at 0 and a seeded random source. */
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

/** A `PickContext` at time `now` (default 0) with a seeded random source (default seed 42). */
export function fakeContext(
  options: { now?: number; random?: RandomSource; attempt?: number } = {},
): PickContext {
  return {
    request,
    stream: false,
    attempt: options.attempt ?? 1,
    now: options.now ?? 0,
    random: options.random ?? createSeededRandom(42),
  };
}

/** The outcome of one attempt on `target`: success unless `errorKind` is given. */
export function fakeOutcome(
  target: TargetView,
  options: { latencyMs: number; errorKind?: ErrorKind; ok?: boolean; startedAt?: number },
): AttemptOutcome {
  const ok = options.ok ?? options.errorKind === undefined;
  return {
    target,
    request,
    stream: false,
    ok,
    ...(options.errorKind === undefined ? {} : { errorKind: options.errorKind }),
    startedAt: options.startedAt ?? 0,
    latencyMs: options.latencyMs,
  };
}
