import type { IncomingMessage } from 'node:http';
import { readBody } from './body.js';
import { type ErrorAnswer, errorAnswer } from './errors.js';

/** A request's JSON body, or the answer to send instead (`close`: the connection must close). */
export type JsonBodyResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly answer: ErrorAnswer; readonly close: boolean };

/** `application/json`, with or without parameters (the exact string first: the common case). */
const isJson = (type: string | undefined): boolean =>
  type === 'application/json' || (typeof type === 'string' && /^application\/json\s*(;|$)/i.test(type));

/**
 * The preamble of the JSON routes (`/v1/chat/completions`, `/v1/messages`): the content type must
 * be `application/json` (else 415, the body discarded), the body at most `limit` bytes and fully
 * received (else 413 or 400, and the connection closes), and valid JSON (else 400). Each route
 * sends the answer in its own error format.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<JsonBodyResult> {
  if (!isJson(req.headers['content-type'])) {
    req.resume();
    return {
      ok: false,
      answer: errorAnswer(
        415,
        "Expected 'content-type: application/json'.",
        'invalid_request_error',
        'unsupported_media_type',
      ),
      close: false,
    };
  }
  const body = await readBody(req, limit);
  if (!body.ok) return { ok: false, answer: body.answer, close: true };
  try {
    return { ok: true, value: JSON.parse(body.text) };
  } catch {
    return {
      ok: false,
      answer: errorAnswer(
        400,
        'The request body is not valid JSON.',
        'invalid_request_error',
        'invalid_json',
      ),
      close: false,
    };
  }
}
