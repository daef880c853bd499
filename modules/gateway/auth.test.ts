import { describe, expect, it, vi } from 'vitest';
import { bearerToken, masterKeyAuth } from './auth.js';

const { timingSafeEqual } = vi.hoisted(() => ({ timingSafeEqual: vi.fn() }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  timingSafeEqual.mockImplementation(actual.timingSafeEqual);
  return { ...actual, timingSafeEqual };
});

const KEY = 'sk-master-0123456789abcdef';
const info = (headers: Record<string, string>) => ({ method: 'POST', path: '/v1/chat/completions', headers });

describe('masterKeyAuth', () => {
  it('accepts the key as a bearer token or x-api-key, and nothing else', async () => {
    const auth = masterKeyAuth(KEY, { id: 'ops' });
    expect(await auth(info({ authorization: `Bearer ${KEY}` }))).toEqual({ id: 'ops' });
    expect(await auth(info({ authorization: `bearer ${KEY}` }))).toEqual({ id: 'ops' });
    expect(await auth(info({ 'x-api-key': KEY }))).toEqual({ id: 'ops' });
    for (const wrong of [KEY.slice(0, -1), `${KEY}0`, KEY.toUpperCase(), '', 'x']) {
      expect(await auth(info({ authorization: `Bearer ${wrong}` }))).toBeUndefined();
    }
    expect(await auth(info({ authorization: `Basic ${KEY}` }))).toBeUndefined();
    expect(await auth(info({}))).toBeUndefined();
  });

  it('compares in constant time: every token, whatever its length, goes through timingSafeEqual on two SHA-256 digests', async () => {
    const auth = masterKeyAuth(KEY);
    timingSafeEqual.mockClear();
    const tokens = [`x${KEY.slice(1)}`, `${KEY.slice(0, -1)}x`, 'short', KEY.repeat(10), KEY];
    const results = [];
    for (const token of tokens) results.push(await auth(info({ authorization: `Bearer ${token}` })));
    expect(results).toEqual([undefined, undefined, undefined, undefined, { id: 'master' }]);
    expect(timingSafeEqual).toHaveBeenCalledTimes(tokens.length);
    for (const [a, b] of timingSafeEqual.mock.calls) {
      expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
    }
  });

  it('bearerToken reads only a well-formed header', () => {
    expect(bearerToken({ authorization: 'Bearer abc' })).toBe('abc');
    expect(bearerToken({ authorization: 'Bearer a b' })).toBeUndefined();
    expect(bearerToken({ authorization: 'Token abc' })).toBeUndefined();
  });
});
