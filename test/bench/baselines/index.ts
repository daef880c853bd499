/**
 * The lab's baselines that are not built-in strategies, by the name the report uses: today's
 * LiteLLM strategies behind LiteLLM's cooldown (see each file for the LiteLLM version it follows).
 */
import type { SimulationRouterOptions } from '../../../modules/lab/index.js';
import type { StrategyFactory } from '../../../src/index.js';
import { litellmLatencyBased } from './litellm-latency-based.js';
import { litellmLeastBusy } from './litellm-least-busy.js';
import { litellmRouter } from './litellm-router.js';

export { litellmLatencyBased, litellmLeastBusy, litellmRouter };

/** LiteLLM baselines with LiteLLM's default settings, each behind {@link litellmRouter}. */
export const litellmBaselines: Readonly<Record<string, StrategyFactory>> = {
  'litellm-latency-based': litellmRouter(litellmLatencyBased()),
  'litellm-least-busy': litellmRouter(litellmLeastBusy()),
};

/**
 * Router settings of the LiteLLM baselines: LiteLLM's cooldown replaces the circuit breaker
 * (`litellmRouter`), and its retries re-run routing without a sleep.
 */
export const LITELLM_ROUTER: SimulationRouterOptions = { breaker: false, retry: { baseDelayMs: 0 } };
