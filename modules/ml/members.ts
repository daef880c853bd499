import { type JsonValue, SwitchyardError } from '../../src/index.js';
import { GradientBoosting, type GradientBoostingOptions } from './boosting.js';
import { RandomForest, type RandomForestOptions } from './forest.js';
import { ModelReader } from './json.js';
import { LinearModel, type LinearModelOptions } from './linear.js';
import { NeuralNetwork, type NeuralNetworkOptions } from './mlp.js';
import type { MlPredictor, RuntimeOptions } from './online-model.js';
import { SupportVectorRegression, type SupportVectorRegressionOptions } from './svr.js';

/** The single-model families (all but `ensemble`). */
export type SingleFamily = 'linear' | 'forest' | 'boosting' | 'mlp' | 'svr';

/** The options of each single-model family. */
export interface SingleFamilyOptions {
  linear: LinearModelOptions;
  forest: RandomForestOptions;
  boosting: GradientBoostingOptions;
  mlp: NeuralNetworkOptions;
  svr: SupportVectorRegressionOptions;
}

/** Every single-model family, in a fixed order. */
export const SINGLE_FAMILIES: readonly SingleFamily[] = ['linear', 'forest', 'boosting', 'mlp', 'svr'];

/** A new untrained model of `family`. */
export function createSingle<F extends SingleFamily>(
  family: F,
  dimension: number,
  options: SingleFamilyOptions[F] = {},
): MlPredictor {
  switch (family) {
    case 'linear':
      return new LinearModel(dimension, options as LinearModelOptions);
    case 'forest':
      return new RandomForest(dimension, options as RandomForestOptions);
    case 'boosting':
      return new GradientBoosting(dimension, options as GradientBoostingOptions);
    case 'mlp':
      return new NeuralNetwork(dimension, options as NeuralNetworkOptions);
    case 'svr':
      return new SupportVectorRegression(dimension, options as SupportVectorRegressionOptions);
    default:
      throw new SwitchyardError(
        'config',
        `family: expected one of ${SINGLE_FAMILIES.map((f) => `"${f}"`).join(', ')}, got ${JSON.stringify(family)}`,
      );
  }
}

/** A single-family model from its JSON, by the JSON's `family`. */
export function readSingle(json: JsonValue, runtime: RuntimeOptions = {}, owner = 'loadModel'): MlPredictor {
  const reader = new ModelReader(owner);
  const root = reader.object(json, 'json');
  switch (root.family) {
    case 'linear':
      return LinearModel.fromJSON(json, runtime);
    case 'forest':
      return RandomForest.fromJSON(json, runtime);
    case 'boosting':
      return GradientBoosting.fromJSON(json, runtime);
    case 'mlp':
      return NeuralNetwork.fromJSON(json, runtime);
    case 'svr':
      return SupportVectorRegression.fromJSON(json, runtime);
    default:
      // The envelope check names what is wrong (not a model, another format or version).
      reader.envelope(json, undefined);
      return reader.fail('json.family', SINGLE_FAMILIES.map((f) => `"${f}"`).join(', '), root.family);
  }
}
