import { EventEmitter } from 'eventemitter3';
import type { ErrorKind } from './errors/error-kind.js';
import type { SwitchyardError } from './errors/switchyard-error.js';
import type { AffinityOutcome } from './types/affinity.js';
import type { BudgetPeriod, BudgetScope } from './types/budget.js';
import type { Message } from './types/message.js';
import type { AttemptRecord, FinishReason, Usage } from './types/response.js';
import type { CandidateScore } from './types/strategy.js';

/** Fields shared by every per-call event. */
export interface CallEventBase {
  /** Router-unique id of the call. */
  readonly requestId: string;
  /** Whether the call is a stream. */
  readonly stream: boolean;
  /** The caller's `tags`, if any. */
  readonly tags?: readonly string[];
}

/** `request:start`: a call was accepted (after validation). */
export interface RequestStartEvent extends CallEventBase {
  /** The requested model alias, if any. */
  readonly model?: string;
  /** Strategy name used for the call. */
  readonly strategy: string;
  /** Clock time at which the call started. */
  readonly startedAt: number;
  /** The prompt; present only with `includeContentInEvents: true`. */
  readonly messages?: readonly Message[];
  /** The request's `metadata` (data for strategies and event consumers; never sent to a provider). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** `route`: the strategy's decision for one attempt (emitted only while someone listens). */
export interface RouteEvent extends CallEventBase {
  /** 1-based attempt number. */
  readonly attempt: number;
  /** Strategy name. */
  readonly strategy: string;
  /** Target picked. */
  readonly picked: string;
  /** Every candidate with its score (when the strategy can describe), else its id only. */
  readonly candidates: readonly CandidateScore[];
  /** The conditional route (`RouterOptions.routes`) that shaped the call, if one matched. */
  readonly rule?: string;
  /**
   * How session affinity went (`RouterOptions.affinity`): on first attempts of calls with an
   * affinity key only. On a `hit` the strategy was not asked.
   */
  readonly affinity?: AffinityOutcome;
}

/** `attempt:start`: an upstream request is about to be sent. */
export interface AttemptStartEvent extends CallEventBase {
  readonly attempt: number;
  /** Target id. */
  readonly target: string;
  /** Provider model id. */
  readonly model: string;
  /** Provider name of the target's adapter. */
  readonly provider: string;
}

/** `attempt:success`: an upstream request succeeded. */
export interface AttemptSuccessEvent extends AttemptStartEvent {
  /** Duration of the attempt in ms. */
  readonly durationMs: number;
  /** Time from the start of this attempt to its first content, in ms (streams). */
  readonly ttftMs?: number;
  /** Token usage. */
  readonly usage: Usage;
  /** Cost in USD, when prices are known. */
  readonly costUsd?: number;
}

/** `attempt:failure`: an upstream request failed. */
export interface AttemptFailureEvent extends AttemptStartEvent {
  /** Duration of the attempt in ms. */
  readonly durationMs: number;
  /** The error (its message never contains secrets or prompt text). */
  readonly error: SwitchyardError;
  /** Whether the router will make another attempt. */
  readonly willRetry: boolean;
  /** Set when the router cancelled the attempt because another attempt of its hedged round won. */
  readonly lostHedge?: boolean;
}

/**
 * Where a hedge delay came from: `fixed` (`delayMs` in ms); in `'p95'` mode, `target` (the
 * hedged target's learned p95), `all-targets` (every target's latencies together, while the
 * target has fewer than `minSamples` of its own) or `initial` (`initialDelayMs`, until then).
 */
export type HedgeDelaySource = 'fixed' | 'target' | 'all-targets' | 'initial';

/**
 * `hedge:start`: an attempt produced nothing within its hedge delay (no answer, or no first
 * content for a stream), so the same call was sent to another target as well
 * (`HedgeOptions`). Carries no prompt text.
 */
export interface HedgeStartEvent extends CallEventBase {
  /** The attempt number of the hedge. */
  readonly attempt: number;
  /** Target of the hedge. */
  readonly target: string;
  /** The attempt that was too slow: the most recent one still running. */
  readonly hedgedAttempt: number;
  /** Its target. */
  readonly hedgedTarget: string;
  /** The delay that ran out, in ms. */
  readonly delayMs: number;
  /** Where the delay came from (see {@link HedgeDelaySource}). */
  readonly delaySource: HedgeDelaySource;
  /** Hedges this call has sent so far, this one included. */
  readonly hedges: number;
}

/**
 * `hedge:won`: in a round where at least one hedge was sent, an attempt produced content first
 * (a completion's answer, a stream's first content); the others were cancelled.
 */
export interface HedgeWonEvent extends CallEventBase {
  /** The winning attempt. */
  readonly attempt: number;
  /** Its target. */
  readonly target: string;
  /** Whether the winner was a hedge (`false`: the attempt that was hedged won after all). */
  readonly hedge: boolean;
  /** The attempts cancelled because of the win, with their targets. */
  readonly cancelled: readonly { readonly attempt: number; readonly target: string }[];
  /** Time from the start of the winning attempt to its content, in ms. */
  readonly latencyMs: number;
}

/** `retry`: the router waits, then tries an already-tried target again. */
export interface RetryEvent extends CallEventBase {
  /** The attempt number that follows the wait. */
  readonly attempt: number;
  /** Wait in ms (Retry-After when the provider sent one, else backoff). */
  readonly delayMs: number;
  /** Kind of the failure that caused the retry. */
  readonly errorKind: ErrorKind;
  /** Whether the wait comes from the provider's Retry-After. */
  readonly fromRetryAfter: boolean;
}

/** `fallback`: the next attempt goes to another target. */
export interface FallbackEvent extends CallEventBase {
  /** The attempt number of the fallback. */
  readonly attempt: number;
  /** Target that failed. */
  readonly from: string;
  /** Target tried next. */
  readonly to: string;
  /** Kind of the failure. */
  readonly errorKind: ErrorKind;
}

/** `target:ejected`: the circuit breaker took a target out of rotation. */
export interface TargetEjectedEvent {
  readonly target: string;
  /** Clock time until which the target is skipped. */
  readonly until: number;
  /** Cooldown length in ms. */
  readonly cooldownMs: number;
  /** Consecutive failures that tripped the breaker. */
  readonly consecutiveFailures: number;
  /** How many times in a row the target has been ejected. */
  readonly ejections: number;
  /** Kind of the failure that tripped it. */
  readonly errorKind: ErrorKind;
}

/** `target:restored`: a probe succeeded and the target is back in rotation. */
export interface TargetRestoredEvent {
  readonly target: string;
  /** How long it was out, in ms. */
  readonly downMs: number;
}

/** `request:success`: a call resolved. */
export interface RequestSuccessEvent extends CallEventBase {
  readonly target: string;
  readonly model: string;
  /** Wall time of the call in ms, retries included. */
  readonly latencyMs: number;
  /** Every attempt. */
  readonly attempts: readonly AttemptRecord[];
  readonly usage: Usage;
  readonly finishReason: FinishReason;
  /** Cost in USD, when prices are known. */
  readonly costUsd?: number;
  /** When the provider reported no usage (`usage.unknown`): the router's estimate from the prompt and answer. */
  readonly estimatedUsage?: Usage;
  /** The generated text; present only with `includeContentInEvents: true`. */
  readonly text?: string;
}

/** `request:failure`: a call rejected. */
export interface RequestFailureEvent extends CallEventBase {
  readonly error: SwitchyardError;
  readonly latencyMs: number;
  readonly attempts: readonly AttemptRecord[];
}

/** `stream:first-token`: the first content event of a stream arrived. */
export interface StreamFirstTokenEvent extends CallEventBase {
  readonly attempt: number;
  readonly target: string;
  /** Time from the start of the call to the first content, in ms. */
  readonly ttftMs: number;
}

/** `listener:error`: an event listener threw; the call carried on. */
export interface ListenerErrorEvent {
  /** The event whose listener threw. */
  readonly event: string;
  /** What it threw. */
  readonly error: unknown;
}

/**
 * `budget:threshold`: a budget's spend reached a threshold (by default 50%, 80% and 100% of its
 * limit), once per threshold and period in this process. 100% also fires when the budget first
 * refuses a call in the period (`reason: 'refusal'`): it can no longer cover one.
 */
export interface BudgetThresholdEvent {
  /** The budget's id. */
  readonly budget: string;
  readonly scope: BudgetScope;
  readonly period: BudgetPeriod;
  /** The period (`2026-12-02`, `2026-12` or `total`). */
  readonly periodKey: string;
  readonly limitUsd: number;
  /** Settled spend in the period. */
  readonly spentUsd: number;
  /** The fraction of the limit reached (e.g. `0.8`). */
  readonly threshold: number;
  /** `spend`: the settled spend reached it; `refusal`: a call was refused. */
  readonly reason: 'spend' | 'refusal';
}

/**
 * `store:degraded`: the shared state store stopped answering (down, unreachable, too slow); the
 * router keeps serving from the store's local state. From stores with `watch` (e.g. Redis).
 */
export interface StoreDegradedEvent {
  /** Why, without credentials (e.g. `connection lost (ECONNREFUSED)`). */
  readonly reason: string;
  /** Store clock time at which it happened. */
  readonly at: number;
}

/** `store:restored`: the shared state store answers again and has resynced. */
export interface StoreRestoredEvent {
  /** How long it was degraded (ms). */
  readonly downMs: number;
  /** Store clock time at which it happened. */
  readonly at: number;
}

/** Every event of a {@link Router}, by name, with its payload. */
export interface RouterEvents {
  'request:start': (event: RequestStartEvent) => void;
  route: (event: RouteEvent) => void;
  'attempt:start': (event: AttemptStartEvent) => void;
  'attempt:success': (event: AttemptSuccessEvent) => void;
  'attempt:failure': (event: AttemptFailureEvent) => void;
  retry: (event: RetryEvent) => void;
  fallback: (event: FallbackEvent) => void;
  'target:ejected': (event: TargetEjectedEvent) => void;
  'target:restored': (event: TargetRestoredEvent) => void;
  'request:success': (event: RequestSuccessEvent) => void;
  'request:failure': (event: RequestFailureEvent) => void;
  'stream:first-token': (event: StreamFirstTokenEvent) => void;
  'hedge:start': (event: HedgeStartEvent) => void;
  'hedge:won': (event: HedgeWonEvent) => void;
  'budget:threshold': (event: BudgetThresholdEvent) => void;
  'store:degraded': (event: StoreDegradedEvent) => void;
  'store:restored': (event: StoreRestoredEvent) => void;
  'listener:error': (event: ListenerErrorEvent) => void;
}

/** Names of {@link RouterEvents}. */
export type RouterEventName = keyof RouterEvents;

type Listener = (event: never) => void;

/**
 * The router's event emitter (eventemitter3 underneath, through its public API only): typed
 * `on`/`off`/`once`, and an `emit` that the router alone calls. Each listener runs in its own
 * try/catch: one that throws is reported as `listener:error` while the others and the call
 * carry on.
 */
export class RouterEmitter {
  readonly #emitter = new EventEmitter();
  /**
   * Registrations minus removals: 0 means no listener at all (one compare on the hot path).
   * Once-listeners that fired leave it high, which only sends `has` to the exact count.
   */
  #registered = 0;
  /** The guarded wrapper of each listener, per event, so that `off` finds it. */
  readonly #wrappers = new Map<RouterEventName, Map<Listener, (payload: unknown) => void>>();

  /** Whether anyone listens to `event` (payloads are built only then). */
  has(event: RouterEventName): boolean {
    return this.#registered !== 0 && this.#emitter.listenerCount(event) !== 0;
  }

  /** Calls every listener of `event` with `payload`. */
  emit<E extends RouterEventName>(event: E, payload: Parameters<RouterEvents[E]>[0]): void {
    this.#emitter.emit(event, payload);
  }

  on<E extends RouterEventName>(event: E, listener: RouterEvents[E]): void {
    this.#emitter.on(event, this.#wrap(event, listener as Listener));
    this.#registered++;
  }

  once<E extends RouterEventName>(event: E, listener: RouterEvents[E]): void {
    this.#emitter.once(event, this.#wrap(event, listener as Listener));
    this.#registered++;
  }

  off<E extends RouterEventName>(event: E, listener?: RouterEvents[E]): void {
    const before = this.#emitter.listenerCount(event);
    if (listener === undefined) {
      this.#emitter.removeAllListeners(event);
      this.#wrappers.delete(event);
    } else {
      const wrapper = this.#wrappers.get(event)?.get(listener as Listener);
      if (wrapper === undefined) return;
      this.#emitter.off(event, wrapper); // removes every registration of this listener, as eventemitter3 does
      this.#wrappers.get(event)?.delete(listener as Listener);
    }
    this.#registered = Math.max(0, this.#registered - (before - this.#emitter.listenerCount(event)));
  }

  /** Number of listeners of `event`. */
  listenerCount(event: RouterEventName): number {
    return this.#emitter.listenerCount(event);
  }

  #wrap(event: RouterEventName, listener: Listener): (payload: unknown) => void {
    let byListener = this.#wrappers.get(event);
    if (byListener === undefined) {
      byListener = new Map();
      this.#wrappers.set(event, byListener);
    }
    let wrapper = byListener.get(listener);
    if (wrapper === undefined) {
      wrapper = (payload: unknown) => {
        try {
          (listener as (payload: unknown) => void)(payload);
        } catch (error) {
          if (event !== 'listener:error') this.emit('listener:error', { event, error });
        }
      };
      byListener.set(listener, wrapper);
    }
    return wrapper;
  }
}
