/** The lab's baselines that are not built-in strategies, by the name the report uses. */
import type { StrategyFactory } from '../../../src/index.js';
import { litellmLatencyBased } from './litellm-latency-based.js';
import { litellmLeastBusy } from './litellm-least-busy.js';

export { litellmLatencyBased, litellmLeastBusy };

/** LiteLLM baselines with LiteLLM's default settings. */
export const litellmBaselines: Readonly<Record<string, StrategyFactory>> = {
  'litellm-latency-based': litellmLatencyBased(),
  'litellm-least-busy': litellmLeastBusy(),
};
