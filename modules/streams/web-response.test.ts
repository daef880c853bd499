import { describe, expect, it, vi } from 'vitest';
import { isSwitchyardError, SwitchyardError } from '../../index.js';
import { VirtualClock } from '../../src/testing/index.js';
import { toSSEResponse } from './index.js';
import { finish, interrupted, ScriptedStream, textEvents } from './test-streams.js';

function frames(text: string): string[] {
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((f) => f.slice(6));
}

describe('toSSEResponse', () => {
  it('OpenAI format: exact chunks with the given id, model and clock, then [DONE]', async () => {
    const stream = new ScriptedStream(textEvents(['Hel', 'lo']));
    const res = await toSSEResponse(stream, {
      id: 'chatcmpl-x',
      model: 'fast',
      clock: new VirtualClock(1_700_000_000_500),
      headers: { 'X-Request-Id': 'r1' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-request-id')).toBe('r1');
    const base = { id: 'chatcmpl-x', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'fast' };
    const chunks = [
      {
        ...base,
        choices: [
          { index: 0, delta: { role: 'assistant', content: 'Hel' }, logprobs: null, finish_reason: null },
        ],
      },
      { ...base, choices: [{ index: 0, delta: { content: 'lo' }, logprobs: null, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] },
    ];
    expect(await res.text()).toBe(
      `${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`,
    );
    expect(stream.cancelled).toBe(false);
  });

  it('includeUsage adds usage: null and a last usage chunk; an empty stream is the finish and [DONE]', async () => {
    const res = await toSSEResponse(new ScriptedStream([finish()]), { includeUsage: true });
    const list = frames(await res.text());
    expect(list).toHaveLength(3);
    expect(JSON.parse(list[0]!)).toMatchObject({ usage: null, choices: [{ finish_reason: 'stop' }] });
    expect(JSON.parse(list[1]!)).toMatchObject({ choices: [], usage: { prompt_tokens: 3, total_tokens: 7 } });
    expect(list[2]).toBe('[DONE]');
    expect(JSON.parse(list[0]!).id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
  });

  it('a failure before any content: the status and OpenAI error JSON, with retry-after; onError once', async () => {
    const onError = vi.fn();
    const error = new SwitchyardError('rate_limited', "rate_limited from target 'mock': slow down", {
      retryAfterMs: 1_500,
    });
    const res = await toSSEResponse(new ScriptedStream([], { fail: error }), {
      onError,
      headers: { 'x-extra': '1' },
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('x-extra')).toBe('1');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({
      error: {
        message: "rate_limited from target 'mock': slow down",
        type: 'rate_limit_error',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
    expect(onError).toHaveBeenCalledExactlyOnceWith(error);
  });

  it('an unexpected error before content is a 500 that does not show its message', async () => {
    const res = await toSSEResponse(new ScriptedStream([], { fail: new TypeError('secret at /srv/x.js') }));
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('secret');
  });

  it('a failure after content: the final error event, no [DONE]; onError once; errorMessage masks it', async () => {
    const onError = vi.fn(() => {
      throw new Error('a failing hook is ignored');
    });
    const res = await toSSEResponse(
      new ScriptedStream(textEvents(['a', 'b']).slice(0, 2), { fail: interrupted() }),
      {
        onError,
        errorMessage: () => 'The answer broke off.',
      },
    );
    const list = frames(await res.text());
    expect(list).toHaveLength(3);
    expect(list).not.toContain('[DONE]');
    expect(JSON.parse(list[2]!)).toEqual({
      error: {
        message: 'The answer broke off.',
        type: 'upstream_error',
        param: null,
        code: 'stream_interrupted',
      },
    });
    expect(onError).toHaveBeenCalledOnce();
  });

  it('is pull-based: the stream is read only as far as the client reads', async () => {
    const stream = new ScriptedStream(textEvents(Array.from({ length: 100 }, (_, i) => `d${i} `)));
    const res = await toSSEResponse(stream);
    expect(stream.read).toBe(1); // the first event decides the status
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    await new Promise((r) => setImmediate(r));
    expect(stream.read).toBeLessThanOrEqual(3);
    await reader.cancel();
    expect(stream.cancelled).toBe(true);
    expect(stream.read).toBeLessThanOrEqual(3);
  });

  it('cancelling the body while a token is awaited cancels the router call', async () => {
    const stream = new ScriptedStream([{ type: 'text-delta', delta: 'x' }], { hang: true });
    const res = await toSSEResponse(stream);
    const reader = res.body!.getReader();
    await reader.read();
    const pending = reader.read(); // waits for a token that never comes
    await reader.cancel();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(stream.cancelled).toBe(true);
  });

  it('an aborted signal cancels the call and ends the body, even while a token is awaited', async () => {
    const onError = vi.fn();
    const client = new AbortController();
    const stream = new ScriptedStream([{ type: 'text-delta', delta: 'x' }], { hang: true });
    const res = await toSSEResponse(stream, { signal: client.signal, onError });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('"content":"x"');
    const pending = reader.read();
    client.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(stream.cancelled).toBe(true);
    expect(onError).not.toHaveBeenCalled();
  });

  it('a signal aborted before the first event: the call is cancelled and the answer is a 499', async () => {
    const stream = new ScriptedStream([], { hang: true });
    const res = await toSSEResponse(stream, { signal: AbortSignal.abort() });
    expect(res.status).toBe(499);
    expect(stream.cancelled).toBe(true);
  });

  it('bad options are a config error naming the field, thrown at once, and the stream is cancelled', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ format: 'sse' }, /options\.format: expected one of openai, ui-message/],
      [{ model: '' }, /options\.model: expected a non-empty string/],
      [{ includeUsage: 'yes' }, /options\.includeUsage: expected a boolean/],
      [{ format: 'ui-message', includeUsage: true }, /options\.includeUsage applies to format 'openai' only/],
      [{ messageId: 'm1' }, /options\.messageId applies to format 'ui-message' only/],
      [{ headers: { 'x-a': 1 } }, /options\.headers\['x-a'\]: expected a string/],
      [{ signal: {} }, /options\.signal: expected an AbortSignal/],
      [{ onError: 'log' }, /options\.onError: expected a function/],
      [{ clock: {} }, /options\.clock: expected a Clock/],
    ];
    for (const [options, message] of cases) {
      const stream = new ScriptedStream(textEvents(['x']));
      let thrown: unknown;
      try {
        void toSSEResponse(stream, options as never);
      } catch (error) {
        thrown = error;
      }
      expect(isSwitchyardError(thrown) && thrown.kind === 'config', JSON.stringify(options)).toBe(true);
      expect((thrown as Error).message).toMatch(message);
      expect((thrown as Error).message).toMatch(/^toSSEResponse: /);
      expect(stream.cancelled).toBe(true);
    }
  });
});
