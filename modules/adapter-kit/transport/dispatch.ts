/**
 * One request through `dispatcher.dispatch()` with a minimal handler: the response headers
 * resolve the returned promise, and the body flows into a {@link BodyQueue}. This skips the
 * Node stream and async-resource machinery of `undici.request()`, which the SDKs do not need.
 */
import type { Dispatcher } from 'undici';
import type { AbortSignalLike } from '../../../src/index.js';
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
  signal: AbortSignalLike | undefined,
  deadline?: HeadersDeadline,
): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    const exchange = new Exchange(resolve, reject, signal, deadline);
    dispatcher.dispatch(
      {
        origin: request.origin,
        path: request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
      },
      exchange as unknown as Dispatcher.DispatchHandler,
    );
  });
}

/** The deadline's timer fired (a plain function with the exchange as argument: no closure per call). */
function expire(exchange: Exchange): void {
  exchange.expire();
}

/**
 * One request's undici handler (the interface `undici.request()` uses internally), also the
 * signal's abort listener (`handleEvent`): one object per call instead of a closure per callback.
 */
class Exchange {
  readonly #resolve: (response: RawResponse) => void;
  readonly #reject: (reason: unknown) => void;
  readonly #signal: AbortSignalLike | undefined;
  readonly #deadline: HeadersDeadline | undefined;
  #abort: ((reason?: unknown) => void) | undefined;
  #body: BodyQueue | undefined;
  #resumeBody: () => void = noop;
  #done = false;
  /** Why the request was stopped before its head (the signal or the deadline). */
  #stopped: { reason: unknown } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    resolve: (response: RawResponse) => void,
    reject: (reason: unknown) => void,
    signal: AbortSignalLike | undefined,
    deadline: HeadersDeadline | undefined,
  ) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#signal = signal;
    this.#deadline = deadline;
    if (deadline !== undefined) this.#timer = setTimeout(expire, deadline.ms, this);
    signal?.addEventListener('abort', this, ONCE);
  }

  /** The deadline passed: stop the request unless its head has come. */
  expire(): void {
    this.#timer = undefined;
    if (this.#body === undefined && !this.#done) this.#stop((this.#deadline as HeadersDeadline).reason());
  }

  /** The signal fired. */
  handleEvent(): void {
    this.#stop(this.#signal?.reason);
  }

  // A call still waiting for a connection has no abort function yet: reject it now, and
  // undici drops it at onConnect.
  #stop(reason: unknown): void {
    this.#stopped ??= { reason };
    if (this.#abort) this.#abort(reason);
    else this.#reject(reason);
  }

  #finish(): void {
    this.#done = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#signal?.removeEventListener('abort', this);
  }

  onConnect(abortRequest: (reason?: unknown) => void): void {
    this.#abort = abortRequest;
    if (this.#stopped) abortRequest(this.#stopped.reason);
    else if (this.#signal?.aborted) abortRequest(this.#signal.reason);
  }

  onHeaders(status: number, headers: Buffer[], resume: () => void, statusText: string): boolean {
    if (status < 200) return true; // 1xx: informational, the real response follows
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const rawHeaders: string[] = new Array(headers.length);
    for (let i = 0; i < headers.length; i++) rawHeaders[i] = (headers[i] as Buffer).toString('latin1');
    const body = new BodyQueue((reason) => this.#abort?.(reason));
    this.#body = body;
    this.#resumeBody = resume;
    this.#resolve({ status, statusText, rawHeaders, body });
    return true;
  }

  onData(chunk: Buffer): boolean {
    return this.#body ? this.#body.push(chunk, this.#resumeBody) : true;
  }

  onComplete(): void {
    this.#finish();
    this.#body?.end();
  }

  onError(error: unknown): void {
    if (this.#done) return;
    this.#finish();
    const body = this.#body;
    if (!body) this.#reject(error);
    // Like fetch: an abort fails the body with the signal's reason, a network error with
    // TypeError('terminated') whose cause is the socket error.
    else if (this.#signal?.aborted) body.fail(this.#signal.reason);
    else body.fail(new TypeError('terminated', { cause: error }));
  }
}

function noop(): void {}

/** Listener options shared by every call (read, never kept, by addEventListener). */
const ONCE: AddEventListenerOptions = Object.freeze({ once: true });
