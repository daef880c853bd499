import { type ErrorAnswer, errorAnswer, errorAnswerFor, type OpenAIErrorBody } from '../streams/index.js';
import { WireError } from './wire-error.js';

// The error answers live in switchyard-llm/streams (the stream helpers send the same ones); the
// gateway re-exports them.
export { type ErrorAnswer, errorAnswer, type OpenAIErrorBody };

/**
 * The HTTP answer to an error of a call: a wire error (bad request body) is a 400 with
 * `invalid_request_error` and the field's code and `param`; any other error is answered by
 * kind as {@link errorAnswerFor} says (429 with `retry-after`, 502, 503, 504, …), unexpected
 * errors with a generic 500 that never shows their message. `now` is the router clock's time,
 * for `no_target`'s `nextAvailableAt`.
 */
export function answerForError(error: unknown, now: number): ErrorAnswer {
  if (error instanceof WireError) {
    return errorAnswer(400, error.message, 'invalid_request_error', error.code, error.param);
  }
  return errorAnswerFor(error, now, 'The gateway failed to serve the request.');
}
