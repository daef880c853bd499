/**
 * Turns `fetch(input, init)` arguments into undici dispatch options, for the request shapes the
 * vendor SDKs send (string or URL input, string or byte bodies). Anything else returns
 * `undefined`, and the caller hands the call to the global `fetch` instead.
 */
import type { Dispatcher } from 'undici';

/** The parts of one request that undici needs. */
export interface PlainRequest {
  readonly origin: string;
  /** Path and query. */
  readonly path: string;
  readonly method: Dispatcher.HttpMethod;
  readonly headers: Dispatcher.DispatchOptions['headers'];
  readonly body: string | Uint8Array | null;
  /** The full URL, as `Response.url` reports it. */
  readonly url: string;
}

type HeadersArg = RequestInit['headers'];
type BodyArg = RequestInit['body'];

/** The request, or `undefined` when it needs the global `fetch` (a `Request` object, a stream or form body). */
export function toPlainRequest(
  input: string | URL | Request,
  init: RequestInit | undefined,
): PlainRequest | undefined {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : undefined;
  if (url === undefined) return undefined;
  const body = plainBody(init?.body);
  if (body === undefined) return undefined;
  const { origin, path } = splitUrl(url);
  if (origin === undefined) return undefined;
  return {
    origin,
    path,
    method: (init?.method?.toUpperCase() ?? 'GET') as Dispatcher.HttpMethod,
    headers: plainHeaders(init?.headers),
    body,
    url,
  };
}

// new URL() costs ~1 µs; the SDKs always send absolute http(s) URLs, so a split is enough.
function splitUrl(url: string): { origin: string | undefined; path: string } {
  const scheme = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : 0;
  if (scheme === 0) return { origin: undefined, path: '' };
  let end = scheme;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    // '/', '?', '#'
    if (c === 47 || c === 63 || c === 35) break;
    end++;
  }
  const authority = url.slice(scheme, end);
  // Credentials in the URL, or an empty host: let the URL parser (and fetch) deal with it.
  if (authority === '' || authority.includes('@')) return { origin: undefined, path: '' };
  const hash = url.indexOf('#', end);
  const rest = hash === -1 ? url.slice(end) : url.slice(end, hash);
  return { origin: url.slice(0, end), path: rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest };
}

/** `undefined` for bodies that need fetch's own encoding (streams, forms, blobs, URLSearchParams). */
function plainBody(body: BodyArg): string | Uint8Array | null | undefined {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return undefined;
}

function plainHeaders(headers: HeadersArg): Dispatcher.DispatchOptions['headers'] {
  if (headers === undefined || headers === null) return null;
  // Headers (any implementation) iterate as [name, value] pairs, which undici takes as is.
  if (!Array.isArray(headers) && Symbol.iterator in headers) {
    return headers as unknown as Iterable<[string, string]>;
  }
  const out: Record<string, string> = {};
  if (Array.isArray(headers)) {
    for (const pair of headers as ReadonlyArray<readonly [string, string]>) {
      const name = pair[0].toLowerCase();
      out[name] = out[name] === undefined ? pair[1] : `${out[name]}, ${pair[1]}`;
    }
    return out;
  }
  // A record: the SDKs may leave `undefined` (or `null`) for headers they mean to omit.
  for (const name of Object.keys(headers)) {
    const value = (headers as Record<string, string | null | undefined>)[name];
    if (value !== undefined && value !== null) out[name] = value;
  }
  return out;
}
