/**
 * The shape of a lab scenario and the building blocks the scenarios share: three provider
 * profiles loosely modelled on today's hosted models, and a realistic request mix.
 */
import type {
  SimulatedProviderSpec,
  SimulationRouterOptions,
  TokenDistribution,
  WorkloadSpec,
} from '../../../modules/lab/index.js';

/** One declarative scenario of the routing-quality lab. */
export interface Scenario {
  /** Key in the report (kebab-case). */
  readonly name: string;
  /** One line: what happens. */
  readonly title: string;
  /** What it tests, for the report. */
  readonly description: string;
  readonly providers: readonly SimulatedProviderSpec[];
  readonly workload: WorkloadSpec;
  /** Router settings beyond the lab's defaults (retry 3 attempts, default breaker). */
  readonly router?: SimulationRouterOptions;
  /**
   * Whether the goals apply: traffic leaves the degraded provider within 20 requests,
   * and returns within 30 s of recovery. Only where leaving is right whatever the weights
   * (a slow spike, an outage). @default false
   */
  readonly goals?: boolean;
}

/**
 * Scenarios written after some tuning and kept out of it, reported apart as a check on
 * over-fitting. A set stays honest only while nothing is tuned on it; `history` says what has
 * been.
 */
export interface HeldOutSet {
  /** Letter of the set; its scenarios are numbered A1, A2, … in the report. */
  readonly label: string;
  /** When it was written and what, if anything, was changed after seeing its figures (markdown). */
  readonly history: string;
  readonly scenarios: readonly Scenario[];
}

/** Prompt sizes: 75% chat turns (median 600 tokens), 25% long-context calls (median 6,000). */
export const PROMPT_MIX: TokenDistribution = {
  kind: 'mix',
  parts: [
    { weight: 3, dist: { kind: 'lognormal', median: 600, sigma: 0.9, min: 20, max: 16_000 } },
    { weight: 1, dist: { kind: 'lognormal', median: 6_000, sigma: 0.7, min: 1_000, max: 100_000 } },
  ],
};

/** Output sizes: median 250 tokens, long tail to 4,000. */
export const OUTPUT_MIX: TokenDistribution = {
  kind: 'lognormal',
  median: 250,
  sigma: 0.8,
  min: 5,
  max: 4_000,
};

/** The default workload; scenarios override duration and rate. */
export function workload(
  durationMs: number,
  ratePerSec: number,
  overrides: Partial<WorkloadSpec> = {},
): WorkloadSpec {
  return {
    durationMs,
    ratePerSec,
    inputTokens: PROMPT_MIX,
    outputTokens: OUTPUT_MIX,
    streamShare: 0.25,
    ...overrides,
  };
}

/** Fast and expensive (a frontier model on a fast host). */
export const premium: SimulatedProviderSpec = {
  id: 'premium',
  latency: {
    ttftMs: 350,
    prefillTokensPerSec: 12_000,
    decodeTokensPerSec: 110,
    sigma: 0.3,
    loadFactor: 0.01,
  },
  failure: { errorRate: 0.005 },
  price: { inputPerMTok: 2.5, outputPerMTok: 10 },
};

/** Middle speed, middle price: the best trade-off under the default utility weights. */
export const balanced: SimulatedProviderSpec = {
  id: 'balanced',
  latency: { ttftMs: 500, prefillTokensPerSec: 8_000, decodeTokensPerSec: 80, sigma: 0.3, loadFactor: 0.01 },
  failure: { errorRate: 0.005 },
  price: { inputPerMTok: 0.8, outputPerMTok: 4 },
};

/** Slow and cheap (a small model on a busy host). */
export const budget: SimulatedProviderSpec = {
  id: 'budget',
  latency: { ttftMs: 700, prefillTokensPerSec: 5_000, decodeTokensPerSec: 45, sigma: 0.35, loadFactor: 0.01 },
  failure: { errorRate: 0.01 },
  price: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
};
