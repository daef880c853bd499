import type { JsonValue } from './strategy.js';

/**
 * What a learned model predicts for one (request, target) pair, and the contract that lets the
 * `intelligent` strategy use any model family (online regression by default; trees, neural nets
 * or a remote service later).
 */

/**
 * Numeric features of one request on one target. `values` has a fixed length per predictor; the
 * strategy that builds it documents the order. Reused between calls: read it, do not keep it.
 */
export interface PredictionFeatures {
  /** Feature values, in the order the feature builder documents. */
  readonly values: Float64Array;
  /**
   * Clock time of the prediction or observation, when the caller knows it. Predictors that
   * decay with time use it instead of reading their clock (one clock read per pick, not one per
   * candidate and model).
   */
  readonly now?: number;
}

/** One observed outcome, the training signal of a {@link Predictor}. */
export interface PredictionTarget {
  /** The observed value (e.g. latency in ms, or 1/0 for failure). */
  readonly value: number;
  /** Weight of this sample. @default 1 */
  readonly weight?: number;
}

/**
 * An online model of one quantity (latency, failure probability, …) for one target.
 * Implementations must be O(features²) or better per call and bounded in memory.
 */
export interface Predictor {
  /** Learns from one observation. */
  observe(features: PredictionFeatures, target: PredictionTarget): void;
  /** Predicts the quantity for `features`. */
  predict(features: PredictionFeatures): number;
  /** How confident the prediction is: an estimate of its standard deviation, when known. */
  uncertainty?(features: PredictionFeatures): number;
  /** Number of observations so far. */
  readonly samples: number;
  /** What the model has learned, as JSON (kept in its strategy's snapshot). */
  snapshot?(): JsonValue;
  /** Brings back what {@link snapshot} returned; throws a `config` error naming a malformed field. */
  restore?(snapshot: JsonValue): void;
}
