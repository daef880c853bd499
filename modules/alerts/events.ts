import type { DeliveryErrorInfo } from './delivery/sink-error.js';
import type { Alert, Notification, Severity } from './types.js';

/** Fields of every delivery event. */
export interface DeliveryEventBase {
  /** Name of the sink in `options.sinks`. */
  readonly sink: string;
  /** Kind of sink (`slack`, `pagerduty`, ...). */
  readonly kind: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly status: Notification['status'];
}

/** Events of an {@link AlertManager}, by name. Listeners that throw are ignored. */
export interface AlertEvents {
  /** An alert's condition holds; it fires after `forMs`. */
  'alert:pending': (alert: Alert) => void;
  'alert:firing': (alert: Alert) => void;
  'alert:resolved': (alert: Alert) => void;
  /** A notification was handed to a sink's queue. */
  notification: (event: { readonly sink: string; readonly notification: Notification }) => void;
  /** A sink accepted a notification. */
  'delivery:success': (event: DeliveryEventBase & { readonly attempts: number }) => void;
  /** An attempt failed and will be retried after `delayMs`. */
  'delivery:retry': (
    event: DeliveryEventBase & {
      readonly attempt: number;
      readonly delayMs: number;
      readonly fromRetryAfter: boolean;
      readonly error: DeliveryErrorInfo;
    },
  ) => void;
  /** A notification could not be delivered (retries exhausted or not retryable). */
  'delivery:failure': (
    event: DeliveryEventBase & { readonly attempts: number; readonly error: DeliveryErrorInfo },
  ) => void;
  /** A notification was dropped: its sink's queue overflowed, or the manager closed. */
  'delivery:dropped': (event: DeliveryEventBase & { readonly reason: 'queue_full' | 'closed' }) => void;
  /** A sink's breaker opened (deliveries pause for the cooldown) or closed again. */
  'sink:breaker': (event: {
    readonly sink: string;
    readonly kind: string;
    readonly state: 'open' | 'closed';
  }) => void;
  /** The manager's own failure (a rule that threw, a listener): never thrown into routing. */
  error: (event: { readonly source: string; readonly message: string }) => void;
}

/** Names of {@link AlertEvents}. */
export type AlertEventName = keyof AlertEvents;

type AnyListener = (payload: never) => void;

/** A tiny typed emitter whose listeners cannot throw into the emitter. */
export class AlertEmitter {
  readonly #listeners = new Map<AlertEventName, Set<AnyListener>>();

  on<E extends AlertEventName>(event: E, listener: AlertEvents[E]): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as AnyListener);
    return () => this.off(event, listener);
  }

  off<E extends AlertEventName>(event: E, listener: AlertEvents[E]): void {
    this.#listeners.get(event)?.delete(listener as AnyListener);
  }

  emit<E extends AlertEventName>(event: E, payload: Parameters<AlertEvents[E]>[0]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const l of set) {
      try {
        (l as (p: unknown) => void)(payload);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
