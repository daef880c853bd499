import { describe, expect, it } from 'vitest';
import { formatReset, rateLimitHeaders } from './ratelimit-headers.js';

describe('OpenAI rate-limit headers', () => {
  it('formats resets as OpenAI does (12ms, 1s, 1.5s, 6m0s)', () => {
    expect(formatReset(0)).toBe('0ms');
    expect(formatReset(12)).toBe('12ms');
    expect(formatReset(11.2)).toBe('12ms'); // rounded up: never earlier than true
    expect(formatReset(999)).toBe('999ms');
    expect(formatReset(1000)).toBe('1s');
    expect(formatReset(1500)).toBe('1.5s');
    expect(formatReset(17_250)).toBe('17.25s');
    expect(formatReset(60_000)).toBe('1m0s');
    expect(formatReset(360_000)).toBe('6m0s');
    expect(formatReset(90_001)).toBe('1m30.001s');
    expect(formatReset(3_661_000)).toBe('1h1m1s');
    expect(formatReset(-5)).toBe('0ms');
  });

  it('sets limit, remaining (never below 0, whole) and reset per kind', () => {
    const headers: Record<string, string> = {};
    rateLimitHeaders(headers, 'requests', { limit: 60, used: 1, resetMs: 1000 });
    rateLimitHeaders(headers, 'tokens', { limit: 100, used: 150.5, resetMs: 360_000 });
    expect(headers).toEqual({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '59',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-limit-tokens': '100',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-tokens': '6m0s',
    });
  });
});
