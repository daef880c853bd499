import { SwitchyardError } from '../../src/index.js';
import type { ProviderConditions, ProviderPhase, SimulatedProviderSpec } from './types.js';

/** A provider's state outside every phase. */
export function healthyConditions(spec: SimulatedProviderSpec): ProviderConditions {
  return { state: 'healthy', latencyFactor: 1, errorRate: spec.failure?.errorRate ?? 0, priceFactor: 1 };
}

/**
 * The provider's true parameters at simulated time `t`: the first phase covering `t` applied
 * over the base models (a ramping phase interpolates its latency factor linearly).
 */
export function conditionsAt(spec: SimulatedProviderSpec, t: number): ProviderConditions {
  const phases = spec.phases;
  if (phases !== undefined) {
    for (const phase of phases) {
      const until = phase.until ?? Number.POSITIVE_INFINITY;
      if (t < phase.from || t >= until) continue;
      const start = phase.latencyFactor ?? 1;
      const end = phase.latencyFactorEnd;
      const ramp = phase.rampMs ?? until - phase.from;
      const latencyFactor =
        end === undefined
          ? start
          : ramp <= 0 || t - phase.from >= ramp
            ? end
            : start + ((end - start) * (t - phase.from)) / ramp;
      return {
        state: phase.state ?? 'degraded',
        latencyFactor,
        errorRate: phase.errorRate ?? spec.failure?.errorRate ?? 0,
        priceFactor: phase.priceFactor ?? 1,
      };
    }
  }
  return healthyConditions(spec);
}

/** A time window in which a provider is degraded or down: what the detection metrics measure. */
export interface DegradationEvent {
  /** Provider (target) id. */
  readonly provider: string;
  /** The provider's position among the providers. */
  readonly index: number;
  /** `degraded` or `outage`. */
  readonly state: 'degraded' | 'outage';
  /** Start, in simulated ms. */
  readonly from: number;
  /** Recovery time, or `Infinity` when it never recovers. */
  readonly until: number;
}

/** Every degraded or outage phase of the providers, in provider then phase order. */
export function degradationEvents(providers: readonly SimulatedProviderSpec[]): DegradationEvent[] {
  const events: DegradationEvent[] = [];
  providers.forEach((spec, index) => {
    for (const phase of spec.phases ?? []) {
      const state = phase.state ?? 'degraded';
      if (state === 'healthy') continue;
      events.push({
        provider: spec.id,
        index,
        state,
        from: phase.from,
        until: phase.until ?? Number.POSITIVE_INFINITY,
      });
    }
  });
  return events;
}

/** Checks one provider spec; throws a `config` error naming the bad field. */
export function checkProviderSpec(spec: SimulatedProviderSpec, position: number): void {
  const where = `providers[${position}] (${spec.id})`;
  const positive = (field: string, value: number | undefined, allowZero = false) => {
    if (value === undefined) return;
    if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
      throw new SwitchyardError(
        'config',
        `${where}: ${field}: expected a finite number ${allowZero ? '>= 0' : '> 0'}, got ${String(value)}`,
        { retryable: false },
      );
    }
  };
  const probability = (field: string, value: number | undefined) => {
    if (value !== undefined && !(value >= 0 && value <= 1)) {
      throw new SwitchyardError(
        'config',
        `${where}: ${field}: expected a probability in [0, 1], got ${value}`,
        {
          retryable: false,
        },
      );
    }
  };
  positive('latency.ttftMs', spec.latency.ttftMs, true);
  positive('latency.prefillTokensPerSec', spec.latency.prefillTokensPerSec);
  positive('latency.decodeTokensPerSec', spec.latency.decodeTokensPerSec);
  positive('latency.sigma', spec.latency.sigma, true);
  positive('latency.loadFactor', spec.latency.loadFactor, true);
  positive('latency.streamLoadFactor', spec.latency.streamLoadFactor, true);
  if (spec.latency.longPrompt !== undefined) {
    positive('latency.longPrompt.aboveInputTokens', spec.latency.longPrompt.aboveInputTokens, true);
    positive('latency.longPrompt.factor', spec.latency.longPrompt.factor);
  }
  probability('failure.errorRate', spec.failure?.errorRate);
  positive('failure.errorLatencyMs', spec.failure?.errorLatencyMs, true);
  positive('failure.rpmLimit', spec.failure?.rpmLimit);
  if (spec.promptCache !== undefined) {
    positive('promptCache.ttlMs', spec.promptCache.ttlMs);
    probability('promptCache.cachedInputFactor', spec.promptCache.cachedInputFactor);
  }
  (spec.phases ?? []).forEach((phase: ProviderPhase, i) => {
    const field = `phases[${i}]`;
    positive(`${field}.from`, phase.from, true);
    if (phase.until !== undefined && !(phase.until > phase.from)) {
      throw new SwitchyardError(
        'config',
        `${where}: ${field}.until: expected a time after from (${phase.from})`,
        {
          retryable: false,
        },
      );
    }
    positive(`${field}.latencyFactor`, phase.latencyFactor);
    positive(`${field}.latencyFactorEnd`, phase.latencyFactorEnd);
    probability(`${field}.errorRate`, phase.errorRate);
    positive(`${field}.priceFactor`, phase.priceFactor, true);
    positive(`${field}.rampMs`, phase.rampMs, true);
    if (phase.latencyFactorEnd !== undefined && phase.until === undefined && phase.rampMs === undefined) {
      throw new SwitchyardError(
        'config',
        `${where}: ${field}.latencyFactorEnd: needs rampMs or a finite until`,
        {
          retryable: false,
        },
      );
    }
  });
}
