/** What the collector remembers of a call in flight (dropped when it ends). */
interface CallState {
  alias: string;
  /** Target of the last failed attempt: where a retry goes. */
  lastTarget: string;
}

/** Calls remembered at most: far above any real concurrency; the oldest are dropped beyond it. */
const MAX_TRACKED_CALLS = 100_000;

/**
 * The calls in flight, by request id: each call's alias and the target of its last failed
 * attempt. The latest call stays out of the map, in fields, while it is alone in flight, so a
 * sequential caller touches no map and allocates nothing per call.
 */
export class CallsInFlight {
  /** Calls in flight but the latest one. */
  readonly #calls = new Map<string, CallState>();
  #currentId: string | undefined;
  #currentAlias = '';
  #currentLastTarget = '';

  /** Remembers a call that starts, dropping the oldest one beyond {@link MAX_TRACKED_CALLS}. */
  start(requestId: string, alias: string): void {
    if (this.#currentId !== undefined) {
      // Another call is in flight: it moves to the map.
      if (this.#calls.size + 1 >= MAX_TRACKED_CALLS) {
        const oldest = this.#calls.keys().next().value;
        if (oldest !== undefined) this.#calls.delete(oldest);
      }
      this.#calls.set(this.#currentId, { alias: this.#currentAlias, lastTarget: this.#currentLastTarget });
    }
    this.#currentId = requestId;
    this.#currentAlias = alias;
    this.#currentLastTarget = '';
  }

  /** The alias of call `requestId`, `undefined` when it is not in flight. */
  alias(requestId: string): string | undefined {
    if (requestId === this.#currentId) return this.#currentAlias;
    return this.#calls.size === 0 ? undefined : this.#calls.get(requestId)?.alias;
  }

  /** The target of the last failed attempt of call `requestId` ('' when none or unknown). */
  lastTarget(requestId: string): string {
    if (requestId === this.#currentId) return this.#currentLastTarget;
    return (this.#calls.size === 0 ? undefined : this.#calls.get(requestId)?.lastTarget) ?? '';
  }

  /** Remembers that an attempt of call `requestId` on `target` failed (nothing when it is not in flight). */
  setLastTarget(requestId: string, target: string): void {
    if (requestId === this.#currentId) this.#currentLastTarget = target;
    else if (this.#calls.size > 0) {
      const call = this.#calls.get(requestId);
      if (call !== undefined) call.lastTarget = target;
    }
  }

  /** Forgets the call `requestId`, which ended. */
  end(requestId: string): void {
    if (requestId === this.#currentId) {
      this.#currentId = undefined;
    } else if (this.#calls.size > 0) {
      this.#calls.delete(requestId);
    }
  }

  /** Forgets every call (on close). */
  clear(): void {
    this.#calls.clear();
    this.#currentId = undefined;
  }
}
