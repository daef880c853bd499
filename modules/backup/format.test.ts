import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Router, type RouterSnapshot } from '../../index.js';
import { MockAdapter } from '../../src/testing/index.js';
import { BackupDecodeError, decodeSnapshot, encodeSnapshot } from './index.js';

const snapshot = (): RouterSnapshot =>
  new Router({
    targets: [{ id: 'a', adapter: new MockAdapter(() => ({ text: 'ok' })), model: 'm' }],
  }).snapshot();

function reasonOf(data: string): string {
  try {
    decodeSnapshot(data);
  } catch (error) {
    expect(error).toBeInstanceOf(BackupDecodeError);
    return `${(error as BackupDecodeError).reason}: ${(error as Error).message}`;
  }
  return 'decoded';
}

/** Re-encodes a changed snapshot body with a correct header (an intact file of another shape). */
function sealed(body: unknown, raw = false): string {
  const text = raw ? String(body) : JSON.stringify(body);
  const sum = createHash('sha256').update(text).digest('hex');
  return `switchyard-backup 1 sha256:${sum} ${Buffer.byteLength(text)}\n${text}`;
}

describe('encodeSnapshot / decodeSnapshot', () => {
  it('round-trips a snapshot under a header with its length and SHA-256', () => {
    const original = { ...snapshot(), strategies: { s: { note: 'héllo ✓' } } } as RouterSnapshot;
    const data = encodeSnapshot(original);
    expect(data).toMatch(/^switchyard-backup 1 sha256:[0-9a-f]{64} \d+\n\{/);
    expect(decodeSnapshot(data)).toEqual(original);
  });

  it('detects a torn, altered or foreign file as corrupt', () => {
    const data = encodeSnapshot(snapshot());
    expect(reasonOf(data.slice(0, -10))).toMatch(
      /^corrupt: truncated or extended: \d+ bytes where the header says \d+$/,
    );
    const flipped = data.replace('"targets"', '"targetz"');
    expect(reasonOf(flipped)).toBe('corrupt: the SHA-256 checksum does not match');
    expect(reasonOf('')).toBe('corrupt: not a switchyard backup (bad header)');
    expect(reasonOf('{"format":"switchyard.router-snapshot"}')).toBe(
      'corrupt: not a switchyard backup (bad header)',
    );
    expect(reasonOf(data.replace('sha256:', 'md5:'))).toBe('corrupt: bad header');
    expect(reasonOf(sealed('{"targets": {', true))).toBe('corrupt: the JSON does not parse');
  });

  it('tells another version, and an intact file that is not a router snapshot, apart from corruption', () => {
    const data = encodeSnapshot(snapshot());
    expect(reasonOf(data.replace('switchyard-backup 1 ', 'switchyard-backup 2 '))).toBe(
      'version: envelope version 2 is not one this version reads (1)',
    );
    expect(reasonOf(sealed({ ...snapshot(), version: 99 }))).toBe(
      'version: snapshot.version: 99 is newer than this version of switchyard-llm reads (2)',
    );
    expect(reasonOf(sealed({ ...snapshot(), counters: {} }))).toBe(
      'invalid: snapshot.counters.calls: expected a finite number, got undefined',
    );
  });
});
