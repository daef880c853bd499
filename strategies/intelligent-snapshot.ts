/**
 * The snapshot of an `intelligent` strategy (`Strategy.snapshot` / `Strategy.restore`): its
 * learned state ({@link IntelligentState}) as JSON and back. The format is described on the
 * strategy's `snapshot`. Internal to `strategies/`.
 */
import type { JsonValue, Predictor } from '../src/index.js';
import { type IntelligentState, MODEL_FIELDS } from './intelligent-state.js';
import { type InFlightLearned, InFlightTracker } from './predictors/in-flight.js';
import { RunningMoments } from './predictors/running-moments.js';
import { encodeNumber, SNAPSHOT_VERSION, SnapshotReader, targetPath } from './snapshot.js';

/** One target's entry of a snapshot, as read by {@link restoreIntelligent}. */
interface TargetState {
  readonly index: number;
  readonly failed: boolean;
  readonly failureLatencyMs: number;
  readonly freshest: number;
  readonly meanOutputTokens: number;
  readonly inFlight: InFlightLearned;
  readonly overdueFreshAt: number;
  readonly models: readonly Predictor[];
  /** Tag combinations with outcomes (only with tags; empty when learned with other tags). */
  readonly tagCombinations: readonly number[];
}

/** What `state` has learned, as JSON (`version: 1`; the fields are listed on `Intelligent.snapshot`). */
export function intelligentSnapshot(state: IntelligentState): JsonValue {
  const targets: [string, JsonValue][] = state.init.targets.map((target, t) => {
    const models: [string, JsonValue][] = [];
    for (const [quantity, field] of MODEL_FIELDS) {
      const model = state.models(quantity)[t]!.snapshot?.();
      if (model !== undefined) models.push([field, model]);
    }
    return [
      target.id,
      {
        failed: state.failed[t] === 1,
        failureLatencyMs: encodeNumber(state.failureLatency[t]!),
        freshest: encodeNumber(state.freshest[t]!),
        meanOutputTokens: encodeNumber(state.meanOutput[t]!),
        inFlight: state.inFlight.learnedJson(t),
        overdueFreshAt: encodeNumber(state.overdue.freshAt(t)),
        ...(state.combinations.active ? { tagCombinations: state.combinations.toJson(t) } : {}),
        ...Object.fromEntries(models),
      },
    ];
  });
  return {
    version: SNAPSHOT_VERSION,
    tags: [...state.settings.tags],
    global: state.global.toJson(),
    targets: Object.fromEntries(targets),
  };
}

/**
 * Replaces what `state` has learned with `snapshot` (the rules are on `Intelligent.restore`).
 * Nothing changes when it throws.
 * @throws {SwitchyardError} `config` naming `owner` and the field when `snapshot` is malformed or
 * of another version.
 */
export function restoreIntelligent(state: IntelligentState, owner: string, snapshot: JsonValue): void {
  const read = new SnapshotReader(owner);
  const root = read.root(snapshot);
  const tags = read.strings(root.tags, 'snapshot.tags');
  const own = state.settings.tags;
  const sameFeatures = tags.length === own.length && tags.every((tag, i) => tag === own[i]);
  const global = RunningMoments.read(read, root.global, 'snapshot.global');
  const states = new Map<number, TargetState>();
  for (const [id, value] of Object.entries(read.object(root.targets, 'snapshot.targets'))) {
    const target = readTarget(state, read, id, value, sameFeatures);
    if (target !== undefined) states.set(target.index, target);
  }
  // Everything is read: from here on nothing throws.
  state.global.assign(global);
  for (let t = 0; t < state.init.targets.length; t++) {
    const target = states.get(t);
    const models = target?.models ?? state.freshModels(t);
    state.latency[t] = models[0]!;
    state.output[t] = models[1]!;
    state.failure[t] = models[2]!;
    state.failed[t] = target?.failed === true ? 1 : 0;
    state.failureLatency[t] = target?.failureLatencyMs ?? 0;
    state.freshest[t] = target?.freshest ?? Number.NEGATIVE_INFINITY;
    state.meanOutput[t] = target?.meanOutputTokens ?? 0;
    state.inFlight.setLearned(t, target?.inFlight);
    state.overdue.setFreshAt(t, target?.overdueFreshAt ?? Number.NEGATIVE_INFINITY);
    state.combinations.set(t, target?.tagCombinations ?? []);
  }
}

/**
 * Reads one target's entry of a snapshot (checked even when the id is unknown), restoring its
 * models into new ones from `predictors`; undefined for an unknown id.
 */
function readTarget(
  state: IntelligentState,
  read: SnapshotReader,
  id: string,
  value: JsonValue,
  sameFeatures: boolean,
): TargetState | undefined {
  const path = targetPath(id);
  const entry = read.object(value, path);
  const index = state.indexOf.get(id);
  const failed = read.boolean(entry.failed, `${path}.failed`);
  const failureLatencyMs = read.number(entry.failureLatencyMs, `${path}.failureLatencyMs`, 'nonNegative');
  const freshest = read.number(entry.freshest, `${path}.freshest`, 'time');
  const meanOutputTokens = read.number(entry.meanOutputTokens, `${path}.meanOutputTokens`, 'nonNegative');
  const inFlight = InFlightTracker.readLearned(read, entry.inFlight, `${path}.inFlight`);
  const overdueFreshAt = read.number(entry.overdueFreshAt, `${path}.overdueFreshAt`, 'time');
  const combinations =
    entry.tagCombinations === undefined
      ? []
      : state.combinations.read(read, entry.tagCombinations, `${path}.tagCombinations`);
  if (index === undefined) return undefined;
  const models = state.freshModels(index);
  if (sameFeatures) {
    MODEL_FIELDS.forEach(([, field], i) => {
      const model = models[i]!;
      const saved = entry[field];
      if (saved !== undefined && model.restore !== undefined) {
        read.nested(`${path}.${field}`, () => model.restore!(saved));
      }
    });
  }
  return {
    index,
    failed,
    failureLatencyMs,
    freshest,
    meanOutputTokens,
    inFlight,
    overdueFreshAt,
    models,
    tagCombinations: sameFeatures ? combinations : [],
  };
}
