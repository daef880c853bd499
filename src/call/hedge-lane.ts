import { SwitchyardError } from '../errors/switchyard-error.js';
import type { HedgeDelaySource } from '../events.js';
import type { CallScope } from '../reliability/call-scope.js';
import type { TargetRuntime } from '../target-runtime.js';
import type { HedgeOptions } from '../types/hedge.js';
import type { AttemptRecord } from '../types/response.js';

/** {@link HedgeOptions} with the defaults filled in. */
export interface ResolvedHedge {
  readonly delayMs: number | 'p95';
  readonly maxHedges: number;
  readonly initialDelayMs: number;
  readonly minSamples: number;
}

/** Default of `HedgeOptions.maxHedges`. */
export const DEFAULT_MAX_HEDGES = 1;
/** Default of `HedgeOptions.initialDelayMs`. */
export const DEFAULT_INITIAL_HEDGE_DELAY_MS = 1000;
/** Default of `HedgeOptions.minSamples`. */
export const DEFAULT_HEDGE_MIN_SAMPLES = 20;

/** The options with their defaults (the options were validated before). */
export function resolveHedge(options: HedgeOptions): ResolvedHedge {
  return {
    delayMs: options.delayMs,
    maxHedges: options.maxHedges ?? DEFAULT_MAX_HEDGES,
    initialDelayMs: options.initialDelayMs ?? DEFAULT_INITIAL_HEDGE_DELAY_MS,
    minSamples: options.minSamples ?? DEFAULT_HEDGE_MIN_SAMPLES,
  };
}

/** The delay a hedge waits before it is sent: the one that decides whether a hedge can ever start. */
export function firstHedgeDelay(hedge: ResolvedHedge): number {
  return hedge.delayMs === 'p95' ? hedge.initialDelayMs : hedge.delayMs;
}

/**
 * How long an attempt on `target` may go without content before it is hedged: the fixed delay;
 * or in `'p95'` mode the target's learned p95 (answer time, or time to first content for a
 * stream) once it has `minSamples` samples, else all targets' p95 once they have that many
 * together, else `initialDelayMs`.
 */
export function hedgeDelay(
  hedge: ResolvedHedge,
  target: TargetRuntime,
  stream: boolean,
): { readonly delayMs: number; readonly source: HedgeDelaySource } {
  if (hedge.delayMs !== 'p95') return { delayMs: hedge.delayMs, source: 'fixed' };
  const own = target.latency;
  const mine = own?.of(stream);
  if (mine !== undefined && mine.samples >= hedge.minSamples) {
    return { delayMs: mine.quantile(0.95) ?? hedge.initialDelayMs, source: 'target' };
  }
  const all = own?.pool?.of(stream);
  if (all !== undefined && all.samples >= hedge.minSamples) {
    return { delayMs: all.quantile(0.95) ?? hedge.initialDelayMs, source: 'all-targets' };
  }
  return { delayMs: hedge.initialDelayMs, source: 'initial' };
}

/**
 * One attempt of a hedged round, as the attempt runner sees it: its own scope (a child of the
 * call's, so that cancelling it leaves the others running), and a commit that only the first
 * attempt to produce content wins.
 */
export class HedgeLane {
  readonly scope: CallScope;
  readonly target: TargetRuntime;
  readonly attempt: number;
  /** Whether the attempt was sent as a hedge (not the round's first). */
  readonly hedge: boolean;
  /** Clock time at which the attempt started. */
  readonly startedAt: number;
  /** Set when another attempt of the round won: the router cancelled this one. */
  lost = false;
  /** Set once the attempt has settled. */
  done = false;
  readonly #commit: (lane: HedgeLane) => boolean;

  constructor(
    scope: CallScope,
    target: TargetRuntime,
    attempt: number,
    hedge: boolean,
    startedAt: number,
    commit: (lane: HedgeLane) => boolean,
  ) {
    this.scope = scope;
    this.target = target;
    this.attempt = attempt;
    this.hedge = hedge;
    this.startedAt = startedAt;
    this.#commit = commit;
  }

  /** Claims the win for this attempt; `false` when another attempt won first (this one is cancelled). */
  commit(): boolean {
    return this.#commit(this);
  }

  /** The error of an attempt that lost the race (its scope's abort reason, normally). */
  lostError(): SwitchyardError {
    return new SwitchyardError(
      'aborted',
      'cancelled: another attempt of the hedged call produced content first',
      {
        target: this.target.id,
        retryable: false,
      },
    );
  }
}

/** The attempt record of a failed attempt of a hedged round. */
export function hedgedFailure(
  attempt: number,
  target: string,
  error: SwitchyardError,
  durationMs: number,
  lane: HedgeLane,
  lostCostUsd: number | undefined,
): AttemptRecord {
  const record: { -readonly [K in keyof AttemptRecord]: AttemptRecord[K] } = {
    attempt,
    target,
    outcome: 'failure',
    errorKind: error.kind,
    durationMs,
  };
  if (lane.hedge) record.hedge = true;
  if (lostCostUsd !== undefined) {
    record.lostHedge = true;
    record.costUsd = lostCostUsd;
  }
  return record;
}
