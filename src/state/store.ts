/**
 * Per-target state that the reliability code reads and writes: the circuit breaker, the
 * provider's Retry-After block, and the requests-per-minute window.
 *
 * It sits behind {@link StateStore} so that a shared store (for example one backed by Redis)
 * can later share breaker and limit state across processes: such a store keeps a local mirror
 * that the router reads synchronously and writes through in {@link StateStore.commit}.
 */

/** Circuit-breaker state of one target. */
export interface BreakerRecord {
  /** `closed`: in rotation; `open`: ejected (half-open once `now >= openUntil`). */
  state: 'closed' | 'open';
  /** Failures in a row that count against health. */
  consecutiveFailures: number;
  /** Ejections in a row (the cooldown grows with it). */
  ejections: number;
  /** Clock time at which the last ejection began. */
  openedAt: number;
  /** Clock time until which the target is skipped. */
  openUntil: number;
  /** Whether the single half-open probe is in flight. */
  probeInFlight: boolean;
  /** Clock time of the last restore. */
  restoredAt: number;
}

/** All mutable per-target state. */
export interface TargetState {
  /** Circuit breaker. */
  readonly breaker: BreakerRecord;
  /** Clock time before which the provider asked not to be called (Retry-After). */
  blockedUntil: number;
  /** Start times of recent attempts (ring buffer) for the requests-per-minute limit. */
  rateStamps: Float64Array | undefined;
  /** Index of the oldest stamp in `rateStamps`. */
  rateHead: number;
}

/** Where per-target state lives. The default keeps it in memory, per router. */
export interface StateStore {
  /** The live state of a target, created on first use. Called once per target when the router is built. */
  target(id: string): TargetState;
  /** Called after the router changed a target's breaker or block state (not on every call). */
  commit?(id: string, state: TargetState): void;
}

/** Fresh state for a target. */
export function createTargetState(): TargetState {
  return {
    breaker: {
      state: 'closed',
      consecutiveFailures: 0,
      ejections: 0,
      openedAt: 0,
      openUntil: 0,
      probeInFlight: false,
      restoredAt: 0,
    },
    blockedUntil: 0,
    rateStamps: undefined,
    rateHead: 0,
  };
}

/**
 * The default {@link StateStore}: state in a `Map`, private to the process. Pass one instance
 * to several routers to let them share breaker and limit state.
 */
export class MemoryStateStore implements StateStore {
  readonly #targets = new Map<string, TargetState>();

  target(id: string): TargetState {
    let state = this.#targets.get(id);
    if (!state) {
      state = createTargetState();
      this.#targets.set(id, state);
    }
    return state;
  }
}
