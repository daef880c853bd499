/** Log records through a real Router with mock adapters. */
import { describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { responseCache } from '../cache/index.js';
import { type LogRecord, logging } from './index.js';

const messages = [{ role: 'user' as const, content: 'hi' }];
const summary = (records: readonly LogRecord[]) =>
  records.map((r) => [r.event, r.target, r.attempt, r.outcome].filter((x) => x !== undefined).join(' '));

describe('logging through a Router', () => {
  it('logs a call with a fallback: start, one record per attempt, end, under the call’s id', async () => {
    const records: LogRecord[] = [];
    const router = new Router({
      targets: [
        { id: 'down', adapter: new MockAdapter([{ error: { status: 503 } }]), model: 'm' },
        { id: 'up', adapter: new MockAdapter(() => ({ text: 'ok' })), model: 'm' },
      ],
      strategy: 'priority',
      middleware: [logging({ logger: (r) => records.push(r) })],
    });
    const res = await router.complete({ messages });
    expect(summary(records)).toEqual([
      'call:start',
      'attempt:end down 1 failure',
      'attempt:end up 2 success',
      'call:end up success',
    ]);
    expect(new Set(records.map((r) => r.requestId))).toEqual(new Set([res.requestId]));
    expect(records[1]?.error?.kind).toBe('server');
    expect(records[3]).toMatchObject({ attempts: 2, usage: res.usage });
  });

  it('logs streams, and a cache hit as a call without attempts', async () => {
    const records: LogRecord[] = [];
    const adapter = new MockAdapter(() => ({ stream: ['o', 'k'] }));
    const router = new Router({
      targets: [{ id: 'a', adapter, model: 'm' }],
      middleware: [
        logging({ logger: (r) => records.push(r) }),
        responseCache({ ttlMs: 60_000, maxEntries: 10, maxBytes: 1e6 }),
      ],
    });
    const request = { messages, temperature: 0 };
    await router.stream(request).response;
    await router.complete(request);
    expect(summary(records)).toEqual([
      'call:start',
      'attempt:end a 1 success',
      'call:end a success',
      'call:start',
      'call:end a success',
    ]);
    expect(records[0]?.stream).toBe(true);
    expect(records[4]?.attempts).toBe(0);
  });
});
