import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type AdapterResponse,
  type CompletionRequest,
  isSwitchyardError,
  type Middleware,
  SwitchyardError,
} from '../../src/index.js';
import { ManualClock } from '../../strategies/testing.js';
import {
  attemptContext,
  callContext,
  collect,
  eventsOf,
  iterate,
  partsOf,
  responseOf,
  targetView,
} from '../../test/helpers/middleware.js';
import { type LoggingOptions, type LogRecord, logging } from './index.js';

const secret = 'sk-abcdefghijklmnop1234';
const request: CompletionRequest = {
  model: 'fast',
  messages: [{ role: 'user', content: `my key is ${secret}` }],
  tags: ['checkout'],
  metadata: { user: 'u-1' },
  headers: { authorization: 'Bearer abcdefghijkl' },
};
const answer: AdapterResponse = {
  content: [{ type: 'text', text: 'noted' }],
  finishReason: 'stop',
  usage: { inputTokens: 5, outputTokens: 1, totalTokens: 6 },
};

function setup(options: LoggingOptions = {}) {
  const records: LogRecord[] = [];
  const clock = new ManualClock();
  const mw = logging({ logger: (r) => records.push(r), clock, ...options });
  return { mw, records, clock };
}

/** A call with one failed and one successful attempt, driven through the hooks. */
async function callWithRetry(mw: Middleware, clock: ManualClock) {
  const ctx = callContext(request, { requestId: 'r1-1' });
  return mw.wrapCall!(ctx, async () => {
    await mw.wrapAttempt!(attemptContext(ctx, targetView('a'), 1), async () => {
      clock.advance(30);
      throw new SwitchyardError('server', `upstream said 503 for key ${secret}`, { status: 503 });
    }).catch(() => {});
    await mw.wrapAttempt!(attemptContext(ctx, targetView('b'), 2), async () => {
      clock.advance(20);
      return answer;
    });
    clock.advance(1);
    return responseOf('noted', {
      requestId: 'r1-1',
      target: 'b',
      costUsd: 0.001,
      attempts: [
        { attempt: 1, target: 'a', outcome: 'failure', errorKind: 'server', durationMs: 30 },
        { attempt: 2, target: 'b', outcome: 'success', durationMs: 20 },
      ],
    });
  });
}

describe('logging', () => {
  afterEach(() => vi.restoreAllMocks());

  it('logs call start and end and each attempt end at info, without content', async () => {
    const { mw, records, clock } = setup();
    expect(mw.name).toBe('logging');
    await callWithRetry(mw, clock);
    expect(records.map((r) => `${r.level} ${r.event} ${r.outcome ?? ''}`.trim())).toEqual([
      'info call:start',
      'warn attempt:end failure',
      'info attempt:end success',
      'info call:end success',
    ]);
    const [start, failed, ok, end] = records;
    expect(start).toMatchObject({ requestId: 'r1-1', stream: false, model: 'fast', tags: ['checkout'] });
    expect(failed).toMatchObject({
      target: 'a',
      attempt: 1,
      model: 'model-a',
      durationMs: 30,
      error: { kind: 'server', status: 503, retryable: true },
    });
    expect(ok).toMatchObject({
      target: 'b',
      attempt: 2,
      durationMs: 20,
      usage: answer.usage,
      finishReason: 'stop',
    });
    expect(end).toMatchObject({
      target: 'b',
      durationMs: 51,
      attempts: 2,
      costUsd: 0.001,
      finishReason: 'stop',
    });
    expect(Date.parse(end!.time)).toBeGreaterThan(0);
    const text = JSON.stringify(records);
    expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
    expect(text).not.toMatch(/my key|noted|authorization|Bearer|u-1/);
  });

  it('logs attempt starts at debug and only what reaches the level', async () => {
    const debug = setup({ level: 'debug' });
    await callWithRetry(debug.mw, debug.clock);
    expect(debug.records.filter((r) => r.event === 'attempt:start').map((r) => r.level)).toEqual([
      'debug',
      'debug',
    ]);
    const warn = setup({ level: 'warn' });
    await callWithRetry(warn.mw, warn.clock);
    expect(warn.records.map((r) => r.event)).toEqual(['attempt:end']);
  });

  it('puts redacted content in with includeContent', async () => {
    const { mw, records, clock } = setup({ includeContent: true });
    await callWithRetry(mw, clock);
    expect(records[0]?.messages).toEqual([{ role: 'user', content: 'my key is [redacted]' }]);
    expect(records[2]?.text).toBe('noted');
    expect(records[3]?.text).toBe('noted');
    expect(JSON.stringify(records)).not.toMatch(/authorization|Bearer|u-1/);
  });

  it('replaces file bytes by their size in logged prompts', async () => {
    const { mw, records } = setup({ includeContent: true });
    const withImage: CompletionRequest = {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'file', mediaType: 'image/png', data: new Uint8Array(1234) },
            { type: 'file', mediaType: 'image/png', data: new URL('https://x.test/a.png') },
          ],
        },
      ],
    };
    await mw.wrapCall!(callContext(withImage), async () => responseOf('ok'));
    expect(records[0]?.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'file', mediaType: 'image/png', data: '[1234 bytes]' },
          { type: 'file', mediaType: 'image/png', data: 'https://x.test/a.png' },
        ],
      },
    ]);
  });

  it('logs a failed call at error with its kind and redacted message, and rethrows it', async () => {
    const { mw, records } = setup();
    const error = new SwitchyardError('no_target', `nothing for ${secret}`, {
      attempts: [{ attempt: 1, target: 'a', outcome: 'failure', errorKind: 'auth', durationMs: 1 }],
    });
    await expect(mw.wrapCall!(callContext(request), () => Promise.reject(error))).rejects.toBe(error);
    expect(records[1]).toMatchObject({
      level: 'error',
      event: 'call:end',
      outcome: 'failure',
      attempts: 1,
      error: { kind: 'no_target', message: 'nothing for [redacted]', retryable: false },
    });
    await expect(
      mw.wrapCall!(callContext(request), () => Promise.reject(new TypeError('bad'))),
    ).rejects.toThrow();
    expect(records[3]?.error).toEqual({ kind: 'TypeError', message: 'bad' });
    await expect(mw.wrapCall!(callContext(request), () => Promise.reject('plain'))).rejects.toBe('plain');
    expect(records[5]?.error).toEqual({ kind: 'string', message: 'plain' });
  });

  it('logs streams: call and attempt ends at finish, failures, and consumers that stop', async () => {
    const { mw, records, clock } = setup({ includeContent: true });
    const ctx = callContext(request, { stream: true, requestId: 'r1-2' });
    const events = await collect(
      mw.wrapStream!(ctx, () => {
        clock.advance(5);
        return iterate(eventsOf(['no', 'ted']));
      }),
    );
    expect(events).toHaveLength(3);
    const parts = await collect(
      mw.wrapAttemptStream!(attemptContext(ctx, targetView('a')), () => iterate(partsOf(['x', 'y']))),
    );
    expect(parts).toHaveLength(3);
    expect(records.map((r) => `${r.event} ${r.outcome ?? ''}`.trim())).toEqual([
      'call:start',
      'call:end success',
      'attempt:end success',
    ]);
    expect(records[1]).toMatchObject({ stream: true, durationMs: 5, text: 'noted' });
    expect(records[2]).toMatchObject({ target: 'a', text: 'xy', usage: { totalTokens: 5 } });

    records.length = 0;
    const broken = new SwitchyardError('stream_interrupted', 'cut');
    await expect(
      collect(mw.wrapStream!(ctx, () => iterate(eventsOf(['a']).slice(0, 1), broken))),
    ).rejects.toBe(broken);
    await expect(
      collect(
        mw.wrapAttemptStream!(attemptContext(ctx, targetView('a')), () =>
          iterate(partsOf(['a']).slice(0, 1), broken),
        ),
      ),
    ).rejects.toBe(broken);
    for await (const _ of mw.wrapStream!(ctx, () => iterate(eventsOf(['a', 'b'])))) break;
    for await (const _ of mw.wrapAttemptStream!(attemptContext(ctx, targetView('a')), () =>
      iterate(partsOf(['a'])),
    ))
      break;
    expect(records.map((r) => `${r.level} ${r.event} ${r.outcome ?? ''}`.trim())).toEqual([
      'info call:start',
      'error call:end failure',
      'warn attempt:end failure',
      'info call:start',
      'info call:end cancelled',
      'info attempt:end cancelled',
    ]);
  });

  it('ignores a logger that throws', async () => {
    const mw = logging({
      logger: () => {
        throw new Error('disk full');
      },
    });
    expect((await mw.wrapCall!(callContext(request), async () => responseOf('ok'))).text).toBe('ok');
  });

  it('writes JSON lines to stderr by default', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await logging().wrapCall!(callContext(request, { requestId: 'r1-3' }), async () => responseOf('ok'));
    expect(write).toHaveBeenCalledTimes(2);
    const line = String(write.mock.calls[1]?.[0]);
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toMatchObject({ level: 'info', event: 'call:end', requestId: 'r1-3' });
  });

  it.each([
    [{ level: 'trace' }, 'logging: level: expected one of debug, info, warn, error'],
    [{ logger: 'console' }, 'logging: logger: expected a function'],
    [{ includeContent: 1 }, 'logging: includeContent: expected a boolean'],
    [{ clock: {} }, 'logging: clock'],
    [{ redact: true }, 'logging: redact: unknown option'],
    [null, 'logging: options'],
  ])('rejects %j with a config error naming the field', (options, message) => {
    let error: unknown;
    try {
      logging(options as never);
    } catch (e) {
      error = e;
    }
    expect(isSwitchyardError(error) && error.kind).toBe('config');
    expect((error as Error).message).toContain(message);
  });
});
