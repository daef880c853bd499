/** What every load-test call sends and must get back (client, mock upstream and gateway agree on it). */

/** Model of every call; the gateway's target serves it under the same name. */
export const MODEL = 'gpt-4o-mini';
/** A placeholder key: the mock accepts anything, and nothing leaves 127.0.0.1. */
export const API_KEY = 'sk-load-not-a-real-key';
/** Words the mock streams, one content delta each; together they are {@link EXPECTED_TEXT}. */
export const WORDS = ['Hello', '!', ' This', ' is', ' a', ' mock', ' reply', '.'] as const;
/** The answer text of every call, streamed or not. */
export const EXPECTED_TEXT = WORDS.join('');

/** The request body of a call (the same bytes to the gateway and straight to the mock). */
export function requestBody(stream: boolean): string {
  return JSON.stringify({
    model: MODEL,
    messages: [{ role: 'user', content: 'Say hello' }],
    max_tokens: 16,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}
