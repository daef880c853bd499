/** What every contender sends and must get back, shared by the mock server and the workers. */

/** Model id in every request. */
export const MODEL = 'gpt-4o-mini';
/** The one user message. */
export const PROMPT = 'Say hello';
/** `max_tokens` of every request. */
export const MAX_TOKENS = 16;
/** A placeholder key: the mock accepts anything, and nothing leaves 127.0.0.1. */
export const API_KEY = 'sk-bench-not-a-real-key';
/** Words the mock streams, cycled; 8 of them make {@link EXPECTED_TEXT}. */
export const WORDS = ['Hello', '!', ' This', ' is', ' a', ' mock', ' reply', '.'] as const;
/** Content deltas in a default stream. */
export const DEFAULT_DELTAS = 8;
/** The answer text of a default call, streamed or not. */
export const EXPECTED_TEXT = 'Hello! This is a mock reply.';
/** Request header that sets the number of content deltas of one streamed answer. */
export const DELTAS_HEADER = 'x-mock-deltas';

/** The text of an answer with `n` content deltas. */
export function answerText(n: number): string {
  let text = '';
  for (let i = 0; i < n; i++) text += WORDS[i % WORDS.length];
  return text;
}
