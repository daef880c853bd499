import type { ServerResponse } from 'node:http';
import type { ErrorAnswer } from './errors.js';

// The back-pressured SSE write lives in switchyard-llm/streams (pipeToNodeResponse uses it too).
export { writeWithBackpressure as write } from '../streams/index.js';

/** Sends a JSON answer, unless the response is already gone. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | number> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Sends an OpenAI-style error answer, with `retry-after` when it has one. */
export function sendError(
  res: ServerResponse,
  answer: ErrorAnswer,
  headers: Record<string, string> = {},
): void {
  sendJson(
    res,
    answer.status,
    answer.body,
    answer.retryAfterSeconds === undefined
      ? headers
      : { ...headers, 'retry-after': String(answer.retryAfterSeconds) },
  );
}
