import { type JsonValue, SwitchyardError } from '../../src/index.js';
import { Ensemble, type EnsembleOptions } from './ensemble.js';
import { Hybrid, type HybridOptions } from './hybrid.js';
import { type ModelFamily, ModelReader } from './json.js';
import { createSingle, readSingle, type SingleFamilyOptions } from './members.js';
import type { MlPredictor, RuntimeOptions } from './online-model.js';

/** The options of each family, by name. */
export interface FamilyOptions extends SingleFamilyOptions {
  ensemble: EnsembleOptions;
  hybrid: HybridOptions;
}

/** Every family, in a fixed order (the linear baseline first). */
export const MODEL_FAMILIES: readonly ModelFamily[] = [
  'linear',
  'forest',
  'boosting',
  'mlp',
  'svr',
  'ensemble',
  'hybrid',
];

/**
 * A new, untrained model of `family` for feature vectors of `dimension` values.
 *
 * @example
 * ```ts
 * const model = createModel('boosting', 6, { loss: 'log', seed: 3 });
 * ```
 * @throws {SwitchyardError} `config` for an unknown family or bad options (naming the option).
 */
export function createModel<F extends ModelFamily>(
  family: F,
  dimension: number,
  options: FamilyOptions[F] = {},
): MlPredictor {
  if (family === 'ensemble') return new Ensemble(dimension, options as EnsembleOptions);
  if (family === 'hybrid') return new Hybrid(dimension, options as HybridOptions);
  if (!MODEL_FAMILIES.includes(family)) {
    throw new SwitchyardError(
      'config',
      `createModel: family: expected one of ${MODEL_FAMILIES.map((f) => `"${f}"`).join(', ')}, got ${JSON.stringify(family)}`,
    );
  }
  return createSingle(family as Exclude<F, 'ensemble' | 'hybrid'>, dimension, options as never);
}

/**
 * A model of any family from its `toJSON()` (e.g. read from a file), ready to predict and to
 * keep learning online. `runtime` gives the clock, refit scheduler and random source.
 * @throws {SwitchyardError} `config` naming what is wrong: not a model, an unknown family, another
 * version, a malformed parameter.
 */
export function loadModel(json: JsonValue, runtime: RuntimeOptions = {}): MlPredictor {
  const root = new ModelReader('loadModel').object(json, 'json');
  if (root.family === 'ensemble') return Ensemble.fromJSON(json, runtime);
  if (root.family === 'hybrid') return Hybrid.fromJSON(json, runtime);
  return readSingle(json, runtime);
}
