/**
 * Sharing what an `intelligent` strategy learned with other instances (`Strategy.share` /
 * `Strategy.merge`). Internal to `strategies/`.
 *
 * The per-target models come from `predictors` and cannot in general be added together, so the
 * strategy also keeps a small summary of its own outcomes that can: per target, the weight of its
 * outcomes, of its failures, of its successes and the sum of their latency, all fading with
 * `staleHalfLifeMs` ({@link SharedEvidence}). `share` publishes that summary; `merge` keeps the
 * peers' (aged by their `ageMs`) beside it, and the scoring blends it into each prediction by
 * evidence: the failure probability with the peers' failure rate, the latency with the peers'
 * mean latency relative to this instance's own. The models themselves never change by a merge, so
 * `merge([])` leaves the strategy exactly as it would be alone.
 */
import type { JsonValue, PeerLearning } from '../src/index.js';
import { SNAPSHOT_VERSION, SnapshotReader } from './snapshot.js';

/** Summed fields per target: outcomes' weight, failures' weight, successes' weight, their latency (ms). */
const FIELDS = 4;
const W = 0;
const FAIL = 1;
const OK = 2;
const LATENCY = 3;
/** Evidence below this weight is neither shared nor blended. */
const MIN_WEIGHT = 1e-6;
/** The least weight a model's own prediction has in a blend (a model without data is a prior). */
const MODEL_WEIGHT = 1;
/** "Never" for the time since the last outcome: JSON has no Infinity. */
const NEVER_MS = 1e15;

/** The own and the peers' outcome summaries of every target of one `intelligent` strategy. */
export class SharedEvidence {
  readonly #ln2PerMs: number;
  readonly #ids: readonly string[];
  readonly #indexOf: ReadonlyMap<string, number>;
  /** Own sums, `FIELDS` per target, as of `#ownAt[t]`. */
  readonly #own: Float64Array;
  readonly #ownAt: Float64Array;
  /** Clock time of the last own outcome per target. */
  readonly #lastAt: Float64Array;
  /** The peers' sums as of `#peerAt`; undefined until a merge brings any. */
  #peer: Float64Array | undefined;
  #peerAt = 0;
  /** `#peerKeep`'s last answer, and the time it was for. */
  #keptAt = Number.NaN;
  #kept = 1;
  /** Per target, the latest clock time a peer had an outcome on it (`-Infinity`: never). */
  readonly peerSeenAt: Float64Array;

  constructor(ids: readonly string[], indexOf: ReadonlyMap<string, number>, ln2PerMs: number) {
    this.#ln2PerMs = ln2PerMs;
    this.#ids = ids;
    this.#indexOf = indexOf;
    this.#own = new Float64Array(ids.length * FIELDS);
    this.#ownAt = new Float64Array(ids.length);
    this.#lastAt = new Float64Array(ids.length).fill(Number.NEGATIVE_INFINITY);
    this.peerSeenAt = new Float64Array(ids.length).fill(Number.NEGATIVE_INFINITY);
  }

  /** Whether a merge brought any peer evidence (the scoring skips the blend otherwise). */
  get merged(): boolean {
    return this.#peer !== undefined;
  }

  #keep(elapsed: number): number {
    return elapsed > 0 ? Math.exp(-elapsed * this.#ln2PerMs) : 1;
  }

  /** Learns an own outcome of target `t` at `now` with `weight` (a stale failure counts less). */
  learn(t: number, now: number, ok: boolean, latencyMs: number, weight: number): void {
    const own = this.#own;
    const at = t * FIELDS;
    const keep = this.#keep(now - this.#ownAt[t]!);
    for (let k = at; k < at + FIELDS; k++) own[k] = own[k]! * keep;
    own[at + W] = own[at + W]! + weight;
    if (ok) {
      own[at + OK] = own[at + OK]! + weight;
      own[at + LATENCY] = own[at + LATENCY]! + weight * latencyMs;
    } else {
      own[at + FAIL] = own[at + FAIL]! + weight;
    }
    if (now > this.#ownAt[t]!) this.#ownAt[t] = now;
    if (now > this.#lastAt[t]!) this.#lastAt[t] = now;
  }

  /** Own field `k` of target `t`, aged to `now`. */
  #ownField(t: number, k: number, now: number): number {
    return this.#own[t * FIELDS + k]! * this.#keep(now - this.#ownAt[t]!);
  }

  /** The peers' ageing factor at `now` (one `exp` per pick, not per candidate and field). */
  #peerKeep(now: number): number {
    if (now !== this.#keptAt) {
      this.#keptAt = now;
      this.#kept = this.#keep(now - this.#peerAt);
    }
    return this.#kept;
  }

  /** Whether peers have outcomes of target `t` (so it can be scored without an own outcome). */
  peerKnows(t: number, now: number): boolean {
    const peer = this.#peer;
    return peer !== undefined && peer[t * FIELDS + W]! * this.#peerKeep(now) > MIN_WEIGHT;
  }

  /** The failure probability of target `t`: `model` (the model's) blended with the peers' failure rate. */
  failure(t: number, now: number, model: number): number {
    const peer = this.#peer;
    if (peer === undefined) return model;
    const keep = this.#peerKeep(now);
    const peerW = peer[t * FIELDS + W]! * keep;
    if (peerW <= MIN_WEIGHT) return model;
    const ownW = Math.max(MODEL_WEIGHT, this.#ownField(t, W, now));
    return (model * ownW + peer[t * FIELDS + FAIL]! * keep) / (ownW + peerW);
  }

  /**
   * The latency of target `t`: `model` (the model's prediction for this request) scaled by how the
   * peers' mean latency compares with the own one, by evidence; the peers' mean alone when this
   * instance has no latency of its own (`samples` 0).
   */
  latency(t: number, now: number, model: number, samples: number): number {
    const peer = this.#peer;
    if (peer === undefined) return model;
    const at = t * FIELDS;
    const peerOk = peer[at + OK]! * this.#peerKeep(now);
    if (peerOk <= MIN_WEIGHT) return model;
    const peerMean = peer[at + LATENCY]! / peer[at + OK]!;
    if (samples === 0) return peerMean;
    const own = this.#own;
    // A mean is a ratio of two sums aged alike: no ageing needed.
    const ownMean = own[at + OK]! > 0 ? own[at + LATENCY]! / own[at + OK]! : 0;
    if (!(ownMean > 0)) return model;
    const ownW = Math.max(MODEL_WEIGHT, this.#ownField(t, OK, now));
    return (model * (ownW + (peerOk * peerMean) / ownMean)) / (ownW + peerOk);
  }

  /**
   * The own summary aged to `now`: `{ version: 1, targets: { [id]: [weight, failures, successes,
   * latencySumMs, msSinceLastOutcome] } }` for targets with own evidence.
   */
  share(now: number): JsonValue {
    const targets: { [id: string]: JsonValue } = {};
    for (let t = 0; t < this.#ids.length; t++) {
      const w = this.#ownField(t, W, now);
      if (!(w > MIN_WEIGHT)) continue;
      const since = now - this.#lastAt[t]!;
      targets[this.#ids[t]!] = [
        w,
        this.#ownField(t, FAIL, now),
        this.#ownField(t, OK, now),
        this.#ownField(t, LATENCY, now),
        Number.isFinite(since) ? Math.max(0, since) : NEVER_MS,
      ];
    }
    return { version: SNAPSHOT_VERSION, targets };
  }

  /**
   * Replaces the peers' summaries with `peers` (each aged by its `ageMs`) as of `now`; peers of
   * another version and unknown ids are ignored. Nothing changes when it throws.
   * @throws {SwitchyardError} `config` naming `owner` and the field when a peer's state is malformed.
   */
  merge(owner: string, peers: readonly PeerLearning[], now: number): void {
    const read = new SnapshotReader(owner);
    const count = this.#ids.length;
    const incoming = new Float64Array(count * FIELDS);
    const seenAt = new Float64Array(count).fill(Number.NEGATIVE_INFINITY);
    let any = false;
    peers.forEach((peer, i) => {
      const path = `peers[${i}]`;
      const root = read.object(peer.state, `${path}.state`);
      if (root.version !== SNAPSHOT_VERSION) return;
      const ageMs = Math.max(0, peer.ageMs);
      const age = this.#keep(ageMs);
      for (const [id, value] of Object.entries(read.object(root.targets, `${path}.state.targets`))) {
        const values = read.numbers(
          value,
          `${path}.state.targets[${JSON.stringify(id)}]`,
          FIELDS + 1,
          'nonNegative',
        );
        const t = this.#indexOf.get(id);
        if (t === undefined) continue;
        for (let k = 0; k < FIELDS; k++)
          incoming[t * FIELDS + k] = incoming[t * FIELDS + k]! + values[k]! * age;
        seenAt[t] = Math.max(seenAt[t]!, now - ageMs - values[FIELDS]!);
        any = true;
      }
    });
    // Everything is read: from here on nothing throws.
    this.#peer = any ? incoming : undefined;
    this.#peerAt = now;
    this.#keptAt = Number.NaN;
    this.peerSeenAt.set(seenAt);
  }
}
