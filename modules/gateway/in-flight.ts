import type { AbortLatch } from '../../index.js';

/**
 * The gateway's calls in flight, by their AbortLatch. Tracking a call costs a set entry;
 * a promise that settles when the call ends is made only for a caller that waits
 * ({@link InFlight.settled}: `stop()`, `replaceRouter()`), not for every call.
 */
export class InFlight {
  readonly #calls = new Map<AbortLatch, (() => void) | undefined>();

  /** Calls in flight. */
  get size(): number {
    return this.#calls.size;
  }

  /** The controllers of the calls in flight. */
  keys(): IterableIterator<AbortLatch> {
    return this.#calls.keys();
  }

  /** Registers a call in flight. */
  add(controller: AbortLatch): void {
    this.#calls.set(controller, undefined);
  }

  /** The call has ended: unregisters it and wakes whoever waits for it. */
  delete(controller: AbortLatch): void {
    const wake = this.#calls.get(controller);
    this.#calls.delete(controller);
    wake?.();
  }

  /** Resolves when every call in flight now has ended (calls added later are not waited for). */
  settled(): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const [controller, wake] of this.#calls) {
      waits.push(
        new Promise<void>((resolve) => {
          this.#calls.set(
            controller,
            wake === undefined
              ? resolve
              : () => {
                  wake();
                  resolve();
                },
          );
        }),
      );
    }
    return Promise.all(waits).then(() => {});
  }
}
