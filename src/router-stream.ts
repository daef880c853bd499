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
  let buffer: StreamEvent[] = [];
  let head = 0;
  // The pending `next()`'s settlers, kept apart (no object per wait).
  let waiter: ((r: IteratorResult<StreamEvent>) => void) | undefined;
  let failWaiter: ((e: unknown) => void) | undefined;
  let ended = false;
  let failure: { error: unknown } | undefined;
  let iterating = false;
  let resolveResponse!: (r: CompletionResponse) => void;
  let rejectResponse!: (e: unknown) => void;
  const response = new Promise<CompletionResponse>((resolve, reject) => {
    resolveResponse = resolve;
    rejectResponse = reject;
  });
  response.catch(noop); // the error also reaches the iterator; never unhandled

  const iterator: AsyncIterator<StreamEvent> = {
    next(): Promise<IteratorResult<StreamEvent>> {
      if (head < buffer.length) {
        const value = buffer[head++]!;
        if (head === buffer.length) {
          buffer = [];
          head = 0;
        }
        return Promise.resolve({ value, done: false });
      }
      if (failure) return Promise.reject(failure.error);
      if (ended) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => {
        waiter = resolve;
        failWaiter = reject;
      });
    },
    return(): Promise<IteratorResult<StreamEvent>> {
      if (!ended) {
        ended = true;
        buffer = [];
        head = 0;
        // A `next()` still waiting (the consumer called `return()` without awaiting it) ends too.
        const w = waiter;
        waiter = undefined;
        failWaiter = undefined;
        w?.({ value: undefined, done: true });
        onCancel();
      }
      return Promise.resolve({ value: undefined, done: true });
    },
  };

  const stream: RouterStream = {
    response,
    [Symbol.asyncIterator]() {
      if (iterating) throw new TypeError('a RouterStream can be iterated only once');
      iterating = true;
      return iterator;
    },
    get textStream(): AsyncIterable<string> {
      return {
        async *[Symbol.asyncIterator]() {
          for await (const event of stream) if (event.type === 'text-delta') yield event.delta;
        },
      };
    },
  };

  return {
    stream,
    push(event) {
      if (ended) return;
      if (waiter) {
        const w = waiter;
        waiter = undefined;
        failWaiter = undefined;
        w({ value: event, done: false });
      } else {
        buffer.push(event);
      }
    },
    finish(result) {
      resolveResponse(result);
      if (ended) return;
      ended = true;
      if (waiter) {
        const w = waiter;
        waiter = undefined;
        failWaiter = undefined;
        w({ value: undefined, done: true });
      }
    },
    fail(error) {
      rejectResponse(error);
      if (ended) return;
      ended = true;
      failure = { error };
      if (failWaiter) {
        const w = failWaiter;
        waiter = undefined;
        failWaiter = undefined;
        w(error);
      }
    },
  };
}
