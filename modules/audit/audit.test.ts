import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entryHash } from './chain.js';
import { AuditLog, auditLogFiles, GENESIS_HASH, verifyAuditLog } from './index.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keys-audit-audit-'));
  path = join(dir, 'audit.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeFive(): void {
  const log = AuditLog.open({ path, now: () => 1_700_000_000_000 });
  log.record('key.added', { keyId: 'k1', provider: 'openai' });
  log.record('key.rotated', { keyId: 'k1', revision: 2 });
  log.record('key.disabled', { keyId: 'k1', reason: 'auth' });
  log.record('config.reload', { targets: 3 });
  log.record('admin.call', { route: '/admin/breakers', actor: 'ops' });
  log.close();
}
const lines = (): string[] => readFileSync(path, 'utf8').trimEnd().split('\n');
const save = (ls: string[]): void => writeFileSync(path, `${ls.join('\n')}\n`);

describe('AuditLog', () => {
  it('chains every entry to the previous one and verifies', () => {
    writeFive();
    const entries = lines().map((l) => JSON.parse(l) as { seq: number; prev: string; hash: string });
    expect(entries[0]?.prev).toBe(GENESIS_HASH);
    for (let i = 1; i < entries.length; i++) expect(entries[i]?.prev).toBe(entries[i - 1]?.hash);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(verifyAuditLog(path)).toEqual({ ok: true, entries: 5, lastHash: entries[4]?.hash });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('continues the chain when reopened', () => {
    writeFive();
    const log = AuditLog.open({ path });
    const head = log.lastHash;
    const entry = log.record('breaker.forced', { target: 'a', state: 'open', actor: 'ops' });
    log.close();
    expect(entry.prev).toBe(head);
    expect(entry.seq).toBe(6);
    expect(verifyAuditLog(path).ok).toBe(true);
  });

  it('names the first bad line of an edited entry', () => {
    writeFive();
    const ls = lines();
    ls[2] = ls[2]!.replace('"reason":"auth"', '"reason":"manual"');
    save(ls);
    expect(verifyAuditLog(path)).toMatchObject({
      ok: false,
      line: 3,
      entries: 2,
      reason: expect.stringMatching(/edited/),
    });
  });

  it('detects an edit that also recomputes the entry hash (the next line breaks)', () => {
    writeFive();
    const ls = lines();
    const e = JSON.parse(ls[1]!) as Record<string, unknown>;
    e.data = { keyId: 'k9', revision: 2 };
    const { hash: _old, ...body } = e;
    void _old;
    ls[1] = JSON.stringify({ ...body, hash: entryHash(body as never) });
    save(ls);
    expect(verifyAuditLog(path)).toMatchObject({
      ok: false,
      line: 3,
      reason: expect.stringMatching(/out of chain/),
    });
  });

  it('names the line after a removed entry', () => {
    writeFive();
    const ls = lines();
    ls.splice(1, 1);
    save(ls);
    expect(verifyAuditLog(path)).toMatchObject({
      ok: false,
      line: 2,
      reason: expect.stringMatching(/removed or reordered/),
    });
  });

  it('names the first line of a reordered pair', () => {
    writeFive();
    const ls = lines();
    [ls[3], ls[4]] = [ls[4]!, ls[3]!];
    save(ls);
    expect(verifyAuditLog(path)).toMatchObject({ ok: false, line: 4 });
  });

  it('detects a removed first entry and a truncated tail given the expected head', () => {
    writeFive();
    const ls = lines();
    const head = (JSON.parse(ls[4]!) as { hash: string }).hash;
    save(ls.slice(1));
    expect(verifyAuditLog(path)).toMatchObject({ ok: false, line: 1 });
    save(ls.slice(0, 4));
    expect(verifyAuditLog(path).ok).toBe(true);
    expect(verifyAuditLog(path, { expectLastHash: head })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/truncated/),
    });
  });

  it('reports a line that is not an entry', () => {
    writeFive();
    const ls = lines();
    ls[1] = 'hello';
    save(ls);
    expect(verifyAuditLog(path)).toMatchObject({ ok: false, line: 2, reason: 'not JSON' });
  });

  it('rotates by size and keeps the chain across files', () => {
    const log = AuditLog.open({ path, maxBytes: 1024 });
    for (let i = 0; i < 30; i++) log.record('admin.call', { route: '/admin/x', n: i });
    log.close();
    const files = auditLogFiles(path);
    expect(files.length).toBeGreaterThan(2);
    const firstOfNew = JSON.parse(readFileSync(files[1]!, 'utf8').split('\n')[0]!) as {
      type: string;
      prev: string;
    };
    const oldLines = readFileSync(files[0]!, 'utf8').trimEnd().split('\n');
    expect(firstOfNew.type).toBe('audit.rotated');
    expect(firstOfNew.prev).toBe((JSON.parse(oldLines.at(-1)!) as { hash: string }).hash);
    const all = verifyAuditLog(files);
    expect(all).toMatchObject({ ok: true });
    expect(all.entries).toBe(30 + files.length - 1);
    for (const f of files) expect(statSync(f).size).toBeLessThanOrEqual(1024);
    // A removed rotated file breaks the chain at the first line of the next one.
    expect(verifyAuditLog([files[0]!, files[2]!])).toMatchObject({ ok: false, file: files[2], line: 1 });
  });

  it('keeps the chain when the current file is gone after a rotation', () => {
    const log = AuditLog.open({ path });
    log.record('config.reload', {});
    const rotated = log.rotate();
    log.close();
    rmSync(path);
    const again = AuditLog.open({ path });
    again.record('config.reload', {});
    again.close();
    expect(rotated).toBe(`${path}.1`);
    // The new file's first entry chains to the rotated file's head and continues its seq.
    expect(verifyAuditLog([`${path}.1`, path])).toMatchObject({ ok: true, entries: 2 });
  });

  it('refuses secret and prompt fields, redacts key-like strings and checks options', () => {
    const log = AuditLog.open({ path });
    expect(() => log.record('key.added', { apiKey: 'x' })).toThrow(/field 'apiKey' looks like a secret/);
    expect(() => log.record('admin.call', { prompt: 'hi' })).toThrow(/prompt text/);
    expect(() => log.record('admin.call', { nested: {} as never })).toThrow(/must be a string/);
    expect(() => log.record('nope' as never)).toThrow(/unknown event type/);
    const entry = log.record('auth.failure', { detail: 'bad key sk-abcdefghijklmnop' });
    expect(entry.data.detail).toBe('bad key [redacted]');
    log.close();
    expect(() => log.record('config.reload')).toThrow(/closed/);
    expect(() => AuditLog.open({ path: '' })).toThrow(expect.objectContaining({ kind: 'config' }));
    expect(() => AuditLog.open({ path, maxBytes: 10 })).toThrow(/maxBytes/);
  });

  it('refuses to append to a file that is not an audit log', () => {
    writeFileSync(path, '{"hello":"world"}\n');
    expect(() => AuditLog.open({ path })).toThrow(/not an audit entry/);
  });
});
