import {
  type AttemptOutcome,
  type CandidateScore,
  type Clock,
  countsAgainstHealth,
  type JsonValue,
  type PeerLearning,
  type PickContext,
  type Strategy,
  type StrategyFactory,
  type StrategyInit,
  SwitchyardError,
  type TargetView,
} from '../src/index.js';
import { bestOfChoices, checkChoices, choicesScratch } from './choices.js';
import { encodeNumber, indexById, SNAPSHOT_VERSION, SnapshotReader, targetPath } from './snapshot.js';

/** Options of {@link responseTime}. */
export interface ResponseTimeOptions {
  /**
   * Time constant of the moving average in ms: after `decayMs` without news, a target's cost has
   * fallen to 1/e (37%) of its value, so a target that was slow once gets tried again.
   * @default 10_000
   */
  readonly decayMs?: number;
  /**
   * Latency recorded for a failed attempt when it failed faster than this, so that a target
   * that fails in 1 ms does not look fast.
   * @default 5_000
   */
  readonly failurePenaltyMs?: number;
  /**
   * Cost of a target that has no observation yet. The default, 0, makes new targets look
   * best, so each gets tried early. The first observation replaces it.
   * @default 0
   */
  readonly initialCostMs?: number;
  /**
   * How many distinct random candidates to compare per pick (Linkerd's power of two choices).
   * A value at or above the candidate count compares them all.
   * @default 2
   */
  readonly choices?: number;
}

/**
 * Latency-aware routing with a peak-EWMA cost per target, as Finagle and Linkerd do it.
 *
 * - A target's cost is a moving average of its latencies that decays toward 0 over time:
 *   `w = exp(-elapsed / decayMs)`, with `elapsed` the time since its last observation.
 * - A latency above the current (decayed) cost replaces it at once, so one slow response moves
 *   load away immediately; a latency below it blends in: `cost = current·w + latency·(1-w)`.
 * - Failures count as `max(latency, failurePenaltyMs)`; only kinds that say something about the
 *   target are observed (`invalid_request`, `aborted`, `no_target` and `config` are not).
 * - Load = cost × (in flight + 1). Each pick samples `choices` distinct candidates with the
 *   router's random source and takes the lowest load (ties: fewer in flight, higher weight,
 *   lower index).
 *
 * Streams are measured to their last byte (`latencyMs`).
 *
 * `snapshot()` keeps each observed target's cost and the clock time of its last observation (see
 * the method); `restore()` brings them back by target id.
 *
 * @example
 * ```ts
 * new Router({ targets, strategy: 'response-time' });
 * registry.register('latency', responseTime({ decayMs: 30_000, failurePenaltyMs: 10_000 }));
 * ```
 * @throws SwitchyardError `config` when an option is negative, not finite, or `choices` is not a
 * whole number >= 1.
 */
export function responseTime(options: ResponseTimeOptions = {}): StrategyFactory {
  const settings: Settings = {
    decayMs: checkMs('decayMs', options.decayMs ?? 10_000, false),
    failurePenaltyMs: checkMs('failurePenaltyMs', options.failurePenaltyMs ?? 5_000, true),
    initialCostMs: checkMs('initialCostMs', options.initialCostMs ?? 0, true),
    choices: checkChoices('responseTime', options.choices ?? 2),
  };
  return (init: StrategyInit): Strategy => new ResponseTime(settings, init);
}

interface Settings {
  readonly decayMs: number;
  readonly failurePenaltyMs: number;
  readonly initialCostMs: number;
  readonly choices: number;
}

function checkMs(field: string, value: number, zeroAllowed: boolean): number {
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    const expected = zeroAllowed ? 'a finite number of ms >= 0' : 'a finite number of ms > 0';
    throw new SwitchyardError('config', `responseTime: ${field}: expected ${expected}, got ${String(value)}`);
  }
  return value;
}

class ResponseTime implements Strategy {
  readonly name = 'response-time';
  readonly #settings: Settings;
  readonly #clock: Clock;
  readonly #scratch: Int32Array;
  /** Cost in ms at the time of the last observation, by target index. */
  readonly #cost: Float64Array;
  /** Clock time of the last observation, by target index. */
  readonly #stamp: Float64Array;
  /** 1 once a target has an observation; before that its cost is `initialCostMs`, undecayed. */
  readonly #observed: Uint8Array;
  readonly #ids: readonly string[];
  readonly #indexOf: ReadonlyMap<string, number>;
  /**
   * The worst cost peers reported per target (`merge`), as of `#peerAt`; undefined until a merge
   * brings any. The own costs above never change by a merge.
   */
  #peerCost: Float64Array | undefined;
  #peerAt = 0;
  /** Time of the pick in progress, read by {@link #loadOf}. */
  #now = 0;
  /** Made once so that `pick` passes the same function each time instead of a new closure. */
  readonly #loadOf = (target: TargetView): number =>
    this.#costAt(target.index, this.#now) * (target.inFlight + 1);

  constructor(settings: Settings, init: StrategyInit) {
    const n = init.targets.length;
    this.#settings = settings;
    this.#clock = init.clock;
    this.#scratch = choicesScratch(settings.choices, n);
    this.#cost = new Float64Array(n);
    this.#stamp = new Float64Array(n);
    this.#observed = new Uint8Array(n);
    this.#ids = init.targets.map((t) => t.id);
    this.#indexOf = indexById(init.targets);
  }

  pick(candidates: readonly TargetView[], context: PickContext): TargetView {
    this.#now = context.now;
    return bestOfChoices(candidates, this.#settings.choices, context.random, this.#scratch, this.#loadOf);
  }

  observe(outcome: AttemptOutcome): void {
    const i = outcome.target.index;
    let rtt = Math.max(0, outcome.latencyMs);
    if (!outcome.ok) {
      if (outcome.errorKind !== undefined && !countsAgainstHealth(outcome.errorKind)) return;
      rtt = Math.max(rtt, this.#settings.failurePenaltyMs);
    }
    const now = this.#clock.now();
    if (this.#observed[i] === 0) {
      this.#observed[i] = 1;
      this.#cost[i] = rtt;
    } else {
      const w = this.#weightAt(i, now);
      const current = this.#cost[i]! * w;
      // Peak sensitivity: worse news wins at once; better news only blends in.
      this.#cost[i] = rtt >= current ? rtt : current * w + rtt * (1 - w);
    }
    this.#stamp[i] = Math.max(this.#stamp[i]!, now);
  }

  /** Score = load: cost × (in flight + 1), in ms. Lower is better (among the sampled candidates). */
  describe(candidates: readonly TargetView[], context: PickContext): readonly CandidateScore[] {
    return candidates.map((c) => {
      const cost = this.#costAt(c.index, context.now);
      return {
        target: c.id,
        score: cost * (c.inFlight + 1),
        note: `cost ${cost.toFixed(1)} ms × (${c.inFlight} in flight + 1); lower is better`,
      };
    });
  }

  /**
   * What the strategy has learned: `{ version: 1, targets: { [id]: { costMs, at } } }`, one entry
   * per observed target: its cost in ms as of `at`, the clock time of its last observation
   * (absolute: restored on the router's clock, the cost decays from it). Targets without an
   * observation are left out (they are at `initialCostMs`). Options are not part of it.
   */
  snapshot(): JsonValue {
    const targets: [string, JsonValue][] = [];
    for (let i = 0; i < this.#ids.length; i++) {
      if (this.#observed[i] !== 1) continue;
      targets.push([
        this.#ids[i]!,
        { costMs: encodeNumber(this.#cost[i]!), at: encodeNumber(this.#stamp[i]!) },
      ]);
    }
    return { version: SNAPSHOT_VERSION, targets: Object.fromEntries(targets) };
  }

  /**
   * Replaces what the strategy has learned with a {@link snapshot}: entries for ids this router
   * does not have are ignored, targets without an entry start fresh. Nothing changes when it throws.
   * @throws {SwitchyardError} `config` when `snapshot` is malformed or of another version
   * (`response-time: snapshot.targets["a"].costMs: expected …`).
   */
  restore(snapshot: JsonValue): void {
    const read = new SnapshotReader(this.name);
    const root = read.root(snapshot);
    const entries = read.object(root.targets, 'snapshot.targets');
    const restored: { index: number; cost: number; at: number }[] = [];
    for (const [id, value] of Object.entries(entries)) {
      const path = targetPath(id);
      const entry = read.object(value, path);
      const cost = read.number(entry.costMs, `${path}.costMs`, 'nonNegative');
      const at = read.number(entry.at, `${path}.at`, 'finite');
      const index = this.#indexOf.get(id);
      if (index !== undefined) restored.push({ index, cost, at });
    }
    this.#cost.fill(0);
    this.#stamp.fill(0);
    this.#observed.fill(0);
    this.#peerCost = undefined;
    for (const { index, cost, at } of restored) {
      this.#cost[index] = cost;
      this.#stamp[index] = at;
      this.#observed[index] = 1;
    }
  }

  /**
   * What the strategy learned from its own outcomes, for other instances: `{ version: 1, targets:
   * { [id]: costMs } }`, each observed target's cost decayed to now.
   */
  share(): JsonValue {
    const now = this.#clock.now();
    const targets: { [id: string]: JsonValue } = {};
    for (let i = 0; i < this.#ids.length; i++) {
      if (this.#observed[i] === 1) targets[this.#ids[i]!] = this.#cost[i]! * this.#weightAt(i, now);
    }
    return { version: SNAPSHOT_VERSION, targets };
  }

  /**
   * Keeps the worst cost the peers report per target (each decayed by its `ageMs`, then with time
   * like the own costs): a target's cost is the larger of its own and the peers' — worse news wins
   * at once, as with the strategy's own outcomes. Replaces the previous merge; the own costs never
   * change by it. A peer of another version is ignored.
   * @throws {SwitchyardError} `config` when a peer's state is malformed (`response-time:
   * peers[0].state.targets["a"]: expected …`); nothing changes then.
   */
  merge(peers: readonly PeerLearning[]): void {
    const read = new SnapshotReader(this.name);
    const worst = new Float64Array(this.#ids.length);
    let any = false;
    peers.forEach((peer, p) => {
      const root = read.object(peer.state, `peers[${p}].state`);
      if (root.version !== SNAPSHOT_VERSION) return;
      const keep = Math.exp(-Math.max(0, peer.ageMs) / this.#settings.decayMs);
      for (const [id, value] of Object.entries(read.object(root.targets, `peers[${p}].state.targets`))) {
        const cost = read.number(value, `peers[${p}].state.targets[${JSON.stringify(id)}]`, 'nonNegative');
        const i = this.#indexOf.get(id);
        if (i === undefined || !(cost * keep > worst[i]!)) continue;
        worst[i] = cost * keep;
        any = true;
      }
    });
    this.#peerCost = any ? worst : undefined;
    this.#peerAt = this.#clock.now();
  }

  /** The target's cost at `now`: decayed toward 0 since its last observation; a peer's if worse. */
  #costAt(index: number, now: number): number {
    const own =
      this.#observed[index] !== 1
        ? this.#settings.initialCostMs
        : this.#cost[index]! * this.#weightAt(index, now);
    const peer = this.#peerCost;
    if (peer === undefined || peer[index] === 0) return own;
    const elapsed = now - this.#peerAt;
    const theirs = elapsed > 0 ? peer[index]! * Math.exp(-elapsed / this.#settings.decayMs) : peer[index]!;
    return Math.max(theirs, own);
  }

  /** Weight of the past at `now`: exp(-elapsed / decayMs), 1 when the clock has not moved. */
  #weightAt(index: number, now: number): number {
    const elapsed = now - this.#stamp[index]!;
    return elapsed > 0 ? Math.exp(-elapsed / this.#settings.decayMs) : 1;
  }
}
