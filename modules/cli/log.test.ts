import { describe, expect, it } from 'vitest';
import { type Log, throttled } from './log.js';

describe('throttled', () => {
  it('writes the first event at once, then one per interval carrying how many it held back', () => {
    const lines: Array<{ event: string; fields: Readonly<Record<string, unknown>> | undefined }> = [];
    const log: Log = (_level, event, fields) => lines.push({ event, fields });
    let now = 1_000;
    const warn = throttled(log, 'warn', 'jwks_unavailable', 30_000, () => now);
    warn({ message: 'down' });
    for (let i = 0; i < 500; i++) {
      now += 10;
      warn({ message: 'down' });
    }
    expect(lines).toEqual([{ event: 'jwks_unavailable', fields: { message: 'down' } }]);
    now = 31_000;
    warn({ message: 'still down' });
    expect(lines[1]).toEqual({
      event: 'jwks_unavailable',
      fields: { message: 'still down', suppressed: 500 },
    });
    now = 61_000;
    warn({ message: 'down again' });
    expect(lines[2]).toEqual({ event: 'jwks_unavailable', fields: { message: 'down again' } });
  });
});
