/**
 * A small simulated world for the snapshot tests of the learning strategies: four targets of
 * different speeds and failure rates, calls of four sizes (short and long prompts, with and
 * without an output cap, some streamed), attempts that overlap in time (so trackers and load
 * matter) and a slowdown of `a` halfway. Two worlds driven with the same seeds make the same
 * calls and see the same latencies, so a strategy restored from a snapshot can be compared pick
 * for pick with the one that wrote it.
 */
import {
  type AttemptOutcome,
  type CandidateScore,
  type CompletionRequest,
  createSeededRandom,
  type JsonValue,
  makeUsage,
  type RandomSource,
  type Strategy,
  type StrategyFactory,
  SwitchyardError,
} from '../../src/index.js';
import {
  type FakeTarget,
  fakeContext,
  fakeInit,
  fakeOutcome,
  fakeTargets,
  ManualClock,
} from '../../strategies/testing.js';

/** Ids of the world's targets, in the order candidates are offered. */
export const WORLD_IDS = ['a', 'b', 'c', 'd'] as const;

/** Latency (ms of a 1k-token prompt, 256-token answer), failure probability and price (input; output ×4) of each target. */
const PROFILE: Readonly<
  Record<string, { ms: number; failure: number; prefill: number; usdPerMTok: number }>
> = {
  a: { ms: 400, failure: 0.02, prefill: 1, usdPerMTok: 0.3 },
  b: { ms: 700, failure: 0.1, prefill: 0.2, usdPerMTok: 0.1 },
  c: { ms: 1_500, failure: 0, prefill: 0.5, usdPerMTok: 0.02 },
  d: { ms: 550, failure: 0.3, prefill: 2, usdPerMTok: 0.2 },
};

const text = (tokens: number) => 'x'.repeat(tokens * 4);
/** The four kinds of call, in turn. */
const CALLS: readonly { request: CompletionRequest; stream: boolean }[] = [
  { request: { messages: [{ role: 'user', content: text(200) }], maxOutputTokens: 256 }, stream: false },
  { request: { messages: [{ role: 'user', content: text(6_000) }], maxOutputTokens: 1_024 }, stream: true },
  { request: { messages: [{ role: 'user', content: text(900) }] }, stream: false },
  { request: { messages: [{ role: 'user', content: text(3_000) }], maxOutputTokens: 2_048 }, stream: true },
];

interface Pending {
  readonly target: FakeTarget;
  readonly outcome: AttemptOutcome;
  readonly endsAt: number;
}

/** One strategy in the world. */
/** Start of the world's clock (epoch ms, as on the system clock). */
const START = 1_700_000_000_000;

export class SnapshotWorld {
  readonly clock = new ManualClock(START);
  /** Targets in configuration order (`order`, which may differ from {@link WORLD_IDS}). */
  readonly targets: FakeTarget[];
  readonly strategy: Strategy;
  /** Targets in {@link WORLD_IDS} order: the candidates of every pick. */
  readonly candidates: FakeTarget[];
  #random: RandomSource = createSeededRandom(1);
  #noise: RandomSource = createSeededRandom(2);
  #pending: Pending[] = [];
  #step = 0;

  constructor(factory: StrategyFactory, order: readonly string[] = WORLD_IDS) {
    this.targets = fakeTargets(order.map((id) => ({ id })));
    for (const t of this.targets) {
      const usd = PROFILE[t.id]?.usdPerMTok ?? 0.1;
      t.price = { inputPerMTok: usd, outputPerMTok: 4 * usd };
    }
    this.strategy = factory(fakeInit(this.targets, { clock: this.clock }));
    this.candidates = WORLD_IDS.map((id) => this.targets.find((t) => t.id === id)!);
  }

  /** Restarts both random sources (picks and latencies) from these seeds, and the turn of calls. */
  reseed(seed: number): this {
    this.#random = createSeededRandom(seed);
    this.#noise = createSeededRandom(seed + 1_000);
    this.#step = 0;
    return this;
  }

  /** Makes `count` calls 150 ms apart (attempts overlap); returns the id picked for each. */
  run(count: number): string[] {
    const picked: string[] = [];
    for (let k = 0; k < count; k++) {
      this.#settle(this.clock.now());
      picked.push(this.#call());
      this.clock.advance(150);
    }
    return picked;
  }

  /** Lets every attempt in flight finish (moving the clock), so nothing is pending. */
  drain(): this {
    while (this.#pending.length > 0) {
      const next = Math.min(...this.#pending.map((p) => p.endsAt));
      if (next > this.clock.now()) this.clock.time = next;
      this.#settle(this.clock.now());
    }
    return this;
  }

  /** `describe` of every kind of call at the current time, as `[id, score, note]` rows. */
  describeAll(): [string, number, string | undefined][][] {
    return CALLS.map((call) =>
      (this.strategy.describe!(this.candidates, this.#context(call)) as CandidateScore[]).map((s) => [
        s.target,
        s.score,
        s.note,
      ]),
    );
  }

  /** A snapshot as it comes back from storage: through JSON. */
  storedSnapshot(): JsonValue {
    return JSON.parse(JSON.stringify(this.strategy.snapshot!()));
  }

  #context(call: { request: CompletionRequest; stream: boolean }) {
    return fakeContext({
      now: this.clock.now(),
      random: this.#random,
      request: call.request,
      stream: call.stream,
      maxAttempts: 2,
    });
  }

  #call(): string {
    // A new request object per call, as a caller makes them (trackers match attempts by request).
    const kind = CALLS[this.#step++ % CALLS.length]!;
    const call = { request: { ...kind.request }, stream: kind.stream };
    const target = this.strategy.pick(this.candidates, this.#context(call));
    const t = this.targets[target.index]!;
    const profile = PROFILE[t.id]!;
    const noise = this.#noise;
    const input = call.request.messages[0]!.content.length / 4;
    const output = Math.round((call.request.maxOutputTokens ?? 300) * (0.3 + 0.6 * noise()));
    // `a` slows down 4× after 40 s of the world's time.
    const slow = t.id === 'a' && this.clock.now() >= START + 40_000 ? 4 : 1;
    const ms =
      slow * (profile.ms * (0.5 + (profile.prefill * input) / 2_000 + output / 512)) * (0.8 + 0.4 * noise());
    const fails = noise() < profile.failure;
    const startedAt = this.clock.now();
    const latencyMs = fails ? Math.min(ms, 30 + 200 * noise()) : ms;
    const outcome: AttemptOutcome = {
      target: t,
      request: call.request,
      stream: call.stream,
      ok: !fails,
      ...(fails ? { errorKind: 'server' as const } : {}),
      startedAt,
      inFlightAtStart: t.inFlight,
      attempt: 1,
      maxAttempts: 2,
      latencyMs,
      ...(call.stream && !fails
        ? { ttftMs: latencyMs * (0.1 + 0.2 * profile.prefill * (input / 6_000)) }
        : {}),
      ...(fails ? {} : { usage: makeUsage(input, output) }),
    };
    t.inFlight++;
    this.#pending.push({ target: t, outcome, endsAt: startedAt + latencyMs });
    return t.id;
  }

  /** Reports every attempt that has ended by `now`, in the order they ended. */
  #settle(now: number): void {
    const due = this.#pending.filter((p) => p.endsAt <= now).sort((x, y) => x.endsAt - y.endsAt);
    if (due.length === 0) return;
    this.#pending = this.#pending.filter((p) => p.endsAt > now);
    for (const p of due) {
      p.target.inFlight--;
      const outcome = p.outcome;
      if (outcome.stream && outcome.ttftMs !== undefined) {
        this.strategy.observeFirstToken?.({
          target: p.target,
          request: outcome.request,
          startedAt: outcome.startedAt,
          ttftMs: outcome.ttftMs,
          attempt: 1,
        });
      }
      this.strategy.observe?.(outcome);
    }
  }
}

/**
 * A world of `factory` run for `steps` calls and drained, and a twin: a fresh strategy on targets
 * in `order` (reversed by default, so restoring by index would mix them up), at the same time,
 * restored from the first one's snapshot as it comes back from JSON. Both are then reseeded alike.
 */
export function twins(
  factory: StrategyFactory,
  steps: number,
  order: readonly string[] = [...WORLD_IDS].reverse(),
) {
  const original = new SnapshotWorld(factory).reseed(1);
  original.run(steps);
  original.drain();
  const twin = new SnapshotWorld(factory, order);
  twin.clock.time = original.clock.time;
  const snapshot = original.storedSnapshot();
  twin.strategy.restore!(snapshot);
  original.reseed(7);
  twin.reseed(7);
  return { original, twin, snapshot };
}

/** A stored snapshot read (or edited by hand) field by field. */
export type SnapshotJson = { [key: string]: any };

/**
 * A world of `factory` at `original`'s time, restored from `original`'s stored snapshot: for a
 * strategy configured differently from the one that wrote the snapshot.
 */
export function restoredWorld(factory: StrategyFactory, original: SnapshotWorld): SnapshotWorld {
  const world = new SnapshotWorld(factory);
  world.clock.time = original.clock.now();
  world.strategy.restore!(original.storedSnapshot());
  return world;
}

/**
 * `describe` of targets `a` and `e` by a strategy of `factory` that observed one call of `e` and
 * was then restored from the snapshot of a {@link twins} world (which knows `a` to `d`, not `e`).
 */
export function describedBesideNewTarget(factory: StrategyFactory): CandidateScore[] {
  const { original } = twins(factory, 150);
  const targets = fakeTargets([{ id: 'a' }, { id: 'e' }]);
  const clock = new ManualClock(original.clock.now());
  const strategy = factory(fakeInit(targets, { clock }));
  strategy.observe!(fakeOutcome(targets[1]!, { latencyMs: 300, startedAt: clock.now() }));
  strategy.restore!(original.storedSnapshot());
  return strategy.describe!(targets, fakeContext({ now: clock.now() })) as CandidateScore[];
}

/**
 * The `config` error message `strategy.restore` throws for a copy of `stored` with one field
 * broken by `edit`.
 */
export function restoreErrorOf(
  strategy: Strategy,
  stored: JsonValue,
  edit: (snapshot: SnapshotJson) => void,
): string {
  const copy: SnapshotJson = JSON.parse(JSON.stringify(stored));
  edit(copy);
  return configErrorOf(() => strategy.restore!(copy));
}

/** Expects `run` to throw a `config` SwitchyardError with exactly `message`. */
export function configErrorOf(run: () => void): string {
  try {
    run();
  } catch (error) {
    if (error instanceof SwitchyardError && error.kind === 'config') return error.message;
    throw error;
  }
  throw new Error('expected a config error, but nothing was thrown');
}
