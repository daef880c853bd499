import type { ErrorAnswer } from './error-answer.js';

/** Calls the user's `onError` without letting it throw into the stream. */
export function report(onError: ((error: unknown) => void) | undefined, error: unknown): void {
  if (onError === undefined) return;
  try {
    onError(error);
  } catch {
    // A failing error hook must not break the answer.
  }
}

/** The headers of a JSON error answer: `retry-after` when it has one, then the caller's. */
export function errorHeaders(
  answer: ErrorAnswer,
  extra: Readonly<Record<string, string>>,
): Record<string, string> {
  return {
    'content-type': 'application/json; charset=utf-8',
    ...(answer.retryAfterSeconds === undefined ? {} : { 'retry-after': String(answer.retryAfterSeconds) }),
    ...extra,
  };
}
