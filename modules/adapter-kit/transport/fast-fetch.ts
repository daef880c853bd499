/**
 * A `fetch` for the vendor SDKs over a keep-alive undici `Agent` (one connection pool per origin).
 * Node 20's global `fetch` spends about 450 µs of CPU per call on WHATWG requests, responses and
 * web streams; this one dispatches straight to undici and hands the SDKs a lean response.
 * undici itself (about 100 ms to import) is loaded by the first call, not by importing this module.
 */
import { pipeline, Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { type BodySource, ResponseBody } from './body.js';
import type { BodyQueue } from './body-queue.js';
import { dispatch, type RawResponse } from './dispatch.js';
import { toPlainRequest } from './request.js';
import { TransportResponse } from './response.js';
import { checkTransportTls, type TransportTlsOptions } from './tls.js';

/** A `fetch` function as the vendor SDKs take it. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Options of {@link createFastFetch}. */
export interface FastFetchOptions {
  /**
   * Most connections per origin; further calls wait for a free one. `null` opens as many as
   * there are calls in flight, like the global `fetch`.
   * @default null
   */
  readonly connections?: number | null;
  /** How long an idle connection stays open, in ms, unless the server says less. @default 10000 */
  readonly keepAliveTimeoutMs?: number;
  /** Time limit for the TCP (and TLS) connect, in ms. @default 10000 */
  readonly connectTimeoutMs?: number;
  /**
   * The undici dispatcher to send through (e.g. a `ProxyAgent`); the fast fetch then does not
   * own it, and `close()` leaves it open.
   * @default a new keep-alive `Agent`
   */
  readonly dispatcher?: Dispatcher;
  /** TLS settings of the own `Agent` (minimum version, CA); not used with `dispatcher`. @default Node's */
  readonly tls?: TransportTlsOptions;
}

/** The fast fetch function, with the handles to release its connections. */
export interface FastFetch extends FetchLike {
  /**
   * The dispatcher every call goes through: the one passed in options, else the fast fetch's own
   * `Agent`, which the first call creates (`undefined` until then: undici is loaded lazily).
   */
  readonly dispatcher: Dispatcher | undefined;
  /** Waits for the calls in flight, then closes every connection. Later calls fail. */
  close(): Promise<void>;
  /** Closes every connection now; calls in flight fail. */
  destroy(): Promise<void>;
}

/** Statuses whose response has no body, per the fetch standard. */
export const NULL_BODY: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/** How each fast fetch creates its own dispatcher (see {@link dispatcherOf}). */
const creators = new WeakMap<FastFetch, () => Promise<Dispatcher>>();

/**
 * Internal, for the built-in adapters that send without a vendor SDK: the dispatcher of a fast
 * fetch, created (undici loaded) by this call when no call created it yet. Not exported from
 * the package.
 */
export function dispatcherOf(fetch: FastFetch): Dispatcher | Promise<Dispatcher> {
  const dispatcher = fetch.dispatcher;
  if (dispatcher !== undefined) return dispatcher;
  const create = creators.get(fetch);
  if (create === undefined) throw new TypeError('not a fast fetch');
  return create();
}

// An adapter that is dropped without close(): its own pool closes once nothing can use it.
const orphans = new FinalizationRegistry<Dispatcher>((dispatcher) => {
  dispatcher.close().catch(() => undefined);
});

/**
 * Creates a `fetch` over a keep-alive undici `Agent`, for the `fetch` option of the `openai`,
 * `@anthropic-ai/sdk` and `cohere-ai` clients.
 *
 * Differences from the global `fetch`, on purpose: redirects are returned, not followed; no
 * proxy is read from the environment; no `accept-encoding` is added (a compressed response is
 * still decoded); header and body timeouts are off (the caller's abort signal owns deadlines).
 * A `Request` object as input, or a stream, form or blob body, goes to the global `fetch`.
 * The response is a {@link TransportResponse}, not a WHATWG `Response`.
 *
 * Idle connections do not keep the process alive. Call `close()` when done with it; an
 * unreachable fast fetch closes its own pool when it is garbage-collected.
 *
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * const fetch = createFastFetch();
 * const client = new OpenAI({ fetch });
 * // ...
 * await fetch.close();
 * ```
 */
export function createFastFetch(options: FastFetchOptions = {}): FastFetch {
  const owned = options.dispatcher === undefined;
  const tls = checkTransportTls(options.tls, 'createFastFetch: tls');
  let dispatcher: Dispatcher | undefined = options.dispatcher;
  let creating: Promise<Dispatcher> | undefined;
  let ending: Promise<void> | undefined;
  let destroying: Promise<void> | undefined;
  /** close() or destroy() came before any call: the pool a later call creates is released at once. */
  let releasedEarly: 'close' | 'destroy' | undefined;

  // The first call loads undici and creates the pool; a fast fetch that was closed before its
  // first call gets a closed pool, so that the call fails like any call after close().
  const create = (): Promise<Dispatcher> => {
    creating ??= import('undici').then(async ({ Agent }) => {
      const agent = new Agent({
        connections: options.connections ?? null,
        pipelining: 1,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
        headersTimeout: 0,
        bodyTimeout: 0,
        connect: { timeout: options.connectTimeoutMs ?? 10_000, ...tls },
      });
      orphans.register(handle, agent);
      if (releasedEarly === 'destroy') await agent.destroy();
      else if (releasedEarly === 'close') await agent.close();
      dispatcher = agent;
      return agent;
    });
    return creating;
  };
  const fastFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    dispatcher === undefined
      ? create().then((created) => send(created, input, init))
      : send(dispatcher, input, init);
  const release = (how: 'close' | 'destroy'): Promise<void> => {
    if (!owned) return Promise.resolve();
    if (creating === undefined) {
      releasedEarly = how;
      return Promise.resolve();
    }
    return creating.then((agent) => (how === 'close' ? agent.close() : agent.destroy()));
  };
  const handle: FastFetch = Object.defineProperties(fastFetch, {
    dispatcher: { get: () => dispatcher, enumerable: true },
    // Idempotent: undici rejects a second close() of the same dispatcher.
    close: {
      value: () => {
        ending ??= release('close');
        return ending;
      },
    },
    destroy: {
      value: () => {
        destroying ??= release('destroy');
        return destroying;
      },
    },
  }) as FastFetch;
  creators.set(handle, create);
  return handle;
}

async function send(
  dispatcher: Dispatcher,
  input: string | URL | Request,
  init: RequestInit | undefined,
): Promise<Response> {
  const request = toPlainRequest(input, init);
  if (request === undefined) return globalThis.fetch(input, init);
  const signal = init?.signal ?? undefined;
  // Like fetch: an aborted call rejects with the signal's reason.
  if (signal?.aborted) throw signal.reason;
  let raw: RawResponse;
  try {
    raw = await dispatch(dispatcher, request, signal);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    // Like fetch, so that SDKs see a connection failure with the socket error as its cause.
    throw new TypeError('fetch failed', { cause: error });
  }
  const headers = new Headers();
  const names = raw.rawHeaders;
  let encoding: string | undefined;
  for (let i = 0; i < names.length; i += 2) {
    const name = names[i] as string;
    const value = names[i + 1] as string;
    headers.append(name, value);
    if (name.length === 16 && name.toLowerCase() === 'content-encoding') encoding = value;
  }
  // No body for these, per the fetch standard; undici completes them without one.
  const body =
    NULL_BODY.has(raw.status) || request.method === 'HEAD'
      ? null
      : new ResponseBody(encoding === undefined ? raw.body : decoded(raw.body, encoding));
  const response = new TransportResponse(raw.status, raw.statusText, headers, request.url, body);
  // The SDKs read the fields above; typing it as Response is what their `fetch` option asks for.
  return response as unknown as Response;
}

/** The body, decompressed when the server compressed it although nobody asked. */
export function decoded(source: BodyQueue, encoding: string): BodySource {
  const codec = encoding.trim().toLowerCase();
  const decoder =
    codec === 'gzip' || codec === 'x-gzip'
      ? createGunzip()
      : codec === 'deflate'
        ? createInflate()
        : codec === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (decoder === undefined) return source;
  // A reader that leaves early destroys the decoder; pipeline then ends the source, which hangs up.
  pipeline(Readable.from(source, { objectMode: false }), decoder, () => undefined);
  return decoder;
}
