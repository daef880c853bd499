import type { RouterStream, StreamEvent } from '../../index.js';

type Pending = {
  resolve: (r: IteratorResult<StreamEvent>) => void;
  reject: (e: unknown) => void;
};

const DONE: IteratorResult<StreamEvent> = { value: undefined, done: true };

/**
 * Reads a router stream one event at a time, and can be cancelled at any moment: `cancel()`
 * ends the router call (the iterator's `return()`, which aborts the attempt) and settles a read
 * in progress as done, so a server that learns of a gone client while waiting for a token stops
 * waiting at once.
 */
export class EventReader {
  readonly #iterator: AsyncIterator<StreamEvent>;
  #pending: Pending | undefined;
  #cancelled = false;
  #ended = false;

  constructor(stream: RouterStream) {
    this.#iterator = stream[Symbol.asyncIterator]();
  }

  /** Whether {@link cancel} was called. */
  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** The next event; done when the stream ended or was cancelled; rejects with the call's error. */
  next(): Promise<IteratorResult<StreamEvent>> {
    if (this.#cancelled || this.#ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#iterator.next().then(
        (result) => {
          if (result.done) this.#ended = true;
          this.#settle()?.resolve(result);
        },
        (error: unknown) => {
          this.#ended = true;
          this.#settle()?.reject(error);
        },
      );
    });
  }

  /** Stops reading and cancels the router call (unless it already ended). Idempotent. */
  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#settle()?.resolve(DONE);
    if (!this.#ended) {
      this.#ended = true;
      void this.#iterator.return?.();
    }
  }

  #settle(): Pending | undefined {
    const pending = this.#pending;
    this.#pending = undefined;
    return pending;
  }
}
