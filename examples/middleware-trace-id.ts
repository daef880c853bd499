/**
 * A trace id in AsyncLocalStorage: a middleware makes one current around every attempt, and the
 * adapter sees it, as an OpenTelemetry span made current in `wrapAttempt` would be seen by an
 * instrumented HTTP client. No API keys, no network.
 *
 * Run: npx tsx examples/middleware-trace-id.ts
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type Middleware, Router } from 'switchyard-llm';
import { MockAdapter } from 'switchyard-llm/testing';

const trace = new AsyncLocalStorage<{ traceId: string }>();

/**
 * Starts a stream inside `store` and runs every later step of it there too: the adapter starts
 * its request when `next` is called, and reads the rest of its answer as the stream is read.
 */
function streamWithin<T>(store: { traceId: string }, start: () => AsyncIterable<T>): AsyncIterable<T> {
  const iterable = trace.run(store, start);
  return {
    [Symbol.asyncIterator]() {
      const iterator = trace.run(store, () => iterable[Symbol.asyncIterator]());
      return {
        next: () => trace.run(store, () => iterator.next()),
        return: (value?: unknown) =>
          trace.run(store, () => iterator.return?.(value) ?? Promise.resolve({ done: true as const, value })),
      };
    },
  };
}

const traceIds: Middleware = {
  name: 'trace-ids',
  // One trace id per attempt: the call's id and the attempt number.
  wrapAttempt: (ctx, next) => trace.run({ traceId: `${ctx.requestId}.${ctx.attempt}` }, () => next()),
  // `trace.run(store, () => next())` alone covers the adapter's start; streamWithin also covers
  // the code that runs as the rest of the stream is read.
  wrapAttemptStream: (ctx, next) =>
    streamWithin({ traceId: `${ctx.requestId}.${ctx.attempt}` }, () => next()),
};

// The adapter reads the current trace id, e.g. to send it as a header. The first attempt of each
// call fails with a 503, so the retry shows a second trace id.
const adapter = new MockAdapter((_request, { call }) => {
  const traceId = trace.getStore()?.traceId ?? 'none';
  console.log(`  adapter call ${call} sees trace id ${traceId}`);
  return call % 2 === 1 ? { error: { status: 503 } } : { stream: ['ok ', `(${traceId})`] };
});
const router = new Router({
  targets: [{ id: 'solo', adapter, model: 'model-a' }],
  retry: { maxAttempts: 2, baseDelayMs: 1 },
  middleware: [traceIds],
});

const messages = [{ role: 'user' as const, content: 'hi' }];
console.log('complete:');
console.log(`  answer: ${(await router.complete({ messages })).text}`);
console.log('stream:');
console.log(`  answer: ${(await router.stream({ messages }).response).text}`);
console.log(`outside any attempt: ${trace.getStore()?.traceId ?? 'no trace id'}`);
