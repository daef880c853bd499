import type { CompletionResponse } from './types/response.js';
import type { StreamEvent } from './types/stream.js';

const noop = () => {};

/**
 * The result of {@link Router.stream}: an async iterable of {@link StreamEvent}s that also
 * exposes the final response.
 *
 * The call starts at once and events are buffered until read, so awaiting only `response`
 * works too. Iterate it once. Leaving a `for await` loop early (`break`, `return`, a throw)
 * cancels the call. A failure rejects the iteration and `response` with the same
 * `SwitchyardError`; `response` never causes an unhandled rejection when nobody awaits it.
 *
 * @example
 * ```ts
 * const stream = router.stream({ messages });
 * for await (const ev of stream) if (ev.type === 'text-delta') process.stdout.write(ev.delta);
 * const { usage, target } = await stream.response;
 * ```
 */
export interface RouterStream extends AsyncIterable<StreamEvent> {
  /** Resolves with the complete response when the stream finishes; rejects when the call fails. */
  readonly response: Promise<CompletionResponse>;
  /** Only the text deltas. Shares the one iteration of the stream. */
  readonly textStream: AsyncIterable<string>;
}

/** The producer side of a {@link RouterStream}, used by the router. */
export interface RouterStreamController {
  readonly stream: RouterStream;
  /** Appends an event. Ignored after the end. */
  push(event: StreamEvent): void;
  /** Ends the stream successfully. */
  finish(response: CompletionResponse): void;
  /** Ends the stream with an error. */
  fail(error: unknown): void;
}

/**
 * Creates a stream and its controller. `onCancel` runs when the consumer stops reading before
 * the end.
 */
export function createRouterStream(onCancel: () => void): RouterStreamController {
  return new StreamQueue(onCancel);
}

/**
 * The buffer between producer and consumer: the controller and the stream's iterator. A class,
 * not closures over an object literal, so every stream shares one hidden class (an object
 * literal with a getter gets a dictionary of its own per call in V8).
 */
class StreamQueue implements RouterStreamController, AsyncIterator<StreamEvent> {
  readonly stream: RouterStream;
  readonly #onCancel: () => void;
  #buffer: StreamEvent[] = [];
  #head = 0;
  // The pending `next()`'s settlers, kept apart (no object per wait).
  #waiter: ((r: IteratorResult<StreamEvent>) => void) | undefined = undefined;
  #failWaiter: ((e: unknown) => void) | undefined = undefined;
  #ended = false;
  #failure: { error: unknown } | undefined = undefined;
  #resolveResponse!: (r: CompletionResponse) => void;
  #rejectResponse!: (e: unknown) => void;

  constructor(onCancel: () => void) {
    this.#onCancel = onCancel;
    const response = new Promise<CompletionResponse>((resolve, reject) => {
      this.#resolveResponse = resolve;
      this.#rejectResponse = reject;
    });
    response.catch(noop); // the error also reaches the iterator; never unhandled
    this.stream = new StreamView(this, response);
  }

  next(): Promise<IteratorResult<StreamEvent>> {
    if (this.#head < this.#buffer.length) {
      const value = this.#buffer[this.#head++]!;
      if (this.#head === this.#buffer.length) {
        this.#buffer = [];
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#failure) return Promise.reject(this.#failure.error);
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiter = resolve;
      this.#failWaiter = reject;
    });
  }

  return(): Promise<IteratorResult<StreamEvent>> {
    if (!this.#ended) {
      this.#ended = true;
      this.#buffer = [];
      this.#head = 0;
      // A `next()` still waiting (the consumer called `return()` without awaiting it) ends too.
      this.#settle()?.({ value: undefined, done: true });
      this.#onCancel();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  push(event: StreamEvent): void {
    if (this.#ended) return;
    const waiter = this.#settle();
    if (waiter) waiter({ value: event, done: false });
    else this.#buffer.push(event);
  }

  finish(result: CompletionResponse): void {
    this.#resolveResponse(result);
    if (this.#ended) return;
    this.#ended = true;
    this.#settle()?.({ value: undefined, done: true });
  }

  fail(error: unknown): void {
    this.#rejectResponse(error);
    if (this.#ended) return;
    this.#ended = true;
    this.#failure = { error };
    const reject = this.#failWaiter;
    this.#settle();
    reject?.(error);
  }

  /** Takes the pending `next()`'s resolver (clearing both settlers), if one waits. */
  #settle(): ((r: IteratorResult<StreamEvent>) => void) | undefined {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    this.#failWaiter = undefined;
    return waiter;
  }
}

/** What the caller holds: `response`, one iteration over the queue, and `textStream`. */
class StreamView implements RouterStream {
  readonly response: Promise<CompletionResponse>;
  readonly #queue: StreamQueue;
  #iterating = false;

  constructor(queue: StreamQueue, response: Promise<CompletionResponse>) {
    this.#queue = queue;
    this.response = response;
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamEvent> {
    if (this.#iterating) throw new TypeError('a RouterStream can be iterated only once');
    this.#iterating = true;
    return this.#queue;
  }

  get textStream(): AsyncIterable<string> {
    return { [Symbol.asyncIterator]: () => textDeltas(this) };
  }
}

async function* textDeltas(stream: RouterStream): AsyncGenerator<string> {
  for await (const event of stream) if (event.type === 'text-delta') yield event.delta;
}
