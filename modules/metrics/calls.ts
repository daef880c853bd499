/** What the collector remembers of a call in flight (dropped when it ends). */
export interface CallState {
  alias: string;
  /** Target of the last failed attempt: where a retry goes. */
  lastTarget: string;
}

/** Calls remembered at most: far above any real concurrency; the oldest are dropped beyond it. */
const MAX_TRACKED_CALLS = 100_000;

/**
 * The calls in flight, by request id. The latest call stays out of the map while it is alone
 * in flight, so a sequential caller never touches the map.
 */
export class CallsInFlight {
  /** Calls in flight but the latest one. */
  readonly #calls = new Map<string, CallState>();
  #currentId: string | undefined;
  #current: CallState | undefined;

  /** Remembers a call that starts, dropping the oldest one beyond {@link MAX_TRACKED_CALLS}. */
  start(requestId: string, state: CallState): void {
    if (this.#currentId !== undefined) {
      // Another call is in flight: it moves to the map.
      if (this.#calls.size + 1 >= MAX_TRACKED_CALLS) {
        const oldest = this.#calls.keys().next().value;
        if (oldest !== undefined) this.#calls.delete(oldest);
      }
      this.#calls.set(this.#currentId, this.#current as CallState);
    }
    this.#currentId = requestId;
    this.#current = state;
  }

  /** The call `requestId` if it is in flight. */
  get(requestId: string): CallState | undefined {
    return requestId === this.#currentId
      ? this.#current
      : this.#calls.size === 0
        ? undefined
        : this.#calls.get(requestId);
  }

  /** Forgets the call `requestId`, which ended. */
  end(requestId: string): void {
    if (requestId === this.#currentId) {
      this.#currentId = undefined;
      this.#current = undefined;
    } else if (this.#calls.size > 0) {
      this.#calls.delete(requestId);
    }
  }

  /** Forgets every call (on close). */
  clear(): void {
    this.#calls.clear();
    this.#currentId = undefined;
    this.#current = undefined;
  }
}
