import { describe, expect, it } from 'vitest';
import { rateLimitFromHeaders } from './rate-limit-headers.js';

describe('rateLimitFromHeaders', () => {
  it('reads OpenAI’s headers with Go durations', () => {
    const headers = new Headers({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '59',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-limit-tokens': '150000',
      'x-ratelimit-remaining-tokens': '149984',
      'x-ratelimit-reset-tokens': '6m0.5s',
    });
    expect(rateLimitFromHeaders(headers)).toEqual({
      limitRequests: 60,
      remainingRequests: 59,
      resetRequestsMs: 1_000,
      limitTokens: 150_000,
      remainingTokens: 149_984,
      resetTokensMs: 360_500,
    });
    expect(
      rateLimitFromHeaders({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '20ms' }),
    ).toEqual({
      remainingRequests: 0,
      resetRequestsMs: 20,
    });
  });

  it('reads Anthropic’s headers with RFC 3339 reset times, input tokens when no total is sent', () => {
    const now = Date.parse('2026-12-02T10:00:00Z');
    const info = rateLimitFromHeaders(
      {
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '3',
        'anthropic-ratelimit-requests-reset': '2026-12-02T10:00:30Z',
        'anthropic-ratelimit-input-tokens-limit': '40000',
        'anthropic-ratelimit-input-tokens-remaining': '1200',
        'anthropic-ratelimit-input-tokens-reset': '2026-12-02T10:01:00Z',
      },
      now,
    );
    expect(info).toEqual({
      limitRequests: 50,
      remainingRequests: 3,
      resetRequestsMs: 30_000,
      limitTokens: 40_000,
      remainingTokens: 1_200,
      resetTokensMs: 60_000,
    });
  });

  it('ignores what it cannot read and says nothing without rate-limit headers', () => {
    expect(rateLimitFromHeaders(new Headers({ 'content-type': 'application/json' }))).toBeUndefined();
    expect(rateLimitFromHeaders(undefined)).toBeUndefined();
    expect(
      rateLimitFromHeaders({ 'x-ratelimit-remaining-requests': '-1', 'x-ratelimit-reset-requests': 'soon' }),
    ).toBeUndefined();
  });
});
