import type { IncomingMessage } from 'node:http';
import { type ErrorAnswer, errorAnswer } from './errors.js';

/** The body, or the answer to send when it cannot be read. */
export type BodyResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly answer: ErrorAnswer };

function tooLarge(limit: number): ErrorAnswer {
  return errorAnswer(
    413,
    `Request body is larger than ${limit} bytes.`,
    'invalid_request_error',
    'body_too_large',
  );
}

/**
 * Reads a request body of at most `limit` bytes as UTF-8. A declared `content-length` over the
 * limit is refused before reading; a body that grows past it stops being buffered (the rest is
 * discarded). An aborted upload resolves with a 400 that nobody will read.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    req.resume();
    return Promise.resolve({ ok: false, answer: tooLarge(limit) });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // The listeners stay on the request once it is settled (it is done with then): a flag
    // instead of four removeListener calls per request.
    let settled = false;
    const done = (result: BodyResult) => {
      settled = true;
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        done({ ok: false, answer: tooLarge(limit) });
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (settled) return;
      done({
        ok: true,
        text: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'),
      });
    };
    const onFail = () => {
      if (settled) return;
      done({
        ok: false,
        answer: errorAnswer(400, 'The request body was not received in full.', 'invalid_request_error'),
      });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onFail);
    req.on('aborted', onFail);
  });
}
