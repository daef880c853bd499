/**
 * The `Response` the fast fetch returns. It has what the vendor SDKs read (`ok`, `status`,
 * `headers` as a real `Headers`, `json()`, `text()`, `body`) without the cost of building a
 * WHATWG `Response` and its web stream for every call.
 */
import { ResponseBody } from './body.js';

/** A fetch `Response` look-alike over an undici response. Not `instanceof Response`. */
export class TransportResponse {
  /** HTTP status code. */
  readonly status: number;
  /** HTTP reason phrase (empty for HTTP/2 and many servers). */
  readonly statusText: string;
  /** Response headers. */
  readonly headers: Headers;
  /** The URL that was requested (redirects are never followed). */
  readonly url: string;
  /** Always `false`: redirects are returned, not followed. */
  readonly redirected = false;
  /** Always `basic`. */
  readonly type: ResponseType = 'basic';
  /** The body; `null` for 204, 205, 304 and HEAD responses. */
  readonly body: ResponseBody | null;

  constructor(status: number, statusText: string, headers: Headers, url: string, body: ResponseBody | null) {
    this.status = status;
    this.statusText = statusText;
    this.headers = headers;
    this.url = url;
    this.body = body;
  }

  /** `true` for a 2xx status. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** Whether the body was read. */
  get bodyUsed(): boolean {
    return this.body?.used ?? false;
  }

  /** The body as bytes. */
  async bytes(): Promise<Uint8Array> {
    if (this.body === null) return new Uint8Array(0);
    if (this.body.used) throw new TypeError('Body is unusable: Body has already been read');
    return this.body.bytes();
  }

  /** The body decoded as UTF-8. */
  async text(): Promise<string> {
    const bytes = await this.bytes();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }

  /** The body parsed as JSON. */
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  /** The body as an `ArrayBuffer`. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  /** The body as a `Blob` typed by `content-type`. */
  async blob(): Promise<Blob> {
    const bytes = await this.bytes();
    return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: this.headers.get('content-type') ?? '' });
  }

  /**
   * The same status, headers and URL with another body, e.g. this body through a transform
   * written as an async generator (no web streams involved).
   *
   * @example
   * ```ts
   * const upper = response.withBody(mapChunks(response.body!, toUpperCase));
   * ```
   */
  withBody(source: AsyncIterable<Uint8Array>): TransportResponse {
    return new TransportResponse(
      this.status,
      this.statusText,
      this.headers,
      this.url,
      new ResponseBody(source),
    );
  }

  /** Not supported: the body can be read once. */
  clone(): never {
    throw new TypeError('TransportResponse.clone() is not supported: read the body once');
  }
}
