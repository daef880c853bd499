import { describe, expect, it } from 'vitest';
import { CACHE_TTL_MS, VerifiedTokenCache } from './jwt-cache.js';

const T = 1_000_000_000_000;
const claims = (extra: Record<string, number> = {}) => ({ sub: 'u', ...extra });

describe('VerifiedTokenCache', () => {
  it('keys by a SHA-256 digest, not the token', () => {
    const key = VerifiedTokenCache.key('header.payload.signature');
    expect(key).toHaveLength(43);
    expect(key).not.toContain('payload');
  });

  it('an entry lives until the earliest of exp, iat + max age and 60 s after it was verified', () => {
    const cache = new VerifiedTokenCache(10, 30_000);
    cache.set('a', claims({ exp: (T + 10_000) / 1000 }), T);
    cache.set('b', claims(), T);
    cache.set('c', claims({ iat: (T - 20_000) / 1000 }), T);
    cache.set('d', claims({ exp: (T - 1) / 1000 }), T); // already expired: not stored
    expect(cache.get('a', T + 9_999)).toBeDefined();
    expect(cache.get('a', T + 10_000)).toBeUndefined();
    expect(cache.get('a', T)).toBeUndefined(); // dropped once stale
    expect(cache.get('c', T + 9_999)).toBeDefined();
    expect(cache.get('c', T + 10_000)).toBeUndefined();
    expect(cache.get('b', T + CACHE_TTL_MS - 1)).toEqual({ sub: 'u' });
    expect(cache.get('b', T + CACHE_TTL_MS)).toBeUndefined();
    expect(cache.get('d', T)).toBeUndefined();
  });

  it('evicts the least recently used entry beyond its size; size 0 keeps nothing; clear() empties it', () => {
    const cache = new VerifiedTokenCache(2, undefined);
    cache.set('a', claims(), T);
    cache.set('b', claims(), T);
    expect(cache.get('a', T)).toBeDefined(); // a is now the most recent
    cache.set('c', claims(), T);
    expect(cache.get('b', T)).toBeUndefined();
    expect(cache.get('a', T)).toBeDefined();
    expect(cache.get('c', T)).toBeDefined();
    cache.clear();
    expect(cache.get('a', T)).toBeUndefined();
    const off = new VerifiedTokenCache(0, undefined);
    off.set('a', claims(), T);
    expect(off.get('a', T)).toBeUndefined();
  });
});
