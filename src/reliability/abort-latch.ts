import type { AbortListener, AbortSignalLike } from '../types/abort.js';

/**
 * A one-shot abort state with `'abort'` listeners: an {@link AbortSignalLike} that is its own
 * controller. Pass it as a request's `signal` where a call is made per request on a hot path:
 * in Node 20 every `AbortSignal` gets a hidden class of its own (three new maps per signal, fixed
 * in Node 22), which costs time and young-generation garbage that outlives scavenges; a latch
 * is a plain object.
 *
 * Listeners run once, in the order added, with an `Event` of type `'abort'`; adding the same
 * listener twice adds it once, and a listener added after the abort never runs (as with
 * `EventTarget`).
 *
 * @example
 * ```ts
 * const latch = new AbortLatch();
 * req.on('close', () => latch.abort(new Error('client left')));
 * await router.complete({ model: 'chat', messages, signal: latch });
 * ```
 */
export class AbortLatch implements AbortSignalLike {
  #aborted = false;
  #reason: unknown = undefined;
  /** One listener, or several: most latches have zero or one. */
  #listeners: AbortListener | AbortListener[] | undefined = undefined;

  /** Whether {@link abort} was called. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** The reason given to {@link abort} (`undefined` before). */
  get reason(): unknown {
    return this.#reason;
  }

  /**
   * Aborts (only the first call counts) and runs the listeners. Without a `reason`, the reason is
   * a `DOMException` named `AbortError`, as `AbortController.abort()` gives.
   */
  abort(reason?: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason =
      reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    const listeners = this.#listeners;
    if (listeners === undefined) return;
    this.#listeners = undefined;
    const event = new Event('abort');
    if (Array.isArray(listeners)) for (const listener of listeners) notify(listener, event);
    else notify(listeners, event);
  }

  /** Throws the reason when aborted. */
  throwIfAborted(): void {
    if (this.#aborted) throw this.#reason;
  }

  /** Adds an `'abort'` listener; ignored once aborted, or when it is already there. */
  addEventListener(type: 'abort', listener: AbortListener): void {
    if (type !== 'abort' || this.#aborted) return;
    const listeners = this.#listeners;
    if (listeners === undefined) this.#listeners = listener;
    else if (Array.isArray(listeners)) {
      if (!listeners.includes(listener)) listeners.push(listener);
    } else if (listeners !== listener) this.#listeners = [listeners, listener];
  }

  /** Removes an `'abort'` listener. */
  removeEventListener(type: 'abort', listener: AbortListener): void {
    if (type !== 'abort') return;
    const listeners = this.#listeners;
    if (listeners === listener) this.#listeners = undefined;
    else if (Array.isArray(listeners)) {
      const at = listeners.indexOf(listener);
      if (at !== -1) listeners.splice(at, 1);
    }
  }
}

/** Runs one listener; a throwing listener is reported like an `EventTarget` listener's, not thrown. */
function notify(listener: AbortListener, event: Event): void {
  try {
    if (typeof listener === 'function') listener(event);
    else listener.handleEvent(event);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/**
 * Whether `value` can serve as a request's `signal`: an `AbortSignal`, an {@link AbortLatch}, or
 * any object with a boolean `aborted` and `addEventListener`/`removeEventListener` functions.
 */
export function isAbortSignalLike(value: unknown): value is AbortSignalLike {
  if (value instanceof AbortSignal || value instanceof AbortLatch) return true;
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<'aborted' | 'addEventListener' | 'removeEventListener', unknown>>;
  return (
    typeof v.aborted === 'boolean' &&
    typeof v.addEventListener === 'function' &&
    typeof v.removeEventListener === 'function'
  );
}
