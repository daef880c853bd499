/**
 * The exact bytes of the streamed answer, read with node:http (no SDK in between).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { postChat, startGateway, type TestGateway } from './test-helpers.js';

let current: TestGateway | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

function frames(text: string): string[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text.slice(0, -2).split('\n\n');
}

describe('SSE framing', () => {
  it('data lines, usage: null then a usage chunk with include_usage, then [DONE]', async () => {
    current = await startGateway([{ stream: ['a', 'b\nc'], usage: { inputTokens: 2, outputTokens: 2 } }], {
      generateId: () => 'chatcmpl-fixed',
    });
    const answer = await postChat(current.port, { stream: true, stream_options: { include_usage: true } });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('no-cache');
    expect(answer.headers['content-length']).toBeUndefined();
    const list = frames(answer.text);
    expect(list.every((f) => f.startsWith('data: ') && !f.slice(6).includes('\n'))).toBe(true);
    expect(list.at(-1)).toBe('data: [DONE]');
    const chunks = list.slice(0, -1).map((f) => JSON.parse(f.slice(6)));
    const created = chunks[0].created;
    const base = { id: 'chatcmpl-fixed', object: 'chat.completion.chunk', created, model: 'fast' };
    expect(chunks).toEqual([
      {
        ...base,
        choices: [
          { index: 0, delta: { role: 'assistant', content: 'a' }, logprobs: null, finish_reason: null },
        ],
        usage: null,
      },
      {
        ...base,
        choices: [{ index: 0, delta: { content: 'b\nc' }, logprobs: null, finish_reason: null }],
        usage: null,
      },
      { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], usage: null },
      { ...base, choices: [], usage: { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 } },
    ]);
  });

  it('without include_usage: no usage field, no usage chunk', async () => {
    current = await startGateway([{ stream: ['x'] }]);
    const answer = await postChat(current.port, { stream: true });
    const list = frames(answer.text);
    expect(list).toHaveLength(3);
    expect(list.slice(0, 2).every((f) => !('usage' in JSON.parse(f.slice(6))))).toBe(true);
  });

  it('a failure before any content is a plain HTTP error, not a stream', async () => {
    current = await startGateway([{ error: { status: 429, retryAfterMs: 1_000 } }]);
    const answer = await postChat(current.port, { stream: true });
    expect(answer.status).toBe(429);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['retry-after']).toBe('1');
  });

  it('a failure after content ends the stream with an error event and no [DONE]', async () => {
    current = await startGateway([
      { stream: ['partial'], error: { status: 500, message: 'upstream broke' } },
    ]);
    const answer = await postChat(current.port, { stream: true });
    expect(answer.status).toBe(200);
    const list = frames(answer.text);
    expect(JSON.parse(list[0]!.slice(6)).choices[0].delta.content).toBe('partial');
    const last = JSON.parse(list.at(-1)!.slice(6));
    expect(last.error).toMatchObject({ type: 'upstream_error', code: 'stream_interrupted' });
    expect(answer.text).not.toContain('[DONE]');
  });
});
