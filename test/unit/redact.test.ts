import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redactSecrets, SwitchyardError, sanitizeError, scrubSecrets } from '../../src/index.js';

const KEY = 'sk-unit-KEY-0123456789abcdef';
const OWN = 'own-secret-value';

describe('redactSecrets', () => {
  it("removes the quote of the input from JSON.parse's messages", () => {
    for (const text of [KEY, `{"id": ${KEY}}`, `${'x'.repeat(40)}{"a": ${KEY}`]) {
      let message = '';
      try {
        JSON.parse(text);
      } catch (error) {
        message = (error as Error).message;
      }
      const redacted = redactSecrets(`malformed JSON (${message})`);
      expect(redacted).toMatch(/is not valid JSON|position/);
      expect(redacted).not.toMatch(/sk-unit|KEY-0|"x/);
    }
    expect(redactSecrets('"[object Object]" is not valid JSON')).toBe('[redacted] is not valid JSON');
  });
});

describe('scrubSecrets', () => {
  it('redacts the message, the provider code and every level of the cause chain', () => {
    const inner = Object.assign(new Error(`inner ${OWN}`), {
      code: OWN,
      param: `p ${KEY}`,
      headers: { k: KEY },
    });
    const sdk = Object.assign(new Error(`sdk ${KEY}`, { cause: inner }), { type: KEY, status: 401 });
    const error = new SwitchyardError('auth', `auth: ${OWN}`, { code: KEY, cause: sdk });
    const scrubbed = scrubSecrets(error, [OWN]);
    const all = [
      scrubbed.message,
      scrubbed.code,
      scrubbed.stack,
      JSON.stringify(scrubbed),
      inspect(scrubbed, { depth: 10 }),
    ].join('\n');
    expect(all).not.toContain(KEY);
    expect(all).not.toContain(OWN);
    expect(scrubbed).toMatchObject({ kind: 'auth', code: '[redacted]' });
    const cause = scrubbed.cause as Error & Record<string, unknown>;
    expect(cause).toMatchObject({ message: 'sdk [redacted]', type: '[redacted]', status: 401 });
    expect(cause.cause).toMatchObject({
      message: 'inner [redacted]',
      code: '[redacted]',
      param: 'p [redacted]',
    });
    expect((cause.cause as Record<string, unknown>).headers).toBeUndefined(); // not kept
  });

  it('scrubs a SwitchyardError cause as one, and turns an object cause into redacted text', () => {
    const nested = new SwitchyardError('server', `nested ${KEY}`, {
      code: OWN,
      cause: { body: { echo: KEY } },
    });
    const error = new SwitchyardError('server', 'outer', { cause: nested });
    const scrubbed = scrubSecrets(error, [OWN]);
    expect(scrubbed.cause).toBeInstanceOf(SwitchyardError);
    expect(scrubbed.cause).toMatchObject({
      kind: 'server',
      message: 'nested [redacted]',
      code: '[redacted]',
    });
    expect((scrubbed.cause as SwitchyardError).cause).toBe('{"body":{"echo":"[redacted]"}}');
  });

  it('drops what lies below the depth, and returns the error itself when nothing changes', () => {
    let chain: unknown = new Error(KEY);
    for (let i = 0; i < 6; i++) chain = new Error(`level ${i}`, { cause: chain });
    const scrubbed = scrubSecrets(new SwitchyardError('server', 'x', { cause: chain }), []);
    expect(inspect(scrubbed, { depth: 20 })).not.toContain(KEY);
    const clean = new SwitchyardError('server', 'nothing secret', { code: 'overloaded_error' });
    expect(scrubSecrets(clean, [OWN])).toBe(clean);
  });

  it('sanitizeError keeps primitives and redacts strings', () => {
    expect(sanitizeError(42)).toBe(42);
    expect(sanitizeError(undefined)).toBeUndefined();
    expect(sanitizeError(`t ${OWN}`, [OWN])).toBe('t [redacted]');
  });
});
