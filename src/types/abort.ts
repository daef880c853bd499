/**
 * What the router and adapters use of an `AbortSignal`: its state and its `'abort'` listeners.
 * Every `AbortSignal` is one; so is an {@link AbortLatch}, which costs far less to make in Node 20
 * (where each `AbortSignal` gets a hidden class of its own).
 */
export interface AbortSignalLike {
  /** Whether it has aborted. */
  readonly aborted: boolean;
  /** Why it aborted (`undefined` before). */
  readonly reason: unknown;
  /** Adds an `'abort'` listener (a function or an object with `handleEvent`). */
  addEventListener(type: 'abort', listener: AbortListener, options?: { readonly once?: boolean }): void;
  /** Removes an `'abort'` listener added before. */
  removeEventListener(type: 'abort', listener: AbortListener): void;
}

/** An `'abort'` listener: a function, or an object with `handleEvent` (no closure needed). */
export type AbortListener = ((event: Event) => void) | { handleEvent(event: Event): void };
