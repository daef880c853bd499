import type { ErrorKind } from '../errors/error-kind.js';
import type { Clock, RandomSource } from './clock.js';
import type { CompletionRequest } from './request.js';
import type { Usage } from './response.js';
import type { TargetView } from './target.js';

/** What a strategy knows about the call it picks for. */
export interface PickContext {
  /** The caller's request (read-only). */
  readonly request: CompletionRequest;
  /** Whether the call is a stream. */
  readonly stream: boolean;
  /** 1-based attempt number. */
  readonly attempt: number;
  /**
   * The router's `retry.maxAttempts`: when `attempt` equals it, a failure fails the call;
   * before that, the router falls back to another candidate. Set by the Router; may be missing
   * in contexts built elsewhere.
   */
  readonly maxAttempts?: number;
  /** Current time on the router's clock. */
  readonly now: number;
  /** The router's random source; use it instead of `Math.random` to stay deterministic. */
  readonly random: RandomSource;
}

/** The outcome of one attempt, reported to {@link Strategy.observe}. */
export interface AttemptOutcome {
  /** The target that ran the attempt. */
  readonly target: TargetView;
  /** The call's request. */
  readonly request: CompletionRequest;
  /** Whether the call is a stream. */
  readonly stream: boolean;
  /** Whether the attempt succeeded. */
  readonly ok: boolean;
  /** Error kind of a failed attempt. */
  readonly errorKind?: ErrorKind;
  /** Clock time at which the attempt started. */
  readonly startedAt: number;
  /**
   * Other attempts in flight on the target when this one started (the load it met). Set by the
   * Router; may be missing in outcomes built elsewhere.
   */
  readonly inFlightAtStart?: number;
  /** 1-based attempt number of the call. Set by the Router; may be missing in outcomes built elsewhere. */
  readonly attempt?: number;
  /**
   * The router's `retry.maxAttempts`: when `attempt` is below it, a failure of this attempt is
   * followed by a fallback, not a failed call. Set by the Router; may be missing elsewhere.
   */
  readonly maxAttempts?: number;
  /** Duration of the attempt in ms (to the last byte for streams). */
  readonly latencyMs: number;
  /** Time to the first content event in ms (streams only). */
  readonly ttftMs?: number;
  /** Usage of a successful attempt. */
  readonly usage?: Usage;
  /** Cost of a successful attempt in USD, when prices are known. */
  readonly costUsd?: number;
}

/**
 * The first content of a streamed attempt, reported to {@link Strategy.observeFirstToken} while
 * the attempt is still running: the earliest sign of how fast the target is now.
 */
export interface FirstTokenOutcome {
  /** The target that runs the attempt. */
  readonly target: TargetView;
  /** The call's request (the same object later given to {@link Strategy.observe}). */
  readonly request: CompletionRequest;
  /** Clock time at which the attempt started. */
  readonly startedAt: number;
  /** Time from the attempt's start to its first content event, in ms. */
  readonly ttftMs: number;
  /** 1-based attempt number of the call. */
  readonly attempt: number;
}

/** One candidate's score in a routing decision, for the `route` event. */
export interface CandidateScore {
  /** Target id. */
  readonly target: string;
  /** The strategy's score (its meaning is the strategy's: lower-is-better is noted in `note`). */
  readonly score: number;
  /** Why, in a few words. */
  readonly note?: string;
}

/**
 * Picks the target of each attempt among healthy candidates and may learn from outcomes.
 *
 * The router calls `pick` only with a non-empty list of candidates that are healthy, under
 * their limits and able to serve the request; `pick` must return one of them, synchronously.
 */
export interface Strategy {
  /** Name, as shown in events. */
  readonly name: string;
  /** Picks one of `candidates` (never empty). */
  pick(candidates: readonly TargetView[], context: PickContext): TargetView;
  /** Learns from the outcome of an attempt. */
  observe?(outcome: AttemptOutcome): void;
  /**
   * Learns from the first content of a streamed attempt, before its outcome: a stream that has
   * not started to answer long after it should have is news of a slowdown seconds before the
   * attempt ends. Called at most once per attempt, always before that attempt's `observe`.
   */
  observeFirstToken?(event: FirstTokenOutcome): void;
  /** Scores every candidate; called only when someone listens to the `route` event. */
  describe?(candidates: readonly TargetView[], context: PickContext): readonly CandidateScore[];
  /**
   * What the strategy has learned, as JSON-serialisable data keyed by target **id** (not index,
   * so that a snapshot survives a reordered or changed target list). `Router.snapshot()` stores
   * it under the strategy's name.
   */
  snapshot?(): JsonValue;
  /**
   * Replaces what the strategy has learned with what {@link snapshot} returned, possibly in
   * another process or after an upgrade: entries for targets this router does not have are
   * ignored; targets the snapshot does not name start fresh. Nothing changes when it throws.
   * @throws {SwitchyardError} `config` when `snapshot` is malformed (the message names the field).
   */
  restore?(snapshot: JsonValue): void;
  /**
   * What the strategy has learned from **its own** outcomes, for other instances of the same
   * router (other processes) to fold in with {@link merge}: JSON keyed by target id, aged to now.
   * It never includes what was merged from peers, so evidence does not echo between instances.
   * Optional, with `merge`: a strategy without them simply learns alone.
   */
  share?(): JsonValue;
  /**
   * Folds the latest {@link share} of each peer into what the strategy uses, weighted by evidence:
   * the peers' contribution from the previous `merge` is replaced, the strategy's own evidence is
   * kept (a merge never erases it). `merge([])` leaves only the strategy's own evidence. A peer's
   * state of another format version is ignored. Nothing changes when it throws.
   * @throws {SwitchyardError} `config` when a peer's state is malformed (the message names the field).
   */
  merge?(peers: readonly PeerLearning[]): void;
}

/** Another instance's learned state, as {@link Strategy.merge} receives it. */
export interface PeerLearning {
  /** What the peer's strategy of the same name returned from {@link Strategy.share}. */
  readonly state: JsonValue;
  /** How long ago (ms) the peer took it: the strategy ages it by this much. */
  readonly ageMs: number;
}

/** A JSON value (what `JSON.parse` returns): the form of every snapshot. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** What a strategy factory receives from the router that creates it. */
export interface StrategyInit {
  /** All targets of the router, in configuration order (`targets[i].index === i`). */
  readonly targets: readonly TargetView[];
  /** The router's clock. */
  readonly clock: Clock;
  /** The router's random source. */
  readonly random: RandomSource;
}

/** Creates a strategy for one router. Registered by name in a {@link StrategyRegistry}. */
export type StrategyFactory = (init: StrategyInit) => Strategy;
