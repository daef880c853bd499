import { describe, expect, it } from 'vitest';
import {
  ERROR_KINDS,
  errorFromAbort,
  errorFromException,
  errorFromHttpStatus,
  fallsBack,
  isRetryableKind,
  isSwitchyardError,
  parseDuration,
  parseRetryAfter,
  redactSecrets,
  SwitchyardError,
} from '../../src/index.js';

describe('SwitchyardError', () => {
  it('carries kind, retryable, status, retryAfterMs, target and cause', () => {
    const cause = new Error('root');
    const e = new SwitchyardError('rate_limited', 'slow down', {
      status: 429,
      retryAfterMs: 1000,
      target: 't',
      cause,
    });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('SwitchyardError');
    expect([e.kind, e.retryable, e.status, e.retryAfterMs, e.target, e.cause]).toEqual([
      'rate_limited',
      true,
      429,
      1000,
      't',
      cause,
    ]);
    expect(e.toJSON()).toMatchObject({ kind: 'rate_limited', status: 429, target: 't' });
    expect(e.with({ target: 'u' })).toMatchObject({
      kind: 'rate_limited',
      target: 'u',
      retryAfterMs: 1000,
      message: 'slow down',
    });
  });

  it('is recognised by its Symbol.for brand across copies of the library, not only instanceof', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('switchyard.error')]: true, kind: 'server' });
    expect(isSwitchyardError(foreign)).toBe(true);
    expect(isSwitchyardError(new Error('x'))).toBe(false);
    expect(isSwitchyardError(null)).toBe(false);
    expect(isSwitchyardError('x')).toBe(false);
  });

  it('derives retryable and fallback rules from the kind', () => {
    expect(ERROR_KINDS.filter(isRetryableKind)).toEqual(['rate_limited', 'timeout', 'server', 'connection']);
    expect(ERROR_KINDS.filter(fallsBack)).toEqual([
      'rate_limited',
      'timeout',
      'server',
      'connection',
      'auth',
      'not_found',
    ]);
  });
});

describe('errorFromHttpStatus', () => {
  it.each([
    [429, 'rate_limited'],
    [408, 'timeout'],
    [500, 'server'],
    [502, 'server'],
    [503, 'server'],
    [504, 'server'],
    [529, 'server'],
    [409, 'server'],
    [401, 'auth'],
    [402, 'auth'],
    [403, 'auth'],
    [404, 'not_found'],
    [400, 'invalid_request'],
    [413, 'invalid_request'],
    [422, 'invalid_request'],
  ])('maps %i to %s', (status, kind) => {
    expect(errorFromHttpStatus(status).kind).toBe(kind);
  });

  it('uses provider codes: overloaded → server, billing → auth', () => {
    expect(errorFromHttpStatus(400, { code: 'overloaded_error' }).kind).toBe('server');
    expect(errorFromHttpStatus(429, { code: 'insufficient_quota' }).kind).toBe('auth');
  });

  it('flags context-length overflows and reads Retry-After', () => {
    const e = errorFromHttpStatus(400, {
      message: "This model's maximum context length is 8192 tokens",
      target: 't',
    });
    expect(e.contextOverflow).toBe(true);
    expect(e.message).toContain("target 't'");
    expect(errorFromHttpStatus(429, { headers: { 'Retry-After': '3' } }).retryAfterMs).toBe(3000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    [{ 'retry-after-ms': '250' }, 250],
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, 5000],
    [{ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, 0],
    [{ 'x-ratelimit-reset-requests': '1m30s', 'x-ratelimit-reset-tokens': '20ms' }, 90_000],
    [{ 'anthropic-ratelimit-requests-reset': '2026-01-01T00:00:07Z' }, 7000],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(parseRetryAfter(headers, now)).toBe(expected);
  });

  it('reads fetch Headers and header arrays', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '4' }), now)).toBe(4000);
    expect(parseRetryAfter({ 'Retry-After': ['6', '7'] }, now)).toBe(6000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('parses OpenAI durations', () => {
    expect(parseDuration('6m0s')).toBe(360_000);
    expect(parseDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseDuration('12')).toBe(12_000);
    expect(parseDuration('abc')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });
});

describe('errorFromException and errorFromAbort', () => {
  it('maps transport failures to connection or timeout', () => {
    expect(
      errorFromException(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), { target: 't' }),
    ).toMatchObject({
      kind: 'connection',
      target: 't',
    });
    expect(
      errorFromException(new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } })).kind,
    ).toBe('connection');
    expect(errorFromException(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' })).kind).toBe(
      'timeout',
    );
    expect(errorFromException('weird').kind).toBe('connection');
    const own = new SwitchyardError('auth', 'no');
    expect(errorFromException(own)).toBe(own);
  });

  it('an aborted signal wins, with the router reason when there is one', () => {
    const c = new AbortController();
    c.abort(new SwitchyardError('timeout', 'deadline'));
    expect(errorFromException(new Error('AbortError'), { signal: c.signal, target: 't' })).toMatchObject({
      kind: 'timeout',
      target: 't',
    });
    expect(errorFromAbort(AbortSignal.abort()).kind).toBe('aborted');
  });
});

describe('redactSecrets', () => {
  it('removes given secrets and anything that looks like a key or token', () => {
    const text = 'key sk-abc123def456ghi and Bearer eyJhbGciOi.xyz api_key=supersecretvalue my-own-secret';
    const out = redactSecrets(text, ['my-own-secret', undefined, 'ab']);
    expect(out).not.toMatch(/sk-abc|eyJhbG|supersecret|my-own-secret/);
    expect(out).toContain('[redacted]');
  });
});

describe('sanitizeError', () => {
  it('copies an error with message, stack and cause chain redacted, keeping diagnostic fields', async () => {
    const { sanitizeError } = await import('../../src/index.js');
    const inner = new Error('inner sk-abcdefghijklmnop');
    const outer = Object.assign(new Error('outer my-key-value', { cause: inner }), {
      status: 401,
      code: 'bad_key',
      secret: 'x',
    });
    const copy = sanitizeError(outer, ['my-key-value']) as Error & Record<string, unknown>;
    expect(copy).not.toBe(outer);
    expect(copy.message).toBe('outer [redacted]');
    expect(String(copy.stack)).not.toContain('my-key-value');
    expect([copy.status, copy.code, copy.secret]).toEqual([401, 'bad_key', undefined]);
    expect((copy.cause as Error).message).toBe('inner [redacted]');
    expect(sanitizeError('text my-key-value', ['my-key-value'])).toBe('text [redacted]');
    expect(sanitizeError(42)).toBe(42);
  });
});

describe('scrubSecrets', () => {
  it('redacts the message and sanitises the cause, and returns the same error when there is nothing to scrub', async () => {
    const { scrubSecrets, SwitchyardError: E } = await import('../../src/index.js');
    const leaky = new E('auth', 'bad key my-secret-key', { cause: new Error('body: my-secret-key') });
    const clean = scrubSecrets(leaky, ['my-secret-key']);
    expect(clean.message).toBe('bad key [redacted]');
    expect((clean.cause as Error).message).toBe('body: [redacted]');
    const plain = new E('server', 'nothing here');
    expect(scrubSecrets(plain, ['my-secret-key'])).toBe(plain);
  });
});
