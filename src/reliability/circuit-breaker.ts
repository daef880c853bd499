import type { BreakerState } from '../state/store.js';

/** Mutable breaker state, owned by a state store. */
export type BreakerRecord = { -readonly [K in keyof BreakerState]: BreakerState[K] };

/** A closed breaker with no history. */
export function closedBreaker(): BreakerRecord {
  return {
    state: 'closed',
    consecutiveFailures: 0,
    ejections: 0,
    openedAt: 0,
    openUntil: 0,
    probeInFlight: false,
    restoredAt: 0,
  };
}

/** Circuit-breaker options. */
export interface BreakerOptions {
  /** Consecutive failures that eject a target. @default 5 */
  readonly failureThreshold?: number;
  /** Cooldown of the first ejection in ms; the k-th ejection in a row waits `k × cooldownMs`. @default 10000 */
  readonly cooldownMs?: number;
  /** Cap of the cooldown in ms. @default 300000 */
  readonly maxCooldownMs?: number;
  /**
   * When every candidate is ejected: wait for the earliest recovery (within the call's deadline)
   * instead of failing at once with `no_target`. @default false
   */
  readonly waitForRecovery?: boolean;
}

/** Breaker options with defaults applied. */
export type ResolvedBreakerOptions = Required<BreakerOptions>;

/** Applies defaults to {@link BreakerOptions}. */
export function resolveBreakerOptions(options: BreakerOptions = {}): ResolvedBreakerOptions {
  return {
    failureThreshold: options.failureThreshold ?? 5,
    cooldownMs: options.cooldownMs ?? 10_000,
    maxCooldownMs: options.maxCooldownMs ?? 300_000,
    waitForRecovery: options.waitForRecovery ?? false,
  };
}

/** Whether a target can take an attempt now: in rotation, as the half-open probe, or not at all. */
export type Availability = 'closed' | 'probe' | 'unavailable';

/** An ejection that just happened. */
export interface Ejection {
  readonly until: number;
  readonly cooldownMs: number;
  readonly consecutiveFailures: number;
  readonly ejections: number;
}

/**
 * Per-target circuit breaker (outlier ejection): `failureThreshold` failures in a row eject the
 * target for a cooldown that grows with each ejection in a row (`k × cooldownMs`, capped). After
 * the cooldown exactly one probe attempt is let through; its success restores the target, its
 * failure ejects it again. The logic is stateless: all state is in the {@link BreakerRecord}.
 */
export class CircuitBreaker {
  readonly #options: ResolvedBreakerOptions;

  constructor(options: ResolvedBreakerOptions) {
    this.#options = options;
  }

  /** Can the target take an attempt at `now`? */
  availability(record: BreakerRecord, now: number): Availability {
    if (record.state === 'closed') return 'closed';
    if (now < record.openUntil || record.probeInFlight) return 'unavailable';
    return 'probe';
  }

  /** Marks the attempt about to start as the probe when the target is half-open. Returns whether it is. */
  claimProbe(record: BreakerRecord, now: number): boolean {
    if (record.state === 'closed' || now < record.openUntil || record.probeInFlight) return false;
    record.probeInFlight = true;
    return true;
  }

  /** A probe ended without saying anything about health (caller abort, bad request): let another probe through. */
  releaseProbe(record: BreakerRecord): void {
    record.probeInFlight = false;
  }

  /**
   * Records a success. Returns how long the target was out (ms) when this restored it, else -1.
   * While ejected, only the probe's success counts.
   */
  onSuccess(record: BreakerRecord, now: number, wasProbe: boolean): number {
    if (record.state === 'open') {
      if (!wasProbe) return -1;
      record.state = 'closed';
      record.consecutiveFailures = 0;
      record.probeInFlight = false;
      record.restoredAt = now;
      return now - record.openedAt;
    }
    record.consecutiveFailures = 0;
    // A target that stayed healthy for a full maximum cooldown starts over at the base cooldown.
    if (record.ejections > 0 && now - record.restoredAt >= this.#options.maxCooldownMs) record.ejections = 0;
    return -1;
  }

  /**
   * Records a failure that counts against health. Returns the ejection when it caused one.
   * A failure of an attempt that started before the ejection changes nothing: it never moves
   * `openUntil` earlier nor adds an ejection.
   */
  onFailure(record: BreakerRecord, now: number, wasProbe: boolean): Ejection | undefined {
    if (record.state === 'open') {
      if (!wasProbe) return undefined;
      record.probeInFlight = false;
      record.consecutiveFailures++;
      return this.#eject(record, now);
    }
    record.consecutiveFailures++;
    if (record.consecutiveFailures < this.#options.failureThreshold) return undefined;
    record.state = 'open';
    return this.#eject(record, now);
  }

  #eject(record: BreakerRecord, now: number): Ejection {
    record.ejections++;
    const cooldownMs = Math.min(this.#options.cooldownMs * record.ejections, this.#options.maxCooldownMs);
    record.openedAt = now;
    record.openUntil = Math.max(record.openUntil, now + cooldownMs);
    return {
      until: record.openUntil,
      cooldownMs,
      consecutiveFailures: record.consecutiveFailures,
      ejections: record.ejections,
    };
  }
}
