/**
 * `switchyard-llm/ml`: seven model families behind the core `Predictor` contract, for the
 * `intelligent` strategy (or anything that predicts a number from a feature vector): linear
 * (the strategy's online ridge), random forest, gradient boosting, a small neural network,
 * support vector regression, an error-weighted ensemble and a hybrid (the online linear model
 * plus boosted trees fitted on its residuals). Deterministic and seeded, no
 * third-party dependency. Each has batch `fit(rows)`, versioned `toJSON()` / `fromJSON()`, and
 * (all but linear, which learns at every observation) a bounded training window refitted in the
 * background in small slices, so that no routed call waits on training. See docs/ml.md.
 */
export { type BoostingLoss, GradientBoosting, type GradientBoostingOptions } from './boosting.js';
export type { Dataset, TrainingRow } from './data.js';
export { Ensemble, type EnsembleMember, type EnsembleOptions } from './ensemble.js';
export {
  type CalibrationBin,
  type EvaluateOptions,
  type Evaluation,
  evaluatePredictors,
} from './evaluate.js';
export { RandomForest, type RandomForestOptions } from './forest.js';
export { fromFile } from './from-file.js';
export { HistoryRecorder, type HistoryRecorderOptions } from './history.js';
export { type HistoryRow, readHistory } from './history-row.js';
export { Hybrid, type HybridOptions, type HybridResidualFamily } from './hybrid.js';
export { MODEL_FORMAT, MODEL_VERSION, type ModelFamily, type ModelJson } from './json.js';
export { LinearModel, type LinearModelOptions } from './linear.js';
export { createModel, type FamilyOptions, loadModel, MODEL_FAMILIES } from './load.js';
export type { SingleFamily, SingleFamilyOptions } from './members.js';
export { NeuralNetwork, type NeuralNetworkLoss, type NeuralNetworkOptions } from './mlp.js';
export type { FittedModel, MlPredictor, OnlineModel, OnlineOptions, RuntimeOptions } from './online-model.js';
export { type FamilyPredictorsOptions, familyPredictors } from './predictors.js';
export { immediateScheduler, ManualScheduler, type RefitScheduler } from './scheduler.js';
export { SupportVectorRegression, type SupportVectorRegressionOptions, type SvrKernel } from './svr.js';
export {
  historyFeatures,
  QUANTITIES,
  TrainedPredictors,
  type TrainOptions,
  trainingRowOf,
  trainPredictors,
} from './train.js';
export { type CommandIo, TRAIN_USAGE, trainCommand } from './train-command.js';
