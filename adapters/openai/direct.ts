/**
 * The OpenAI adapter's direct request path: Chat Completions calls sent straight to the adapter's
 * own undici pool, without the `openai` SDK's per-call request building (option merging, a
 * `Headers` object per call, a debug-log record formatted even with logging off, its promise
 * wrappers and AbortController). What goes on the wire is what the SDK sends: the URL, headers
 * and timeout are taken once from the SDK client itself (`buildRequest`), and failures are turned
 * into the SDK's own error objects, built the way its `makeRequest` builds them, so that the
 * adapter's error mapping sees exactly what it sees on the SDK path.
 *
 * Used only where nothing per call needs the SDK: no caller `fetch`, not Azure, logging off, an
 * SDK that has these internals (v5+), and calls without per-call headers.
 */
import type OpenAI from 'openai';
import type { Dispatcher } from 'undici';
import type { BodySource } from '../../modules/adapter-kit/transport/body.js';
import { dispatch, type RawResponse } from '../../modules/adapter-kit/transport/dispatch.js';
import {
  decoded,
  dispatcherOf,
  type FastFetch,
  NULL_BODY,
} from '../../modules/adapter-kit/transport/fast-fetch.js';
import type { AbortSignalLike } from '../../src/index.js';
import type { OpenAISdk } from './client.js';

/** What every Chat Completions call of one client sends, read once from the SDK client. */
export interface DirectRoute {
  readonly origin: string;
  /** Path and query. */
  readonly path: string;
  /** The SDK's headers for this client (lower-case names), the body's content type included. */
  readonly headers: Readonly<Record<string, string>>;
  /** The SDK's time limit for the response head, ms. */
  readonly timeoutMs: number;
  readonly fetch: FastFetch;
  readonly sdk: OpenAISdk;
  /** The client's own status-error factory (`APIError.generate`). */
  readonly statusError: (
    status: number,
    error: unknown,
    message: string | undefined,
    headers: Headers,
  ) => Error;
}

/** The SDK client internals the route is read from (public in JS, `protected` in its types). */
interface SdkInternals {
  buildRequest?: (
    options: { method: string; path: string; body: unknown },
    retry: { retryCount: number },
  ) => Promise<{ req: { headers?: unknown }; url: string; timeout: unknown }>;
  makeStatusError?: (status: number, error: unknown, message: string | undefined, headers: Headers) => Error;
  fetchOptions?: unknown;
  _provider?: unknown;
  _workloadIdentityAuth?: unknown;
  _options?: { apiKey?: unknown };
}

/**
 * The direct route of `client`, or `undefined` when its calls need the SDK's own path (a key
 * given as a function, a workload identity, fetch options, an SDK without these internals).
 */
export async function directRoute(
  client: OpenAI,
  sdk: OpenAISdk,
  fetch: FastFetch,
): Promise<DirectRoute | undefined> {
  const c = client as unknown as SdkInternals;
  if (typeof c.buildRequest !== 'function' || typeof c.makeStatusError !== 'function') return undefined;
  if (c.fetchOptions !== undefined || c._provider || c._workloadIdentityAuth) return undefined;
  if (typeof c._options?.apiKey === 'function') return undefined;
  try {
    // The SDK's encoder adds content-type for a JSON body; maxRetries is 0, so retry count 0.
    const { req, url, timeout } = await c.buildRequest.call(
      client,
      { method: 'post', path: '/chat/completions', body: {} },
      { retryCount: 0 },
    );
    const split = splitUrl(url);
    if (split === undefined || !(req.headers instanceof Headers)) return undefined;
    if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout <= 0) return undefined;
    const headers: Record<string, string> = {};
    req.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const makeStatusError = c.makeStatusError;
    return {
      ...split,
      headers,
      timeoutMs: timeout,
      fetch,
      sdk,
      statusError: (status, error, message, h) => makeStatusError.call(client, status, error, message, h),
    };
  } catch {
    return undefined;
  }
}

function splitUrl(url: string): { origin: string; path: string } | undefined {
  const scheme = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : 0;
  if (scheme === 0) return undefined;
  const slash = url.indexOf('/', scheme);
  if (slash === -1) return undefined;
  const origin = url.slice(0, slash);
  if (origin.includes('@') || origin.includes('?') || origin.includes('#') || url.includes('#'))
    return undefined;
  return { origin, path: url.slice(slash) };
}

/** A successful (2xx) response of the direct path. */
export interface DirectResponse {
  readonly status: number;
  /** Response headers, read case-insensitively (repeated ones joined with `, ` like `Headers`). */
  readonly headers: { get(name: string): string | null };
  /** The body bytes; `null` for statuses that have none (204, 205). */
  readonly body: AsyncIterable<Uint8Array> | null;
  /**
   * The headers when one of them is a rate-limit header (`x-ratelimit-*`, `anthropic-ratelimit-*`,
   * the only ones `rateLimitFromHeaders` reads), else `undefined`: nothing to report then.
   */
  readonly rateLimitHeaders: { get(name: string): string | null } | undefined;
}

/** Response headers as a small map (the SDK path builds a `Headers` object per call). */
class HeaderMap {
  readonly #map = new Map<string, string>();
  /** Whether a rate-limit header is among them. */
  readonly rateLimit: boolean = false;
  constructor(raw: readonly string[]) {
    for (let i = 0; i < raw.length; i += 2) {
      const name = (raw[i] as string).toLowerCase();
      if (name.startsWith('x-ratelimit-') || name.startsWith('anthropic-ratelimit-')) this.rateLimit = true;
      const value = (raw[i + 1] as string).trim();
      const seen = this.#map.get(name);
      this.#map.set(name, seen === undefined ? value : `${seen}, ${value}`);
    }
  }
  get(name: string): string | null {
    return this.#map.get(name.toLowerCase()) ?? null;
  }
}

function realHeaders(raw: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  return headers;
}

/** The body of `raw`, decoded like the fast fetch decodes it (an unasked-for gzip, deflate, br). */
function bodyOf(raw: RawResponse, headers: HeaderMap): BodySource | null {
  if (NULL_BODY.has(raw.status)) {
    // undici completes these without a body; nothing is left to read.
    return null;
  }
  const encoding = headers.get('content-encoding');
  return encoding === null ? raw.body : decoded(raw.body, encoding);
}

async function textOf(body: BodySource | null): Promise<string> {
  if (body === null) return '';
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  const bytes = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** The SDK's connection-error classification (its `makeRequest`), for an error from the transport. */
function connectionError(route: DirectRoute, error: unknown): Error {
  // The fast fetch reports a transport failure as fetch does; the SDK then sees this TypeError.
  const failed = new TypeError('fetch failed', { cause: error });
  if (/timed? ?out/i.test(`${String(failed)}${String(error)}`))
    return new route.sdk.APIConnectionTimeoutError();
  return new route.sdk.APIConnectionError({ cause: failed });
}

/**
 * Sends one call with `body` (JSON text). Resolves with a 2xx response; rejects with what the
 * SDK's `makeRequest` would throw: `APIUserAbortError` (the signal), `APIConnectionTimeoutError`
 * (no response head within the timeout), `APIConnectionError` (the transport failed) or the
 * status's `APIError`, with the provider's error body and the response headers.
 */
export async function sendDirect(
  route: DirectRoute,
  body: string,
  signal: AbortSignalLike,
): Promise<DirectResponse> {
  if (signal.aborted) throw new route.sdk.APIUserAbortError();
  const pending = dispatcherOf(route.fetch);
  const dispatcher: Dispatcher = pending instanceof Promise ? await pending : pending;
  if (signal.aborted) throw new route.sdk.APIUserAbortError();
  let raw: RawResponse;
  let timedOut = false;
  try {
    raw = await dispatch(
      dispatcher,
      { origin: route.origin, path: route.path, method: 'POST', headers: route.headers, body, url: '' },
      signal,
      {
        ms: route.timeoutMs,
        reason: () => {
          timedOut = true;
          return new DOMException('This operation was aborted', 'AbortError');
        },
      },
    );
  } catch (error) {
    if (signal.aborted) throw new route.sdk.APIUserAbortError();
    if (timedOut) throw new route.sdk.APIConnectionTimeoutError();
    throw connectionError(route, error);
  }
  const headers = new HeaderMap(raw.rawHeaders);
  const source = bodyOf(raw, headers);
  if (raw.status >= 200 && raw.status < 300) {
    return {
      status: raw.status,
      headers,
      body: source,
      rateLimitHeaders: headers.rateLimit ? headers : undefined,
    };
  }
  // As the SDK: the error body as JSON when it parses, else as text.
  let text: string;
  try {
    text = await textOf(source);
  } catch (error) {
    text = error instanceof Error ? error.message : String(error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  throw route.statusError(raw.status, json, json ? undefined : text, realHeaders(raw.rawHeaders));
}

/**
 * The parsed body of a non-streamed response, as the SDK parses it: `null` for 204, JSON for a
 * JSON media type (`undefined` when its content length is 0), else the text.
 */
export async function parseDirect(response: DirectResponse): Promise<unknown> {
  if (response.status === 204) return null;
  const type = response.headers.get('content-type');
  const media = type?.split(';')[0]?.trim();
  if (media?.includes('application/json') || media?.endsWith('+json')) {
    if (response.headers.get('content-length') === '0') return undefined;
    return JSON.parse(await textOf(response.body));
  }
  return textOf(response.body);
}
