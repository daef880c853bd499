import type { ServerResponse } from 'node:http';
import type { ErrorAnswer } from './errors.js';

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

/**
 * Writes to a streaming response and waits for `drain` when the socket's buffer is full (or for
 * the response to close, whichever comes first), so a slow reader holds the upstream back
 * instead of growing memory.
 */
export function write(res: ServerResponse, text: string): Promise<void> | undefined {
  if (res.destroyed) return undefined;
  // Events that come in one turn of the event loop leave in one write: cork now, uncork after
  // the pending promise callbacks ran (a syscall per SSE frame cost a fifth of the CPU).
  if (res.writableCorked === 0) {
    res.cork();
    setImmediate(uncork, res);
  }
  if (res.write(text)) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function uncork(res: ServerResponse): void {
  while (res.writableCorked > 0) res.uncork();
}
