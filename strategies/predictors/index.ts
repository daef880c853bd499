/**
 * The models behind the `intelligent` strategy: the default predictors, the feature builder and
 * the predictor factory contract, so that other model families can be plugged in.
 */

export { DecayingMean, type DecayingMeanOptions } from './decaying-mean.js';
export {
  type DefaultPredictorOptions,
  defaultPredictors,
  type PredictedQuantity,
  type PredictorFactory,
  type PredictorSpec,
} from './factory.js';
export { BASE_FEATURES, FEATURE, MAX_TAG_FEATURES, RequestFeatures } from './features.js';
export { standardNormalQuantile } from './normal.js';
export { OnlineRidge, type OnlineRidgeOptions } from './online-ridge.js';
