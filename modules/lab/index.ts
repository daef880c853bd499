/**
 * `switchyard-llm/lab`: the routing-quality lab. Simulated providers on a virtual clock, run
 * through the real Router and strategies; an oracle and metrics to score the picks. An optional
 * module: it uses only the core's public entry and `switchyard-llm/testing`.
 */
export {
  type AttemptEntry,
  type CallMetrics,
  type CallRecord,
  callMetrics,
  type DetectionMetrics,
  type DetectionOptions,
  detectionMetrics,
  percentile,
  regretOf,
} from './metrics.js';
export { expectedOutputByCap, type LabStrategy, type OracleOptions, oracle, sizeOf } from './oracle.js';
export { conditionsAt, type DegradationEvent, degradationEvents } from './phases.js';
export {
  SIMULATED_PROVIDER,
  type SimulatedCall,
  SimulatedProvider,
  type SimulatedProviderOptions,
} from './provider.js';
export { deriveSeed, lognormalFactor, streamOf } from './random.js';
export {
  type ProviderSummary,
  type SimulationOptions,
  type SimulationResult,
  type SimulationRouterOptions,
  simulate,
} from './simulate.js';
export type * from './types.js';
export { drawTokens, generateWorkload, promptOf, requestOf } from './workload.js';
