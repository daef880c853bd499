import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keysCommand } from './cli.js';
import { FileKeyStore } from './file-store.js';
import { VirtualKeys } from './virtual-keys.js';

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  dir ??= mkdtempSync(join(tmpdir(), 'gw-keys-cli-'));
  const io = {
    stdout: (t: string) => void out.push(t),
    stderr: (t: string) => void err.push(t),
    env,
    cwd: dir,
  };
  return keysCommand(argv, io).then((code) => ({ code, out: out.join(''), err: err.join('') }));
}

const request = (secret: string) => ({
  method: 'POST',
  path: '/v1/chat/completions',
  headers: { authorization: `Bearer ${secret}` },
});

describe('keys CLI', () => {
  it('create prints the secret once; the file holds its hash only; list, rotate and revoke work', async () => {
    const created = await run([
      'create',
      '--file',
      'keys.json',
      '--name',
      'search',
      '--rpm',
      '60',
      '--models',
      'chat,fast',
      '--budget-usd',
      '20',
      '--budget-period',
      'month',
      '--team',
      'search',
    ]);
    expect(created.code).toBe(0);
    const [id, secret] = created.out.trim().split(/\s+/);
    expect(id).toMatch(/^key_/);
    expect(secret).toMatch(/^sk-sy-/);
    expect(created.err).toMatch(/not shown again/);
    const path = join(dir!, 'keys.json');
    expect(readFileSync(path, 'utf8')).not.toContain(secret!);
    const store = new FileKeyStore(path);
    expect(store.get(id!)).toMatchObject({
      rpm: 60,
      models: ['chat', 'fast'],
      budget: { limitUsd: 20, period: 'month' },
    });
    expect(
      await new VirtualKeys(store, { storeBudgetsOnly: true }).authenticate(request(secret!)),
    ).toMatchObject({
      id,
      team: 'search',
    });

    const listed = await run(['list', '--file', 'keys.json']);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(id);
    expect(listed.out).toContain('rpm=60');
    expect(listed.out).toContain('budget=$20/month');
    expect(listed.out).not.toContain(secret!);

    const rotated = await run(['rotate', id!, '--json'], { SWITCHYARD_KEYS_FILE: 'keys.json' });
    expect(rotated.code).toBe(0);
    const fresh = JSON.parse(rotated.out) as { secret: string; id: string };
    expect(fresh.id).toBe(id);
    const reloaded = new VirtualKeys(new FileKeyStore(path), { storeBudgetsOnly: true });
    expect(await reloaded.authenticate(request(secret!))).toBeUndefined();
    expect(await reloaded.authenticate(request(fresh.secret))).toMatchObject({ id });

    const revoked = await run(['revoke', id!, '--file', 'keys.json']);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain('revoked');
    const after = new VirtualKeys(new FileKeyStore(path), { storeBudgetsOnly: true });
    expect(await after.authenticate(request(fresh.secret))).toBeUndefined();
  });

  it('usage errors exit 2; failures exit 1 with a message naming the problem', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['create', '--name', 'a'])).err).toMatch(/--file/);
    expect((await run(['frob', '--file', 'k.json'])).code).toBe(2);
    expect((await run(['rotate', '--file', 'k.json'])).code).toBe(2);
    expect((await run(['create', '--file', 'k.json', '--name', 'a', '--rpm', 'lots'])).code).toBe(2);
    expect((await run(['create', '--file', 'k.json', '--name', 'a', '--budget-usd', '5'])).code).toBe(2);
    expect((await run(['create', '--file', 'k.json', '--bogus'])).code).toBe(2);
    const bad = await run(['create', '--file', 'k.json', '--name', 'a', '--rpm', '0']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/'rpm'/);
    const missing = await run(['revoke', 'key_nope', '--file', 'k.json']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no key 'key_nope'/);
    expect((await run(['help'])).code).toBe(0);
  });
});
