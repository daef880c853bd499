/**
 * The fetch function handed to the `cohere-ai` SDK: the caller's fetch, wrapped to work around
 * two SDK bugs (both seen with cohere-ai 8.1):
 *
 * - The SDK clears its request timer (default 300 s) only when fetch resolves. A rejected fetch
 *   (refused, reset, aborted) leaves the timer running, which keeps a Node process alive for up to
 *   the whole timeout. So a failure is handed to the SDK as a stand-in response, and the real
 *   failure is kept for the error mapping ({@link transportFailureOf}).
 * - Its SSE parser ends a stream at any line containing `[DONE]`: event-stream bodies go through
 *   {@link escapeStreamTerminator}.
 */
import { TransportResponse } from '../../modules/adapter-kit/transport/index.js';
import { escapeStreamTerminator, escapeTerminatorInChunks } from './stream-terminator-guard.js';

/** A WHATWG fetch function, as the `cohere-ai` SDK takes it. */
export type FetchFunction = typeof globalThis.fetch;

/** Status of the stand-in response for a failed fetch (never sent by a server to this adapter). */
const TRANSPORT_FAILURE_STATUS = 599;

/** Real failures, by the `Headers` of their stand-in response (the SDK error keeps that object). */
const failures = new WeakMap<object, unknown>();

/** Wraps `fetchFn` for the SDK (see the module comment). */
export function wrapFetchForSdk(fetchFn: FetchFunction): FetchFunction {
  return async (input, init) => {
    let response: Response;
    try {
      response = await fetchFn(input, init);
    } catch (error) {
      const standIn = new Response(null, {
        status: TRANSPORT_FAILURE_STATUS,
        statusText: 'transport failure',
      });
      failures.set(standIn.headers, error);
      return standIn;
    }
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || response.body === null || !type.includes('text/event-stream')) return response;
    if (response instanceof TransportResponse && response.body) {
      // The fast transport's body is async-iterable: escape it without building web streams.
      return response.withBody(escapeTerminatorInChunks(response.body)) as unknown as Response;
    }
    return new Response(response.body.pipeThrough(escapeStreamTerminator()), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/**
 * The exception the wrapped fetch turned into a stand-in response, when `error` is the SDK's error
 * for one; `undefined` otherwise.
 */
export function transportFailureOf(error: unknown): { readonly cause: unknown } | undefined {
  const headers = (error as { rawResponse?: { headers?: unknown } } | null | undefined)?.rawResponse?.headers;
  if (typeof headers !== 'object' || headers === null || !failures.has(headers)) return undefined;
  return { cause: failures.get(headers) };
}
