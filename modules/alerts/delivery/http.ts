import { httpError, SinkError } from './sink-error.js';

/** A POST to a receiver: JSON or form body, extra headers. */
export interface PostRequest {
  readonly url: string;
  readonly body: string;
  readonly contentType: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * POSTs `request` and resolves with the response body when the status is 2xx. Throws a
 * {@link SinkError} otherwise: `http` with the status and Retry-After, `timeout` when `signal`
 * aborted, `network` for a refused or closed connection. Messages never contain the URL.
 */
export async function post(request: PostRequest, signal: AbortSignal): Promise<string> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': request.contentType, ...request.headers },
      body: request.body,
      signal,
      redirect: 'error',
    });
  } catch (error) {
    throw networkError(error, signal);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw networkError(error, signal);
  }
  if (response.status < 200 || response.status >= 300)
    throw httpError(response.status, response.headers.get('retry-after'));
  return text;
}

function networkError(error: unknown, signal: AbortSignal): SinkError {
  if (signal.aborted) return new SinkError('timeout', 'timed out', true);
  const e = error as { cause?: { code?: unknown }; code?: unknown };
  const code =
    typeof e?.cause?.code === 'string'
      ? e.cause.code
      : typeof e?.code === 'string'
        ? e.code
        : 'connection failed';
  return new SinkError('network', code, true);
}
