import type { Context } from '@opentelemetry/api';
import type { OtelApi } from './api.js';

/** What {@link observe} tells about a stream. */
export interface StreamObserver<T> {
  /** Each item, before the reader gets it. */
  item(value: T): void;
  /** The source failed. */
  failed(error: unknown): void;
  /** The source ended, or the reader stopped (`return`); whether a finishing item passed. */
  ended(sawFinish: boolean): void;
  /** Whether `value` is the finishing item (after it, nothing changes the outcome). */
  isFinish(value: T): boolean;
}

/**
 * Passes `start()`'s items through, running `start` and every step of the iteration inside
 * `otelContext` (so the source's work is attributed to the span), and tells `observer` how it
 * went, once. `start` runs at once, as the middleware contract's `next` expects.
 */
export function observe<T>(
  api: OtelApi,
  otelContext: Context,
  start: () => AsyncIterable<T>,
  observer: StreamObserver<T>,
): AsyncIterable<T> {
  let done = false;
  let sawFinish = false;
  const settle = (error?: unknown, failed = false): void => {
    if (done) return;
    done = true;
    if (failed) observer.failed(error);
    else observer.ended(sawFinish);
  };
  let iterable: AsyncIterable<T>;
  try {
    iterable = api.context.with(otelContext, start);
  } catch (error) {
    settle(error, true);
    throw error;
  }
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      let iterator: AsyncIterator<T>;
      try {
        iterator = api.context.with(otelContext, () => iterable[Symbol.asyncIterator]());
      } catch (error) {
        settle(error, true);
        throw error;
      }
      return {
        async next(): Promise<IteratorResult<T>> {
          let result: IteratorResult<T>;
          try {
            result = await api.context.with(otelContext, () => iterator.next());
          } catch (error) {
            settle(error, true);
            throw error;
          }
          if (result.done) {
            settle();
          } else if (!done) {
            observer.item(result.value);
            // After the finishing item the outcome is known: what follows cannot change it.
            if (observer.isFinish(result.value)) {
              sawFinish = true;
              done = true;
            }
          }
          return result;
        },
        async return(value?: unknown): Promise<IteratorResult<T>> {
          try {
            const result = iterator.return
              ? await api.context.with(otelContext, () => iterator.return!(value))
              : ({ done: true, value } as IteratorResult<T>);
            settle();
            return result;
          } catch (error) {
            settle(error, true);
            throw error;
          }
        },
      };
    },
  };
}
