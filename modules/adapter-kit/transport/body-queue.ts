/**
 * The bytes of one response as undici delivers them, read through async iteration: a queue
 * between undici's `onData` and the reader. It pauses the connection when the reader falls
 * behind (backpressure) and hangs up when the reader leaves early.
 */

/** Bytes queued before the connection is paused until the reader catches up. */
const HIGH_WATER_MARK = 64 * 1024;

/** A one-reader queue of body chunks; also the iterator the reader uses. */
export class BodyQueue implements AsyncIterableIterator<Uint8Array> {
  #chunks: Uint8Array[] = [];
  #queued = 0;
  #ended = false;
  #failure: { error: unknown } | undefined;
  // The pending `next()`'s settlers, kept apart (no object per wait).
  #waiter: ((result: IteratorResult<Uint8Array>) => void) | undefined;
  #failWaiter: ((error: unknown) => void) | undefined;
  #resume: (() => void) | undefined;
  readonly #hangUp: (reason: unknown) => void;

  /** `hangUp` stops the request (undici's abort) when the reader leaves before the end. */
  constructor(hangUp: (reason: unknown) => void) {
    this.#hangUp = hangUp;
  }

  /** Whether the body ended or failed. */
  get settled(): boolean {
    return this.#ended || this.#failure !== undefined;
  }

  /** Adds a chunk; `false` asks undici to pause until `resume` is called. */
  push(chunk: Uint8Array, resume: () => void): boolean {
    if (this.settled) return true;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      this.#failWaiter = undefined;
      waiter({ done: false, value: chunk });
      return true;
    }
    this.#chunks.push(chunk);
    this.#queued += chunk.byteLength;
    if (this.#queued < HIGH_WATER_MARK) return true;
    this.#resume = resume;
    return false;
  }

  /** The body ended normally. */
  end(): void {
    if (this.settled) return;
    this.#ended = true;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    this.#failWaiter = undefined;
    waiter?.({ done: true, value: undefined });
  }

  /** The body failed (reset, abort); the reader gets `error` once the queued chunks are read. */
  fail(error: unknown): void {
    if (this.settled) return;
    this.#failure = { error };
    const fail = this.#failWaiter;
    this.#waiter = undefined;
    this.#failWaiter = undefined;
    fail?.(error);
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    const chunks = this.#chunks;
    if (chunks.length > 0) {
      // Everything queued in one piece: fewer turns for the reader's parser.
      const value = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
      this.#chunks = [];
      this.#queued = 0;
      const resume = this.#resume;
      this.#resume = undefined;
      resume?.();
      return Promise.resolve({ done: false, value });
    }
    if (this.#failure) return Promise.reject(this.#failure.error);
    if (this.#ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.#waiter = resolve;
      this.#failWaiter = reject;
    });
  }

  /** The reader left early: drop the rest and hang up. */
  return(): Promise<IteratorResult<Uint8Array>> {
    if (!this.settled) {
      const reason = new DOMException('The response body was not read to the end', 'AbortError');
      this.fail(reason);
      this.#hangUp(reason);
    }
    this.#chunks = [];
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
