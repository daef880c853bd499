import type { StoreDegradedEvent, StoreRestoredEvent } from '../../index.js';

/** `degraded` and `restored` carry the core's payloads, which a router relays as `store:degraded` / `store:restored`. */
export type { StoreDegradedEvent, StoreRestoredEvent };

/** `error`: a failure of the store's own work that no call saw (a replay, a malformed message, a listener). */
export interface StoreErrorEvent {
  /** What the store was doing. */
  readonly operation: string;
  /** The failure (its message never holds credentials). */
  readonly error: Error;
}

/** The events of a {@link RedisStateStore}, by name. */
export interface RedisStoreEvents {
  degraded: StoreDegradedEvent;
  restored: StoreRestoredEvent;
  error: StoreErrorEvent;
}

/** A listener of event `E`. */
export type RedisStoreListener<E extends keyof RedisStoreEvents> = (event: RedisStoreEvents[E]) => void;

/** A small typed emitter: a listener that throws is reported as an `error` event (or dropped, for `error`'s own). */
export class StoreEmitter {
  readonly #listeners = new Map<keyof RedisStoreEvents, Set<(event: never) => void>>();

  on<E extends keyof RedisStoreEvents>(event: E, listener: RedisStoreListener<E>): void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as (event: never) => void);
  }

  off<E extends keyof RedisStoreEvents>(event: E, listener: RedisStoreListener<E>): void {
    this.#listeners.get(event)?.delete(listener as (event: never) => void);
  }

  emit<E extends keyof RedisStoreEvents>(event: E, payload: RedisStoreEvents[E]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as RedisStoreListener<E>)(payload);
      } catch (error) {
        if (event !== 'error') {
          this.emit('error', { operation: `${event} listener`, error: asError(error) });
        }
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}

/** `error` as an `Error`. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
