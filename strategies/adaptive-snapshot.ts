/**
 * The snapshot of an `adaptive` strategy (`Strategy.snapshot` / `Strategy.restore`): its learned
 * state ({@link AdaptiveState}) as JSON and back. The format is described on the strategy's
 * `snapshot`. Internal to `strategies/`.
 */
import type { JsonValue } from '../src/index.js';
import { type AdaptiveState, newBaseline } from './adaptive-state.js';
import type { BandTargetState } from './predictors/band-factors.js';
import { type InFlightLearned, InFlightTracker } from './predictors/in-flight.js';
import type { OnlineRidge } from './predictors/online-ridge.js';
import { type MomentsState, RunningMoments } from './predictors/running-moments.js';
import { encodeNumber, encodeNumbers, SNAPSHOT_VERSION, SnapshotReader, targetPath } from './snapshot.js';

/** One target's entry of a snapshot, as read by {@link restoreAdaptive}. */
interface TargetState {
  readonly index: number;
  readonly observed: boolean;
  readonly at: number;
  readonly n: number;
  readonly rest: number;
  readonly restSquares: number;
  readonly speedN: number;
  readonly ratio: number;
  readonly ratioSquares: number;
  readonly freshest: number;
  readonly promptBands: BandTargetState | undefined;
  readonly outputBands: BandTargetState | undefined;
  readonly inFlight: InFlightLearned;
  readonly overdueFreshAt: number;
  readonly firstToken: OnlineRidge;
}

/** What `state` has learned, as JSON (`version: 1`; the fields are listed on `Adaptive.snapshot`). */
export function adaptiveSnapshot(state: AdaptiveState): JsonValue {
  const targets: [string, JsonValue][] = state.ids.map((id, t) => [
    id,
    {
      observed: state.observed[t] === 1,
      at: encodeNumber(state.stamp[t]!),
      n: encodeNumber(state.n[t]!),
      rest: encodeNumber(state.rest[t]!),
      restSquares: encodeNumber(state.restSquares[t]!),
      speedN: encodeNumber(state.speedN[t]!),
      ratio: encodeNumber(state.ratio[t]!),
      ratioSquares: encodeNumber(state.ratioSquares[t]!),
      freshest: encodeNumber(state.freshest[t]!),
      promptBands: state.promptBands.targetJson(t),
      ...(state.outputBands === undefined ? {} : { outputBands: state.outputBands.targetJson(t) }),
      inFlight: state.inFlight.learnedJson(t),
      overdueFreshAt: encodeNumber(state.overdue.freshAt(t)),
      firstToken: state.firstToken.snapshotOf(t),
    },
  ]);
  return {
    version: SNAPSHOT_VERSION,
    bandEdges: encodeNumbers(state.settings.bandEdges),
    outputBandEdges: encodeNumbers(state.settings.outputBandEdges),
    baseLatency: state.baseLatency.snapshot(),
    baseRest: state.baseRest.snapshot(),
    ratioSpread: state.ratioSpread.toJson(),
    restPrior: state.restPrior.toJson(),
    meanSuccess: encodeNumber(state.meanSuccess),
    anySuccess: state.anySuccess,
    outputShare: encodeNumber(state.outputShare),
    meanOutputTokens: encodeNumber(state.meanOutput),
    targets: Object.fromEntries(targets),
  };
}

/**
 * Replaces what `state` has learned with `snapshot` (the rules are on `Adaptive.restore`).
 * Nothing changes when it throws.
 * @throws {SwitchyardError} `config` naming `owner` and the field when `snapshot` is malformed or
 * of another version.
 */
export function restoreAdaptive(state: AdaptiveState, owner: string, snapshot: JsonValue): void {
  const read = new SnapshotReader(owner);
  const root = read.root(snapshot);
  const { bandEdges, outputBandEdges } = state.settings;
  const samePromptBands = sameEdges(read.list(root.bandEdges, 'snapshot.bandEdges', 'finite'), bandEdges);
  const sameOutputBands =
    sameEdges(read.list(root.outputBandEdges, 'snapshot.outputBandEdges', 'finite'), outputBandEdges) &&
    state.outputBands !== undefined;
  const baseLatency = newBaseline();
  read.nested('snapshot.baseLatency', () => baseLatency.restore(root.baseLatency!));
  const baseRest = newBaseline();
  read.nested('snapshot.baseRest', () => baseRest.restore(root.baseRest!));
  const ratioSpread: MomentsState = RunningMoments.read(read, root.ratioSpread, 'snapshot.ratioSpread');
  const restPrior: MomentsState = RunningMoments.read(read, root.restPrior, 'snapshot.restPrior');
  const meanSuccess = read.number(root.meanSuccess, 'snapshot.meanSuccess', 'finite');
  const anySuccess = read.boolean(root.anySuccess, 'snapshot.anySuccess');
  const outputShare = read.number(root.outputShare, 'snapshot.outputShare', 'nonNegative');
  const meanOutput = read.number(root.meanOutputTokens, 'snapshot.meanOutputTokens', 'nonNegative');
  const states: TargetState[] = [];
  for (const [id, value] of Object.entries(read.object(root.targets, 'snapshot.targets'))) {
    const target = readTarget(state, read, id, value, samePromptBands, sameOutputBands);
    if (target !== undefined) states.push(target);
  }
  // Everything is read: from here on nothing throws.
  state.baseLatency = baseLatency;
  state.baseRest = baseRest;
  state.ratioSpread.assign(ratioSpread);
  state.restPrior.assign(restPrior);
  state.meanSuccess = meanSuccess;
  state.anySuccess = anySuccess;
  state.outputShare = outputShare;
  state.meanOutput = meanOutput;
  // A restored state is all this instance's own: peers' contributions come with the next merge.
  state.peer = undefined;
  state.peerSeenAt.fill(Number.NEGATIVE_INFINITY);
  for (let t = 0; t < state.ids.length; t++) setTarget(state, t, undefined);
  for (const target of states) setTarget(state, target.index, target);
}

/** Reads one target's entry of a snapshot (checked even when the id is unknown); undefined for an unknown id. */
function readTarget(
  state: AdaptiveState,
  read: SnapshotReader,
  id: string,
  value: JsonValue,
  samePromptBands: boolean,
  sameOutputBands: boolean,
): TargetState | undefined {
  const path = targetPath(id);
  const entry = read.object(value, path);
  const target: Omit<TargetState, 'index'> = {
    observed: read.boolean(entry.observed, `${path}.observed`),
    at: read.number(entry.at, `${path}.at`, 'finite'),
    n: read.number(entry.n, `${path}.n`, 'nonNegative'),
    rest: read.number(entry.rest, `${path}.rest`, 'finite'),
    restSquares: read.number(entry.restSquares, `${path}.restSquares`, 'nonNegative'),
    speedN: read.number(entry.speedN, `${path}.speedN`, 'nonNegative'),
    ratio: read.number(entry.ratio, `${path}.ratio`, 'nonNegative'),
    ratioSquares: read.number(entry.ratioSquares, `${path}.ratioSquares`, 'nonNegative'),
    freshest: read.number(entry.freshest, `${path}.freshest`, 'time'),
    promptBands: samePromptBands
      ? state.promptBands.readTarget(read, entry.promptBands, `${path}.promptBands`)
      : undefined,
    outputBands:
      sameOutputBands && state.outputBands !== undefined
        ? state.outputBands.readTarget(read, entry.outputBands, `${path}.outputBands`)
        : undefined,
    inFlight: InFlightTracker.readLearned(read, entry.inFlight, `${path}.inFlight`),
    overdueFreshAt: read.number(entry.overdueFreshAt, `${path}.overdueFreshAt`, 'time'),
    firstToken: read.nested(`${path}.firstToken`, () => state.firstToken.modelFrom(entry.firstToken!)),
  };
  const index = state.indexOf.get(id);
  return index === undefined ? undefined : { ...target, index };
}

/** Sets target `t`'s learned state to `target`, or to a fresh target's when undefined. */
function setTarget(state: AdaptiveState, t: number, target: TargetState | undefined): void {
  state.observed[t] = target?.observed === true ? 1 : 0;
  state.stamp[t] = target?.at ?? 0;
  state.n[t] = target?.n ?? 0;
  state.rest[t] = target?.rest ?? 0;
  state.restSquares[t] = target?.restSquares ?? 0;
  state.speedN[t] = target?.speedN ?? 0;
  state.ratio[t] = target?.ratio ?? 0;
  state.ratioSquares[t] = target?.ratioSquares ?? 0;
  state.freshest[t] = target?.freshest ?? Number.NEGATIVE_INFINITY;
  state.promptBands.setTarget(t, target?.promptBands);
  state.outputBands?.setTarget(t, target?.outputBands);
  state.inFlight.setLearned(t, target?.inFlight);
  state.overdue.setFreshAt(t, target?.overdueFreshAt ?? Number.NEGATIVE_INFINITY);
  state.firstToken.setModel(t, target?.firstToken);
}

/** Whether two lists of band edges are the same. */
function sameEdges(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((edge, i) => edge === b[i]);
}
