import { type JsonValue, SwitchyardError } from '../../src/index.js';
import {
  defaultPredictors,
  FEATURE,
  type PredictedQuantity,
  type PredictorFactory,
  type PredictorSpec,
} from '../../strategies/index.js';
import type { TrainingRow } from './data.js';
import type { HistoryRow } from './history-row.js';
import { type JsonObject, type ModelFamily, ModelReader } from './json.js';
import { createModel, type FamilyOptions, loadModel } from './load.js';
import type { MlPredictor, RuntimeOptions } from './online-model.js';

/** Number of built-in features of the `intelligent` strategy (`FEATURE`); tag features follow. */
const BASE = Object.keys(FEATURE).length;

/** The quantities trained, in a fixed order. */
export const QUANTITIES: readonly PredictedQuantity[] = ['latency', 'outputTokens', 'failure'];

/**
 * The feature vector the `intelligent` strategy would build for `row` when it learns `quantity`
 * (see `RequestFeatures`): `[1, inputK, outputK, stream, inFlight, structured, ...tags]`, where
 * outputK is the tokens produced (latency of a success), or the cap (output tokens, failure), and
 * the output model sees no load.
 */
export function historyFeatures(
  row: HistoryRow,
  quantity: PredictedQuantity,
  tags: readonly string[],
): number[] {
  const x = new Array<number>(BASE + tags.length).fill(0);
  x[FEATURE.bias] = 1;
  x[FEATURE.inputKTok] = row.inputTokens / 1000;
  const cap = row.maxOutputTokens ?? row.targetMaxOutputTokens ?? 0;
  x[FEATURE.outputKTok] =
    quantity === 'latency' && row.outputTokens !== null
      ? row.outputTokens / 1000
      : (quantity === 'failure' ? (row.maxOutputTokens ?? 0) : cap) / 1000;
  x[FEATURE.stream] = row.stream ? 1 : 0;
  x[FEATURE.inFlight] = quantity === 'outputTokens' ? 0 : row.inFlight;
  x[FEATURE.structured] = row.structured ? 1 : 0;
  for (let i = 0; i < tags.length; i++) x[BASE + i] = row.tags.includes(tags[i]!) ? 1 : 0;
  return x;
}

/**
 * The training row of `row` for `quantity`, or undefined when the row says nothing about it:
 * latency and output tokens learn from successes only (failure latency is priced separately by
 * the strategy), failure from every attempt (1 failed, 0 succeeded).
 */
export function trainingRowOf(
  row: HistoryRow,
  quantity: PredictedQuantity,
  tags: readonly string[],
): TrainingRow | undefined {
  const ok = row.failure === null;
  let value: number | null;
  switch (quantity) {
    case 'latency':
      value = ok ? row.latencyMs : null;
      break;
    case 'outputTokens':
      value = ok ? row.outputTokens : null;
      break;
    case 'failure':
      value = ok ? 0 : 1;
      break;
  }
  if (value === null || !Number.isFinite(value)) return undefined;
  return { features: historyFeatures(row, quantity, tags), value };
}

/** Options of {@link trainPredictors}. */
export interface TrainOptions<F extends ModelFamily = ModelFamily> {
  /** The model family. */
  readonly family: F;
  /** Family options for every model (the failure models also get log loss or a [0, 1] range). */
  readonly options?: FamilyOptions[F];
  /** The `intelligent` strategy's `tags` option: the tag features, in its order. @default [] */
  readonly tags?: readonly string[];
  /** Fewest rows to train a (target, quantity) model; with fewer it is left untrained. @default 20 */
  readonly minRows?: number;
}

/** Options a family needs per quantity: probabilities for failure, non-negative values otherwise. */
export function quantityOptions(family: ModelFamily, quantity: PredictedQuantity): JsonObject {
  if (quantity !== 'failure') return family === 'ensemble' ? {} : { range: [0, Number.MAX_VALUE] };
  if (family === 'boosting' || family === 'mlp') return { loss: 'log' };
  return family === 'ensemble' ? {} : { range: [0, 1] };
}

const FORMAT = 'switchyard-ml-predictors';

/**
 * Models trained from routing history, one per (target, quantity), and a `PredictorFactory`
 * that gives the `intelligent` strategy a fresh copy of each (it keeps learning online from
 * there); targets or quantities without a trained model get `fallback`'s predictor.
 *
 * @example
 * ```ts
 * const trained = trainPredictors(readHistory(text), { family: 'boosting' });
 * writeFileSync('model.json', JSON.stringify(trained.toJSON()));
 * const predictors = TrainedPredictors.fromJSON(JSON.parse(readFileSync('model.json', 'utf8'))).factory();
 * intelligent({ predictors });
 * ```
 */
export class TrainedPredictors {
  constructor(
    readonly family: ModelFamily,
    readonly tags: readonly string[],
    /** Model JSON by target id, then quantity. */
    readonly models: ReadonlyMap<string, ReadonlyMap<PredictedQuantity, JsonValue>>,
  ) {}

  /** A new copy of the trained model of (target, quantity), or undefined. */
  model(target: string, quantity: PredictedQuantity, runtime: RuntimeOptions = {}): MlPredictor | undefined {
    const json = this.models.get(target)?.get(quantity);
    return json === undefined ? undefined : loadModel(json, runtime);
  }

  /**
   * A predictor factory for `intelligent({ predictors })`: each (target, quantity) starts from
   * its trained model, on the strategy's clock. Others come from `fallback`.
   * @throws {SwitchyardError} `config` (when the strategy builds its models) if the strategy's
   * feature count differs from the one trained (its `tags` option differs).
   */
  factory(fallback: PredictorFactory = defaultPredictors()): PredictorFactory {
    const dimension = BASE + this.tags.length;
    return (spec: PredictorSpec) => {
      const model = this.model(spec.target.id, spec.quantity, { clock: spec.clock });
      if (model === undefined) return fallback(spec);
      if (spec.dimension !== dimension) {
        throw new SwitchyardError(
          'config',
          `TrainedPredictors: dimension: trained on ${dimension} features (tags ${JSON.stringify(this.tags)}), the strategy uses ${spec.dimension}; give intelligent the same tags`,
        );
      }
      return model;
    };
  }

  toJSON(): JsonObject {
    const models: JsonObject = {};
    for (const [target, byQuantity] of this.models)
      models[target] = Object.fromEntries(byQuantity) as JsonObject;
    return { format: FORMAT, version: 1, family: this.family, tags: [...this.tags], models };
  }

  /**
   * Reads {@link toJSON}'s output (e.g. a model file), checking every model.
   * @throws {SwitchyardError} `config` naming what is wrong.
   */
  static fromJSON(json: JsonValue): TrainedPredictors {
    const reader = new ModelReader('TrainedPredictors.fromJSON');
    const root = reader.object(json, 'json');
    if (root.format !== FORMAT)
      reader.fail('json.format', `"${FORMAT}" (written by trainPredictors)`, root.format);
    if (root.version !== 1) reader.fail('json.version', '1', root.version);
    const tags = root.tags;
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string'))
      reader.fail('json.tags', 'an array of strings', tags);
    const models = new Map<string, Map<PredictedQuantity, JsonValue>>();
    for (const [target, value] of Object.entries(reader.object(root.models, 'json.models'))) {
      const byQuantity = new Map<PredictedQuantity, JsonValue>();
      for (const [quantity, model] of Object.entries(reader.object(value, `json.models.${target}`))) {
        if (!QUANTITIES.includes(quantity as PredictedQuantity)) {
          reader.fail(`json.models.${target}.${quantity}`, `one of ${QUANTITIES.join(', ')}`, quantity);
        }
        const loaded = loadModel(model);
        if (loaded.family !== root.family)
          reader.fail(`json.models.${target}.${quantity}.family`, JSON.stringify(root.family), loaded.family);
        byQuantity.set(quantity as PredictedQuantity, model);
      }
      models.set(target, byQuantity);
    }
    return new TrainedPredictors(root.family as ModelFamily, tags as string[], models);
  }
}

/**
 * Trains one model of `family` per (target, quantity) from routing history (oldest first, as the
 * {@link HistoryRecorder} wrote it), with the `intelligent` strategy's features.
 * @throws {SwitchyardError} `config` for an unknown family, bad options, or no rows.
 */
export function trainPredictors<F extends ModelFamily>(
  rows: readonly HistoryRow[],
  options: TrainOptions<F>,
): TrainedPredictors {
  if (!Array.isArray(rows) || rows.length === 0)
    throw new SwitchyardError('config', 'trainPredictors: rows: expected at least one history row');
  const tags = options.tags ?? [];
  const minRows = options.minRows ?? 20;
  const byTarget = new Map<string, HistoryRow[]>();
  for (const row of rows) {
    const list = byTarget.get(row.target);
    if (list === undefined) byTarget.set(row.target, [row]);
    else list.push(row);
  }
  const models = new Map<string, Map<PredictedQuantity, JsonValue>>();
  for (const [target, own] of byTarget) {
    const byQuantity = new Map<PredictedQuantity, JsonValue>();
    for (const quantity of QUANTITIES) {
      const training: TrainingRow[] = [];
      for (const row of own) {
        const r = trainingRowOf(row, quantity, tags);
        if (r !== undefined) training.push(r);
      }
      if (training.length < minRows) continue;
      const model = createModel(options.family, BASE + tags.length, {
        ...quantityOptions(options.family, quantity),
        ...(options.options ?? {}),
      } as FamilyOptions[F]);
      model.fit(training);
      byQuantity.set(quantity, model.toJSON());
    }
    models.set(target, byQuantity);
  }
  return new TrainedPredictors(options.family, tags, models);
}
