/**
 * Sharing what an `adaptive` strategy learned with other instances (`Strategy.share` /
 * `Strategy.merge`). Internal to `strategies/`.
 *
 * The per-target sums (`n`, `rest`, `restSquares`, `speedN`, `ratio`, `ratioSquares`) are
 * evidence-weighted sums that age with time, so instances combine by adding them: a merge sets
 * the strategy's sums to its own plus the peers' (each aged by its `ageMs`). The peers' part is
 * kept beside them ({@link PeerSums}) and ages with every outcome exactly like the sums, so the
 * strategy's own evidence is always `sum − peer`: that is what `share` publishes (no echo between
 * instances) and what a later merge keeps. Band factors, trackers of attempts in flight, the
 * baselines and the priors stay local: they describe this instance's traffic.
 */
import type { JsonValue, PeerLearning } from '../src/index.js';
import type { AdaptiveState } from './adaptive-state.js';
import { encodeNumbers, SNAPSHOT_VERSION, SnapshotReader } from './snapshot.js';

/** Summed fields per target, in the order of a shared entry (a 7th: ms since its last outcome). */
const FIELDS = 6;
/** "Never" for the 7th field: JSON has no Infinity. */
const NEVER_MS = 1e15;
/** Fields that are weights or sums of squares: never below zero. */
const NON_NEGATIVE = [true, false, true, true, true, true] as const;
/** Own evidence below this weight is not shared. */
const MIN_WEIGHT = 1e-9;

/** The peers' part of an adaptive state's per-target sums, as of each target's `stamp`. */
export class PeerSums {
  /** `FIELDS` values per target: n, rest, restSquares, speedN, ratio, ratioSquares. */
  readonly values: Float64Array;

  constructor(targets: number) {
    this.values = new Float64Array(targets * FIELDS);
  }

  /** Ages target `t`'s part by `keep`, as `AdaptiveState.learn` ages the sums. */
  decay(t: number, keep: number): void {
    const v = this.values;
    const at = t * FIELDS;
    for (let k = at; k < at + FIELDS; k++) v[k] = v[k]! * keep;
  }
}

/** The six per-target sum arrays of `state`, in shared order. */
function sums(state: AdaptiveState): readonly Float64Array[] {
  return [state.n, state.rest, state.restSquares, state.speedN, state.ratio, state.ratioSquares];
}

/** Ageing factor of target `t`'s sums from its stamp to `now`. */
function keepTo(state: AdaptiveState, t: number, now: number): number {
  const elapsed = now - state.stamp[t]!;
  return elapsed > 0 ? Math.exp(-elapsed * state.settings.ln2PerMs) : 1;
}

/** Target `t`'s own evidence (sums less the peers' part), aged to `now`, into `out`. */
function ownOf(state: AdaptiveState, t: number, now: number, out: Float64Array): void {
  const keep = keepTo(state, t, now);
  const arrays = sums(state);
  const peer = state.peer?.values;
  for (let k = 0; k < FIELDS; k++) {
    const own = (arrays[k]![t]! - (peer === undefined ? 0 : peer[t * FIELDS + k]!)) * keep;
    out[k] = NON_NEGATIVE[k] && own < 0 ? 0 : own;
  }
}

/**
 * What `state` learned from its own outcomes, aged to `now`: `{ version: 1, targets: { [id]:
 * [n, rest, restSquares, speedN, ratio, ratioSquares, msSinceLastOutcome] } }` for targets with
 * own evidence.
 */
export function adaptiveShare(state: AdaptiveState, now: number): JsonValue {
  const own = new Float64Array(FIELDS);
  const targets: { [id: string]: JsonValue } = {};
  for (let t = 0; t < state.ids.length; t++) {
    ownOf(state, t, now, own);
    if (own[0]! > MIN_WEIGHT || own[3]! > MIN_WEIGHT) {
      const seenAgo = now - state.inFlight.lastOutcomeAt(t);
      targets[state.ids[t]!] = [
        ...encodeNumbers(own),
        Number.isFinite(seenAgo) ? Math.max(0, seenAgo) : NEVER_MS,
      ];
    }
  }
  return { version: SNAPSHOT_VERSION, targets };
}

/**
 * Sets `state`'s sums to its own evidence plus the peers' (each aged by its `ageMs`), as of `now`.
 * Peers of another version are ignored, and so are target ids this router does not have.
 * Nothing changes when it throws.
 * @throws {SwitchyardError} `config` naming `owner` and the field when a peer's state is malformed.
 */
export function mergeAdaptive(
  state: AdaptiveState,
  owner: string,
  peers: readonly PeerLearning[],
  now: number,
): void {
  const read = new SnapshotReader(owner);
  const count = state.ids.length;
  const incoming = new Float64Array(count * FIELDS);
  const seenAt = new Float64Array(count).fill(Number.NEGATIVE_INFINITY);
  peers.forEach((peer, i) => {
    const path = `peers[${i}]`;
    const root = read.object(peer.state, `${path}.state`);
    if (root.version !== SNAPSHOT_VERSION) return;
    const age = Number.isFinite(peer.ageMs)
      ? Math.exp(-Math.max(0, peer.ageMs) * state.settings.ln2PerMs)
      : 0;
    for (const [id, value] of Object.entries(read.object(root.targets, `${path}.state.targets`))) {
      const at = `${path}.state.targets[${JSON.stringify(id)}]`;
      const values = read.numbers(value, at, FIELDS + 1, 'finite');
      values.forEach((v, k) => {
        if ((k >= FIELDS || NON_NEGATIVE[k]) && v < 0) read.fail(`${at}[${k}]`, 'a finite number >= 0', v);
      });
      const t = state.indexOf.get(id);
      if (t === undefined) continue;
      seenAt[t] = Math.max(seenAt[t]!, now - Math.max(0, peer.ageMs) - values[FIELDS]!);
      for (let k = 0; k < FIELDS; k++)
        incoming[t * FIELDS + k] = incoming[t * FIELDS + k]! + values[k]! * age;
    }
  });
  // Everything is read: from here on nothing throws.
  const own = new Float64Array(FIELDS);
  const arrays = sums(state);
  state.peer ??= new PeerSums(count);
  const peer = state.peer.values;
  for (let t = 0; t < count; t++) {
    ownOf(state, t, now, own);
    for (let k = 0; k < FIELDS; k++) {
      const theirs = incoming[t * FIELDS + k]!;
      arrays[k]![t] = own[k]! + theirs;
      peer[t * FIELDS + k] = theirs;
    }
    if (now > state.stamp[t]!) state.stamp[t] = now;
    state.peerSeenAt[t] = seenAt[t]!;
    if (incoming[t * FIELDS]! > MIN_WEIGHT || incoming[t * FIELDS + 3]! > MIN_WEIGHT) state.observed[t] = 1;
  }
}
