/**
 * One request through `dispatcher.dispatch()` with a minimal handler: the response headers
 * resolve the returned promise, and the body flows into a {@link BodyQueue}. This skips the
 * Node stream and async-resource machinery of `undici.request()`, which the SDKs do not need.
 */
import type { Dispatcher } from 'undici';
import { BodyQueue } from './body-queue.js';
import type { PlainRequest } from './request.js';

/** The response head and its body. */
export interface RawResponse {
  readonly status: number;
  readonly statusText: string;
  /** Flat `[name, value, name, value, …]`, as sent. */
  readonly rawHeaders: readonly string[];
  readonly body: BodyQueue;
}

/** A time limit for the response head: past `ms`, the request is stopped with `reason()`. */
export interface HeadersDeadline {
  readonly ms: number;
  readonly reason: () => unknown;
}

/**
 * Sends `request`; rejects with undici's error (or the signal's reason, or the deadline's
 * reason) before the headers.
 */
export function dispatch(
  dispatcher: Dispatcher,
  request: PlainRequest,
  signal: AbortSignal | undefined,
  deadline?: HeadersDeadline,
): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    let abort: ((reason?: unknown) => void) | undefined;
    let body: BodyQueue | undefined;
    let done = false;
    /** Why the request was stopped before its head (the signal or the deadline). */
    let stopped: { reason: unknown } | undefined;
    // A call still waiting for a connection has no abort function yet: reject it now, and
    // undici drops it at onConnect.
    const stop = (reason: unknown) => {
      stopped ??= { reason };
      if (abort) abort(reason);
      else reject(reason);
    };
    const onAbort = () => stop(signal?.reason);
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (deadline !== undefined) {
      timer = setTimeout(() => {
        timer = undefined;
        if (body === undefined && !done) stop(deadline.reason());
      }, deadline.ms);
    }
    const finish = () => {
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    // undici's own handler interface (what `undici.request()` uses internally).
    const handler: {
      onConnect(abort: (reason?: unknown) => void): void;
      onHeaders(status: number, headers: Buffer[], resume: () => void, statusText: string): boolean;
      onData(chunk: Buffer): boolean;
      onComplete(trailers: unknown): void;
      onError(error: unknown): void;
    } = {
      onConnect(abortRequest) {
        abort = abortRequest;
        if (stopped) abortRequest(stopped.reason);
        else if (signal?.aborted) abortRequest(signal.reason);
      },
      onHeaders(status, headers, resume, statusText) {
        if (status < 200) return true; // 1xx: informational, the real response follows
        if (timer !== undefined) {
          clearTimeout(timer);
          timer = undefined;
        }
        const rawHeaders: string[] = new Array(headers.length);
        for (let i = 0; i < headers.length; i++) rawHeaders[i] = (headers[i] as Buffer).toString('latin1');
        body = new BodyQueue((reason) => abort?.(reason));
        resumeBody = resume;
        resolve({ status, statusText, rawHeaders, body });
        return true;
      },
      onData(chunk) {
        return body ? body.push(chunk, resumeBody) : true;
      },
      onComplete() {
        finish();
        body?.end();
      },
      onError(error) {
        if (done) return;
        finish();
        if (!body) reject(error);
        // Like fetch: an abort fails the body with the signal's reason, a network error with
        // TypeError('terminated') whose cause is the socket error.
        else if (signal?.aborted) body.fail(signal.reason);
        else body.fail(new TypeError('terminated', { cause: error }));
      },
    };
    let resumeBody: () => void = () => undefined;
    signal?.addEventListener('abort', onAbort, { once: true });
    dispatcher.dispatch(
      {
        origin: request.origin,
        path: request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
      },
      handler as unknown as Dispatcher.DispatchHandler,
    );
  });
}
